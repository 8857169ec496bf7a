/**
 * Values published on change (report by exception, pure): a tag with `hold_ms` is sent by its publisher only when its
 * value changes, so its last value is its current one. While the source is connected, each such tag's last good value
 * is sent again every publish interval (as an OPC UA subscription's keep-alive keeps an unchanged item fresh), for at
 * most `hold_ms` after the message that carried it: a publisher silent for longer is taken as gone, and its channel
 * goes stale as any other. A bad reading ends the hold. A value sent again keeps its publisher's clock: its stamp moves
 * on from the message's by the time since that message arrived. A retained message holds only by its own stamp.
 */
import type { Sample } from '../../core/types.js';

interface Held {
  readonly sample: Sample;
  /** When the message that carried it arrived. */
  readonly received: number;
  /** When it was last delivered, by its message or sent again. */
  sent: number;
}

export class HeldValues {
  private readonly held = new Map<number, Held>();

  /**
   * @param holdMs each tag's hold_ms, by its position in the source's tags (undefined: a tag sent periodically)
   * @param intervalMs the source's publish_interval_ms: how often a held value is sent again
   */
  constructor(
    private readonly holdMs: readonly (number | undefined)[],
    private readonly intervalMs: number,
  ) {}

  /** Whether any tag is held. */
  get any(): boolean {
    return this.holdMs.some((h) => h !== undefined);
  }

  /**
   * A message's sample for tag `tag`, arrived at `received`: a held tag's good value is kept, a bad one ends it. A
   * retained message (the broker's copy of the last one, sent at every subscribe, also long after its publisher is
   * gone) starts a hold only where its time is in the message (`stamped`), and then runs from that time.
   */
  note(tag: number, sample: Sample, received: number, from: { retained?: boolean; stamped?: boolean } = {}): void {
    if (this.holdMs[tag] === undefined) return;
    if (sample.quality !== 'good' || (from.retained && !from.stamped)) {
      this.held.delete(tag);
      return;
    }
    const since = from.retained ? Math.min(received, sample.ts) : received;
    this.held.set(tag, { sample, received: since, sent: received });
  }

  /**
   * The held values to send again at `now`: each one not delivered for half an interval or more (a timer's jitter must
   * not skip a round), as long as its message is no more than its hold_ms old; older ones are let go.
   */
  due(now: number): Sample[] {
    const out: Sample[] = [];
    for (const [tag, h] of this.held) {
      if (now - h.received > this.holdMs[tag]!) {
        this.held.delete(tag);
        continue;
      }
      if (now - h.sent < this.intervalMs / 2) continue;
      h.sent = now;
      out.push({ ...h.sample, ts: h.sample.ts + (now - h.received), received: now });
    }
    return out;
  }

  /** Nothing held any longer (the connection was lost and messages sent meanwhile are missed). */
  clear(): void {
    this.held.clear();
  }
}
