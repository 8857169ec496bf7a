/** A log line said at most once an interval (pure): what comes between is only counted, and told with the next line. */
export class LogThrottle {
  private lastAt = Number.NEGATIVE_INFINITY;
  private unlogged = 0;

  constructor(private readonly intervalMs: number) {}

  /**
   * Whether to log what happened at `now`: undefined when a line was logged less than an interval before (this one is
   * counted), else how many went unlogged since the last line.
   */
  take(now: number): number | undefined {
    if (now - this.lastAt < this.intervalMs) {
      this.unlogged++;
      return undefined;
    }
    const unlogged = this.unlogged;
    this.lastAt = now;
    this.unlogged = 0;
    return unlogged;
  }
}
