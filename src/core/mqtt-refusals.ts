/**
 * Repeated refusals of one packet over a client's incoming bound (mqtt-packet-bound.ts). A broker that keeps a
 * retained message over the bound sends it again at every reconnect, so the client would connect, be refused and
 * connect again at its reconnect period for ever. Here the refusals until a connection holds make an episode: the
 * delay before the next connect doubles from the client's reconnect period up to `maxMs`, whatever packet each
 * refusal was (a broker that sends two by turns is slowed as one that sends the same), and the episode ends once a
 * connection holds `holdMs` without a refusal. The first refusal of a packet (its type and topic) is said, and again
 * where another came between. Pure: the caller says what was refused and when a connection held.
 */
import { FailureStreak } from './backoff.js';
import type { RefusedPacket } from './mqtt-packet-bound.js';

/** What follows a refusal. */
export interface RefusalRetry {
  /** Refusals of this packet in a row, this one included: 1 is the first of it (say it then). */
  readonly count: number;
  /** ms until the client connects again; undefined where it does not reconnect (a one-shot client). */
  readonly delayMs: number | undefined;
}

export interface RefusalBackoff {
  /** The longest delay between connects while the same packet is refused. */
  readonly maxMs: number;
  /** A connection that lasts this long without a refusal ends the episode (the reconnect period is as before). */
  readonly holdMs: number;
  /** Jitter's random source (backoff.ts), so many gateways refused the same retained message do not retry in step. */
  readonly random?: () => number;
}

/** A minute at most between connects; a connection that lasts 5 s is taken as holding. */
export const REFUSAL_BACKOFF: RefusalBackoff = { maxMs: 60_000, holdMs: 5000 };

export class RefusalEpisode {
  private readonly streak: FailureStreak;
  /** Refusals of the last packet refused in a row. */
  private samePacket = 0;

  /** `reconnectMs`: the client's reconnect period (0: it does not reconnect). */
  constructor(
    private readonly reconnectMs: number,
    backoff: RefusalBackoff = REFUSAL_BACKOFF,
  ) {
    this.streak = new FailureStreak(reconnectMs, Math.max(backoff.maxMs, reconnectMs), backoff.random);
  }

  /** Whether refusals are being counted (no connection has held since the first). */
  get active(): boolean {
    return this.streak.count > 0;
  }

  /**
   * Counts a refusal: the delay grows whatever the packet; a packet other than the last one's is said anew. A string
   * names a failure other than a packet (a refused CONNACK, a close before one: mqtt-connection.ts), so one episode
   * paces them all.
   */
  refused(what: RefusedPacket | string): RefusalRetry {
    const fresh = this.streak.fail(typeof what === 'string' ? what : `${what.type} ${what.topic ?? ''}`);
    this.samePacket = fresh ? 1 : this.samePacket + 1;
    return { count: this.samePacket, delayMs: this.reconnectMs > 0 ? this.streak.delayMs() : undefined };
  }

  /** A connection held: the episode is over; returns how many refusals it had. */
  held(): number {
    this.samePacket = 0;
    return this.streak.end();
  }
}

/** What follows a refusal, in words: "the client connects again in 2 s, ...". */
export function refusalRetryText(retry: RefusalRetry, backoff: RefusalBackoff = REFUSAL_BACKOFF): string {
  if (retry.delayMs === undefined) return 'the client does not connect again';
  return (
    `the client connects again in ${seconds(retry.delayMs)}, each time later while the broker sends the same ` +
    `(up to ${seconds(backoff.maxMs)} apart)`
  );
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
