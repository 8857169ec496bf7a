/**
 * When a poll group polls next (pure): at a fixed rate, on ticks `interval` apart from its first poll, so a timer's
 * lateness does not add up (scheduled `interval − took` after each poll's start, a 1000 ms poll came every 1004.5 ms
 * on average and `train` took 1001 ms as the recording's period, which the gateway then refused). A poll that overran
 * its tick (a slow device, a busy event loop) polls again at once and counts the ticks it missed, from then on ticked
 * from there; a wall clock set back by more than a tick starts the ticks anew.
 */
export interface NextPoll {
  /** The tick the next poll belongs to (ms since the epoch). */
  readonly due: number;
  /** How long to wait for it from `now`. */
  readonly delayMs: number;
  /** Ticks passed over without a poll (counted as dropped polls). */
  readonly skipped: number;
}

/** The poll after the one due at `due`, finished at `now`. */
export function nextPoll(due: number, now: number, intervalMs: number): NextPoll {
  const elapsed = now - due;
  if (elapsed >= intervalMs) return { due: now, delayMs: 0, skipped: Math.ceil(elapsed / intervalMs) - 1 };
  if (elapsed < -intervalMs) return { due: now + intervalMs, delayMs: intervalMs, skipped: 0 };
  return { due: due + intervalMs, delayMs: due + intervalMs - now, skipped: 0 };
}
