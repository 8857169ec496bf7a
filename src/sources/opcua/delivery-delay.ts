/**
 * How late a subscription's changes arrive (pure): the largest delay seen over the last half-minute to a minute, from
 * two buckets of DELAY_EPOCH_MS each, so that a hiccup is remembered for a while and then forgotten (a delay held
 * for good would keep held values from moving on for good). Held values (held-items.ts) stay at the newest change
 * delivered until no change came for twice this long (and a keep-alive period), so that a change the server reports
 * late after a quiet spell (a mould open, its curves steady) is not overtaken by them.
 */
export const DELAY_EPOCH_MS = 30_000;

export class DeliveryDelay {
  private current = 0;
  private previous = 0;
  private since = Number.NaN;

  /** A change that arrived `delayMs` late, with the publish response of `publishTs`. */
  note(delayMs: number, publishTs: number): void {
    this.roll(publishTs);
    if (delayMs > this.current) this.current = delayMs;
  }

  /** The largest delay seen in the current and the previous epoch, as of `publishTs` (0 where none). */
  max(publishTs: number): number {
    this.roll(publishTs);
    return Math.max(this.current, this.previous);
  }

  private roll(publishTs: number): void {
    if (Number.isNaN(this.since)) this.since = publishTs;
    const elapsed = publishTs - this.since;
    if (elapsed < DELAY_EPOCH_MS) return;
    this.previous = elapsed < 2 * DELAY_EPOCH_MS ? this.current : 0;
    this.current = 0;
    this.since = publishTs;
  }
}
