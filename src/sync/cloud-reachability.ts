/**
 * Whether the cloud broker can be reached, and if not since when and why (/api/status, /readyz: `failing()`): each
 * failure counted (sink_write_errors{kind="network"}) and said once while the same one repeats, and not at all while
 * the client id is being taken over (client-id-takeovers.ts: `quiet`); a connection the broker accepted ends it, said
 * as "reachable again". Why a connection closed is told before the client's 'close', so before its 'offline', which
 * then adds nothing (`closeFailure`, `offline`). The MQTT client's events are mqtt-sync.ts's; this keeps their verdict.
 */
import { queuedRecords } from '../buffer/queue-failures.js';
import type { DurableQueue } from '../buffer/queue.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

export interface CloudReachabilityDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Its queued messages are named in each failure said. */
  readonly queue: DurableQueue;
  readonly now: () => number;
  /** Takeovers of the client id are going on: a failure is counted, not said. */
  readonly quiet: () => boolean;
}

export class CloudReachability {
  private lastError: string | undefined;
  /** Why the connection closed, where it closed on a packet over max_incoming_bytes; undefined once it connects. */
  refused: string | undefined;
  /**
   * Why the connection closed, where the broker did not accept it (closed it with no CONNACK, or refused it in its
   * CONNACK); undefined once it connects.
   */
  unaccepted: string | undefined;
  /**
   * The connection closing now was counted and said for its reason (a connect error, a CONNACK refusal, a close before
   * one, a refused packet: each told before the client's 'close', so before its 'offline'), which then adds nothing.
   * Every client 'error' is such a reason, even one mqtt.js would keep the connection after (an acknowledgement of the
   * wrong type): the packet bound (core/mqtt-packet-bound.ts) closes the connection on any error, so no mark outlives
   * its close (test/sync/cloud-error-then-drop.e2e).
   */
  private closeCounted = false;
  /** Since when the broker has been unreachable (ms since the epoch); undefined while connected. */
  private failingSince: number | undefined;

  constructor(
    /** The sink's name, in log lines and counters. */
    private readonly sink: string,
    /** The broker's URL, in what is said. */
    private readonly url: string,
    private readonly deps: CloudReachabilityDeps,
  ) {}

  /**
   * The broker accepted a connection: a failure is over (said, unless `quiet`: the client id is being taken over, each
   * connect and drop no news, said once, and once more when a connection holds). `first`: this run's first connection
   * (said as connected).
   */
  reachable(quiet: boolean, first: boolean): void {
    if (!quiet && this.lastError)
      this.deps.logger.info({ sink: this.sink }, `cloud broker ${this.url} reachable again`);
    else if (!quiet && first) this.deps.logger.info({ sink: this.sink }, `cloud broker ${this.url}: connected`);
    this.lastError = undefined;
    this.refused = undefined;
    this.unaccepted = undefined;
    this.failingSince = undefined;
  }

  /** Counts a failure; says it (`tell`: by default, when it differs from the last one) unless the id is taken over. */
  failure(message: string, tell = message !== this.lastError): void {
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.sink, kind: 'network' });
    if (tell && !this.deps.quiet()) this.say(message);
    this.lastError = message;
    this.failingSince ??= this.deps.now();
  }

  /** A failure that closes the connection, said before the client's 'close' (see closeCounted). */
  closeFailure(message: string, tell?: boolean): void {
    this.failure(message, tell);
    this.closeCounted = true;
  }

  /** The client went offline: the first close of an episode, counted here only where its reason was not (a drop). */
  offline(): void {
    if (!this.closeCounted) this.failure(this.refused ?? this.unaccepted ?? `cloud broker ${this.url} unreachable`);
  }

  /** The client's 'close': the next close is counted afresh. */
  closed(): void {
    this.closeCounted = false;
  }

  /** Says the last failure again (one kept quiet while takeovers lasted), where there is one. */
  sayLast(): void {
    if (this.lastError !== undefined) this.say(this.lastError);
  }

  /** Where the broker cannot be reached now: since when and why. */
  failing(): { since: number; error: string } | undefined {
    return this.failingSince !== undefined && this.lastError !== undefined
      ? { since: this.failingSince, error: this.lastError }
      : undefined;
  }

  private say(message: string): void {
    this.deps.logger.warn(
      { sink: this.sink, queued: queuedRecords(this.deps.queue) },
      `${message}; messages stay queued`,
    );
  }
}
