/**
 * The primary host application the edge node waits for (`primary_host_id`), followed on its STATE topic (Sparkplug
 * 3.0.0 §4.2.3 STATE, §5.4 Edge Node Session Establishment, §5.5 Edge Node Session Termination):
 *
 * - the node subscribes to `spBv1.0/STATE/<host_id>` with QoS 1 and publishes no NBIRTH nor DBIRTH until that host
 *   says it is online (tck-id-message-flow-edge-node-birth-publish-phid-wait, -phid-wait-id, -phid-wait-online);
 * - the payload is UTF-8 JSON `{"online": boolean, "timestamp": <ms since the epoch>}`, retained by the broker;
 * - a STATE whose timestamp is older than the last one taken is ignored, online or offline; the first one taken is
 *   the latest whatever its timestamp (-phid-wait-timestamp, tck-id-operational-behavior-edge-node-termination-host-
 *   offline-timestamp): the host's own will, published late by the broker, cannot undo its newer birth;
 * - an offline STATE not older than the last one taken makes a born node publish its NDEATH, disconnect and start
 *   the connection over (-phid-offline, tck-id-operational-behavior-edge-node-termination-host-offline).
 *
 * The node keeps the last timestamp taken across its own reconnections (the spec's "previous STATE message received
 * by this Edge Node"), not across restarts. A payload that is not that JSON, or over MAX_STATE_BYTES, is refused and
 * changes nothing; refusals are logged at most one line per REFUSED_LOG_MS (with how many since the last line), so a
 * publisher looping on the topic cannot fill the log.
 */
import { z } from 'zod';
import { excerpt } from '../../core/http-body.js';
import { LogThrottle } from '../../core/log-throttle.js';
import type { Logger } from '../../telemetry/logger.js';
import { NAMESPACE } from './payloads.js';

/** A STATE is about 45 bytes (`{"online":false,"timestamp":1733500000000}`): anything near this is not one. */
export const MAX_STATE_BYTES = 1024;
const REFUSED_LOG_MS = 60_000;
const EXCERPT_CHARS = 64;

const statePayload = z.object({
  online: z.boolean(),
  timestamp: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export type HostState = z.infer<typeof statePayload>;

export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** The STATE a payload carries, or why it is none. */
export function parseHostState(payload: Buffer): HostState | { readonly refused: string } {
  if (payload.length > MAX_STATE_BYTES) return { refused: `${payload.length} bytes, over ${MAX_STATE_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { refused: `not JSON (${excerpt((err as Error).message, EXCERPT_CHARS)})` };
  }
  const parsed = statePayload.safeParse(json);
  if (!parsed.success)
    return { refused: 'not {"online": true or false, "timestamp": ms since the epoch (a whole number)}' };
  return parsed.data;
}

/** What a STATE taken changed: the host came online, went offline, or nothing (refused, stale or the same). */
export type HostChange = 'online' | 'offline' | undefined;

export class PrimaryHost {
  readonly topic: string;
  private online = false;
  /** The timestamp of the last STATE taken; none before the first. */
  private lastTimestamp: number | undefined;
  /** Since when the host is not known online (ms, `now`). */
  private offlineSince: number;
  private readonly refusedSaid = new LogThrottle(REFUSED_LOG_MS);

  constructor(
    readonly hostId: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.topic = stateTopic(hostId);
    this.offlineSince = now();
  }

  isOnline(): boolean {
    return this.online;
  }

  /** Why the node does not birth, while the host is not online: for /api/status (the sink unreachable). */
  waiting(): { readonly since: number; readonly error: string } | undefined {
    if (this.online) return undefined;
    const said = this.lastTimestamp === undefined ? 'no STATE from it yet' : 'its STATE says offline';
    return {
      since: this.offlineSince,
      error: `Sparkplug: waiting for primary host ${this.hostId} to be online (${said} on ${this.topic}); no NBIRTH until it is`,
    };
  }

  /** One message on the host's STATE topic. */
  take(payload: Buffer): HostChange {
    const state = parseHostState(payload);
    if ('refused' in state) return this.refused(state.refused);
    // §5.4 -phid-wait-timestamp, §5.5 -termination-host-offline-timestamp: an older STATE is ignored.
    if (this.lastTimestamp !== undefined && state.timestamp < this.lastTimestamp) return undefined;
    const first = this.lastTimestamp === undefined;
    this.lastTimestamp = state.timestamp;
    // The first STATE is said even where it changes nothing (offline, as the node assumed).
    if (state.online === this.online && !first) return undefined;
    const changed = state.online !== this.online;
    this.online = state.online;
    if (!state.online) this.offlineSince = this.now();
    this.logger.info(
      { sink: 'sparkplug' },
      `Sparkplug: primary host ${this.hostId} ${state.online ? 'online' : 'offline'} (STATE timestamp ${state.timestamp})`,
    );
    if (!changed) return undefined;
    return state.online ? 'online' : 'offline';
  }

  private refused(why: string): undefined {
    const unsaid = this.refusedSaid.take(this.now());
    if (unsaid === undefined) return undefined;
    const others = unsaid > 0 ? ` (and ${unsaid} refused unlogged before it)` : '';
    this.logger.warn(
      { sink: 'sparkplug' },
      `Sparkplug: refused a STATE on ${this.topic}: ${why}; the host's state is left as it was${others}`,
    );
    return undefined;
  }
}
