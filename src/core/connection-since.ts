/**
 * Since when a source has been connected or not, and why not (Source.connectionState, for /api/status): `since` is
 * when the current state began (the connect, the drop, or the first failed connect of a streak), absent before the
 * first connect or failed connect; `lastError`, the latest failure, is said only while it is down.
 */
/**
 * The most of a failure's text kept for /api/status: a server's error can be long (a certificate dump, a body quoted
 * whole), and the status is polled by dashboards; the source's log line says it whole.
 */
export const MAX_LAST_ERROR_CHARS = 1000;

export class ConnectionSince {
  private changedAt: number | undefined;
  private lastError: string | undefined;
  private up = false;

  constructor(private readonly now: () => number) {}

  /** Connected: since now, unless it was connected already (a subscription made again on purpose is no outage). */
  connected(): void {
    if (!this.up || this.changedAt === undefined) this.changedAt = this.now();
    this.up = true;
    this.lastError = undefined;
  }

  /**
   * Dropped, or a connect failed, for `reason` where known: since now if it was connected (or had no state yet); a
   * failure while it is down already keeps the time the outage began.
   */
  down(reason?: string): void {
    if (this.up || this.changedAt === undefined) this.changedAt = this.now();
    this.up = false;
    this.lastError =
      reason !== undefined && reason.length > MAX_LAST_ERROR_CHARS
        ? `${reason.slice(0, MAX_LAST_ERROR_CHARS)}… (${reason.length - MAX_LAST_ERROR_CHARS} more characters)`
        : reason;
  }

  /** The state for Source.connectionState; `connected` is the source's own (lastError only while it is false). */
  state(connected: boolean): { since?: number; lastError?: string } {
    return {
      ...(this.changedAt !== undefined ? { since: this.changedAt } : {}),
      ...(this.lastError !== undefined && !connected ? { lastError: this.lastError } : {}),
    };
  }
}
