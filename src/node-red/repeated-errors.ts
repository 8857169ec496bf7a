/**
 * The error a node reports through done(err) for a message, unless it is the one it reported for the messages before
 * it, within a minute: a node that is not set up (a misspelt model path) or a payload every read gets wrong (a
 * register list longer than the read) fails every message alike, and a Modbus read every 200 ms made five identical
 * errors a second in the debug sidebar and Node-RED's log. The first is reported; the same error again within the
 * interval is only counted (sources/mqtt/log-throttle.ts), and told with the next one reported. A message the node
 * takes, or another error, reports the next one at once.
 */
import { LogThrottle } from '../core/log-throttle.js';

export class RepeatedErrors {
  private message: string | undefined;
  private throttle: LogThrottle | undefined;

  constructor(
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The error to report for this message (saying how many like it were not), or undefined: a repeat, counted. */
  admit(err: Error): Error | undefined {
    if (err.message !== this.message || !this.throttle) {
      this.message = err.message;
      this.throttle = new LogThrottle(this.intervalMs);
    }
    const unreported = this.throttle.take(this.now());
    if (unreported === undefined) return undefined;
    return unreported > 0
      ? new Error(`${err.message} (and ${unreported} more like it since, not reported one by one)`)
      : err;
  }

  /** A message was taken: the next error is reported, whatever it is. */
  taken(): void {
    this.message = undefined;
    this.throttle = undefined;
  }
}
