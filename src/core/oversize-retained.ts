/**
 * Retained messages too large to read, on an MQTT 3.1.1 subscription (pure). A broker keeps a retained message and
 * sends it at each subscription to a filter that matches its topic; one over the client's packet bound closes the
 * connection before it is read (mqtt-packet-bound.ts), so the client would connect, subscribe and be closed again
 * without end, and no message on any of its topics would come through. With MQTT 5 the broker is told the bound and
 * keeps the message back; 3.1.1 has no way to say it, nor to subscribe without the retained messages. So the filters
 * matching the topic are left out of the next subscriptions: the other topics' messages come, and the retained
 * message, someone else's data, is left on the broker untouched.
 *
 * A left-out topic is looked at again later, on a connection of its own (retained-probe.ts), so a retry never closes
 * the connection the other topics come by: first `minMs` after it was left out, then twice as long each time the
 * message is still there, up to `maxMs` apart (jittered, so gateways refused the same message do not try in step).
 * Once it is gone or small enough to read (the publisher fixed or cleared it), its filters are subscribed again.
 */
import { backoffMs, jittered } from './backoff.js';
import { shownTopic, type RefusedPacket } from './mqtt-packet-bound.js';
import { topicMatches } from './mqtt-topics.js';

/** A retained message that closed the connection, the filters left out for it, and when it is looked at again. */
export interface LeftOut {
  readonly topic: string;
  readonly bytes: number;
  readonly filters: readonly string[];
  /** Looks at it found it still there (or could not tell), since it was left out. */
  readonly tries: number;
  /** When it is looked at again (ms, the caller's clock). */
  readonly nextTryAt: number;
}

/** How soon a left-out topic is looked at again: `minMs` after, doubling while it stays, at most `maxMs` apart. */
export interface LeftOutRetry {
  readonly minMs: number;
  readonly maxMs: number;
  readonly random?: () => number;
}

/** A minute after it was left out, then later each time it is still there, at most 15 minutes apart. */
export const LEFT_OUT_RETRY: LeftOutRetry = { minMs: 60_000, maxMs: 15 * 60_000 };

/** What a look at a left-out topic found: gone (subscribe again), or still there (left out, tried later). */
export type LookedAt = { readonly back: readonly string[] } | { readonly still: LeftOut };

export class OversizeRetained {
  private readonly leftOut = new Map<string, LeftOut>();

  constructor(
    /** The filters subscribed to, deduplicated. */
    private readonly filters: readonly string[],
    /** Whether the version is 3.1.1 (with MQTT 5 the broker keeps such messages back). */
    private readonly v311: boolean,
    private readonly now: () => number,
    private readonly retry: LeftOutRetry = LEFT_OUT_RETRY,
  ) {}

  /** A packet over the bound closed the connection: where it is a retained publish, what is left out now for it. */
  refused(packet: RefusedPacket): LeftOut | undefined {
    const topic = packet.topic;
    if (!this.v311 || packet.retained !== true || topic === undefined || topic === '') return undefined;
    const filters = this.filters.filter((f) => topicMatches(f, topic) && !this.isLeftOut(f));
    if (filters.length === 0) return undefined;
    const left = { topic, bytes: packet.bytes, filters, tries: 0, nextTryAt: this.now() + this.delayMs(1) };
    this.leftOut.set(topic, left);
    return left;
  }

  /** The filters to subscribe to: all but those left out. */
  subscribed(): string[] {
    return this.filters.filter((f) => !this.isLeftOut(f));
  }

  /** The filters left out, why and when they are looked at again. */
  issues(): LeftOut[] {
    return [...this.leftOut.values()];
  }

  /** When the next left-out topic is due to be looked at (ms), undefined where none is left out. */
  nextTryAt(): number | undefined {
    const times = this.issues().map((l) => l.nextTryAt);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** The left-out topics due to be looked at by `at` (ms: the time the caller's timer was set for). */
  due(at: number): LeftOut[] {
    return this.issues().filter((l) => l.nextTryAt <= at);
  }

  /**
   * What a look at `left`'s filters found (retained-probe.ts): undefined, no retained message over the bound (its
   * filters are subscribed again); a retained publish over the bound (the same topic or another its filters match:
   * left out, looked at later); anything else (the look failed: no broker, a live publish over the bound) is no
   * answer, tried later too.
   */
  lookedAt(left: LeftOut, found: RefusedPacket | Error | undefined): LookedAt {
    if (this.leftOut.get(left.topic) !== left) return { back: [] }; // looked at already
    if (found === undefined) {
      this.leftOut.delete(left.topic);
      return { back: left.filters };
    }
    const tries = left.tries + 1;
    const again = !(found instanceof Error) && found.retained === true && found.topic ? found : undefined;
    const still = {
      ...left,
      ...(again ? { topic: again.topic!, bytes: again.bytes } : {}),
      tries,
      nextTryAt: this.now() + this.delayMs(tries + 1),
    };
    this.leftOut.delete(left.topic);
    // The message found may be the one another left-out entry waits on: one entry for it, with both entries' filters.
    const other = this.leftOut.get(still.topic);
    const kept = other ? { ...still, filters: [...new Set([...other.filters, ...still.filters])] } : still;
    this.leftOut.set(kept.topic, kept);
    return { still: kept };
  }

  private delayMs(attempt: number): number {
    return jittered(backoffMs(attempt, this.retry.minMs, this.retry.maxMs), this.retry.random);
  }

  private isLeftOut(filter: string): boolean {
    return [...this.leftOut.values()].some((l) => l.filters.includes(filter));
  }
}

/** A time as the log and /api/status show it. */
export const shownTime = (ms: number): string => new Date(ms).toISOString();

/** The longest wait between looks, in words: "15 min", "0.2 s". */
export const retryApart = (retry: LeftOutRetry): string =>
  retry.maxMs >= 60_000 ? `${retry.maxMs / 60_000} min` : `${retry.maxMs / 1000} s`;

/** A look found the topic still over the bound (or could not tell: `why`): said at info, with the next look. */
export function stillLeftOutText(left: LeftOut, why: string | undefined): string {
  const found =
    why === undefined ? `still holds a retained message of ${left.bytes} bytes` : `could not be looked at (${why})`;
  return `${shownTopic(left.topic)} ${found}: ${left.filters.join(', ')} left out, looked at again at ${shownTime(left.nextTryAt)}`;
}

/** A look found no retained message over the bound on a left-out topic: its filters are subscribed again. */
export function backText(topic: string, filters: readonly string[]): string {
  return `the retained message on ${shownTopic(topic)} is gone or small enough now: subscribing to ${filters.join(', ')} again`;
}
