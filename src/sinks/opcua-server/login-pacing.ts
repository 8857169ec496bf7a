/**
 * Pacing of password logins on the OPC UA server (pure; the clock injected). node-opcua answers an ActivateSession at
 * once and without limit: one client guessed 330 passwords a second over one session (changing its user again and
 * again), about 70 a second with a new session each. Once FREE_FAILURES logins failed within a minute, every answer
 * (a right password's too, so that a client cannot tell a failure by its wait) is held back, 250 ms after the next
 * failure and twice as long after each more, up to MAX_DELAY_MS; a minute without failures ends it. Nobody is locked
 * out: the right password still opens a session, only later.
 */
export const FREE_FAILURES = 5;
export const FIRST_DELAY_MS = 250;
export const MAX_DELAY_MS = 5000;
const WINDOW_MS = 60_000;

export class LoginPacer {
  private failures: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** How long to hold back the answer to a login now. */
  delayMs(): number {
    const n = this.recent();
    return n < FREE_FAILURES ? 0 : Math.min(FIRST_DELAY_MS * 2 ** (n - FREE_FAILURES), MAX_DELAY_MS);
  }

  /** A login failed; returns how many failed within the last minute, this one counted. */
  failed(): number {
    this.failures.push(this.now());
    return this.recent();
  }

  private recent(): number {
    const since = this.now() - WINDOW_MS;
    this.failures = this.failures.filter((t) => t > since);
    return this.failures.length;
  }
}
