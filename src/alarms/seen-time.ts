/**
 * Time an alarm has seen its score on one side of a level, counted score by score (pure): the hold at the largest
 * normal score (at or below the clear level) and the off delay (below the level where a raised alarm clears) count it
 * so. The time between two scores counts where nothing came between; after a gap (windows that could not be scored)
 * only what the score's window saw of it, since nothing is known of the rest; after a restart, none (the downtime was
 * not seen). A clock stepped back counts nothing.
 */
export class SeenTime {
  /** The time counted; undefined: the score is not on the counted side (or none came yet). */
  private counted: number | undefined;
  /** The time of the last score counted; undefined after a restart or a score on the other side. */
  private last: number | undefined;

  get ms(): number | undefined {
    return this.counted;
  }

  /** A score on the counted side at `ts`; `afterGap`: windows went unscored since the last score, and `windowMs` is the
   * time the score's window saw (none without one). */
  count(ts: number, afterGap: boolean, windowMs: number | undefined): void {
    const since = this.last === undefined ? 0 : Math.max(0, ts - this.last);
    this.counted = (this.counted ?? 0) + (afterGap ? Math.min(since, windowMs ?? 0) : since);
    this.last = ts;
  }

  /** A score on the other side: the count starts again from the next one on the counted side. */
  stop(): void {
    this.counted = this.last = undefined;
  }

  /** Takes back a count a previous run reached; the next score counts on from there, none of the time before it. */
  restore(ms: number): void {
    this.counted = ms;
    this.last = undefined;
  }
}
