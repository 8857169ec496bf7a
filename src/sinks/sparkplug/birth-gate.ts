/**
 * When the edge node births and when it leaves for its primary host (pure: the node does the publishing). Without
 * `primary_host_id` it births at each connection, once subscribed to its commands. With one (primary-host.ts follows
 * the host's STATE), it subscribes to the host's STATE too and births only while the host is online, and a born node
 * leaves (NDEATH, disconnect, connect again) when the host goes offline (Sparkplug 3.0.0 §5.4
 * tck-id-message-flow-edge-node-birth-publish-phid-wait, -phid-offline; §5.5 -termination-host-offline). While it
 * waits, /api/status says so (the sink unreachable, since when the host is not known online).
 */
import type { Logger } from '../../telemetry/logger.js';
import { PrimaryHost } from './primary-host.js';

/** Why the node is not born, since when: what /api/status says of the sink. */
export interface NotBorn {
  readonly since: number;
  readonly error: string;
}

/** Where the node stands when a STATE comes. */
export interface NodeSession {
  /** The connection now open subscribed to its topics (a birth may follow). */
  readonly subscribed: boolean;
  readonly connected: boolean;
  readonly born: boolean;
  /** The sink was closed. */
  readonly closed: boolean;
}

/** What a STATE makes the node do: birth (saying `why`), leave for the host, or nothing. */
export type HostStep = { readonly birth: string } | 'leave' | undefined;

export class BirthGate {
  /** The primary host it waits for (primary_host_id); none: it births at each connection. */
  private readonly host: PrimaryHost | undefined;

  constructor(
    hostId: string | undefined,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    if (hostId !== undefined) this.host = new PrimaryHost(hostId, logger, now);
  }

  /** The topics a connection subscribes to (QoS 1, §5.4): the commands, and the host's STATE. */
  topics(commands: readonly string[]): string[] {
    return this.host ? [...commands, this.host.topic] : [...commands];
  }

  /** A message on the host's STATE topic (else a command). */
  isHostState(topic: string): boolean {
    return topic === this.host?.topic;
  }

  /** The connection subscribed: whether the node births now; if not, it waits for its host (said in the log). */
  mayBirth(): boolean {
    const waiting = this.host?.waiting();
    if (waiting) this.logger.info({ sink: 'sparkplug' }, waiting.error);
    return waiting === undefined;
  }

  /** A message on the host's STATE topic: a birth once the host is online, leaving once it is offline. */
  take(payload: Buffer, node: NodeSession): HostStep {
    const host = this.host;
    if (!host) return undefined;
    const change = host.take(payload);
    if (change === 'online' && node.subscribed && node.connected && !node.born && !node.closed)
      return { birth: `Sparkplug primary host ${host.hostId} online` };
    if (change === 'offline' && node.born) return 'leave';
    return undefined;
  }

  /** The node leaves for its host (`take` said 'leave'): said in the log; what /api/status says now. */
  leaving(): NotBorn {
    const host = this.host!;
    this.logger.warn(
      { sink: 'sparkplug' },
      `Sparkplug: primary host ${host.hostId} offline: the node publishes its NDEATH and disconnects, and births again once the host is online`,
    );
    return host.waiting()!;
  }

  /** Why a node not born is not: waiting for its host once subscribed, else `down` (the broker's trouble). */
  notBorn(subscribed: boolean, down: NotBorn): NotBorn {
    return (subscribed && this.host?.waiting()) || down;
  }
}
