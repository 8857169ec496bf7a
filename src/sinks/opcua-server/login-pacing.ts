/**
 * Pacing of password logins on the OPC UA server (pure; the clock injected). node-opcua answers an ActivateSession at
 * once and without limit: one client guessed 330 passwords a second over one session (changing its user again and
 * again), about 70 a second with a new session each. Once FREE_FAILURES logins failed within a minute, every answer
 * (a right password's too, so that a client cannot tell a failure by its wait) is held back, 250 ms after the next
 * failure and twice as long after each more, up to MAX_DELAY_MS; a minute without failures ends it. Nobody is locked
 * out: the right password still opens a session, only later.
 *
 * Failures are counted by the second they fell in, over the last 60 seconds (a failure leaves the count between 59
 * and 60 s after it): a fixed 60 counters whatever the rate. A list of each failure's time, filtered at each login,
 * grew with every failure of the minute (a client that does not wait for its answers sends logins as fast as the
 * server decodes them) and cost a pass over all of them at each login.
 */
export const FREE_FAILURES = 5;
export const FIRST_DELAY_MS = 250;
export const MAX_DELAY_MS = 5000;
const WINDOW_SECONDS = 60;

export class LoginPacer {
  /** Failures in each second of the window, by the second's number modulo WINDOW_SECONDS. */
  private readonly counts = new Array<number>(WINDOW_SECONDS).fill(0);
  /** The second (ms / 1000, floored) each slot counts. */
  private readonly seconds = new Array<number>(WINDOW_SECONDS).fill(Number.NEGATIVE_INFINITY);

  constructor(private readonly now: () => number = Date.now) {}

  /** How long to hold back the answer to a login now. */
  delayMs(): number {
    const n = this.recent();
    return n < FREE_FAILURES ? 0 : Math.min(FIRST_DELAY_MS * 2 ** (n - FREE_FAILURES), MAX_DELAY_MS);
  }

  /** A login failed; returns how many failed within the last minute, this one counted. */
  failed(): number {
    const second = Math.floor(this.now() / 1000);
    const slot = ((second % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]++;
    return this.recent();
  }

  private recent(): number {
    const second = Math.floor(this.now() / 1000);
    let n = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++)
      if (this.seconds[i] > second - WINDOW_SECONDS && this.seconds[i] <= second) n += this.counts[i];
    return n;
  }
}
