/**
 * The watch on a subscription's silence: no notification and no keep-alive for stale_after_ms means the connection is
 * dead though no socket said so (a link gone silent, a server that stopped publishing), and the source builds it
 * again. A live subscription sends a keep-alive at least once a keep-alive period, so one longer than that is never
 * silent so long. Checked every min(1 s, stale_after_ms / 2), on an injected timer and clock.
 */

/** A repeating timer (setInterval, unref'd, by default): `stop` ends it. */
export type Repeat = (tick: () => void, everyMs: number) => { stop(): void };

const intervalRepeat: Repeat = (tick, everyMs) => {
  const timer = setInterval(tick, everyMs);
  timer.unref(); // the watch alone does not keep the process alive
  return { stop: () => clearInterval(timer) };
};

export interface SilenceWatchDeps {
  readonly staleAfterMs: number;
  readonly now: () => number;
  /** Whether a subscription is live, and so watched. */
  readonly watching: () => boolean;
  /** The subscription was silent for longer than staleAfterMs: why, in words. Called at each check while it is. */
  readonly onSilent: (reason: string) => void;
  readonly repeat?: Repeat;
}

export class SilenceWatch {
  private lastHeard = 0;
  private timer: { stop(): void } | undefined;

  constructor(private readonly deps: SilenceWatchDeps) {}

  /** Something came (a notification, a publish response, a subscription made) at `at` on the watch's clock. */
  heard(at: number): void {
    this.lastHeard = at;
  }

  /** Starts checking (a second start does nothing). */
  start(): void {
    if (this.timer) return;
    const { staleAfterMs } = this.deps;
    this.timer = (this.deps.repeat ?? intervalRepeat)(() => this.check(), Math.min(1000, staleAfterMs / 2));
  }

  /** Stops checking; idempotent. */
  stop(): void {
    this.timer?.stop();
    this.timer = undefined;
  }

  private check(): void {
    const { staleAfterMs, now, watching, onSilent } = this.deps;
    if (watching() && now() - this.lastHeard > staleAfterMs)
      onSilent(`no notification or keep-alive for ${staleAfterMs} ms`);
  }
}
