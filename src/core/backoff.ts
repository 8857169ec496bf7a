/** Retry delays (pure): exponential from `minMs`, capped at `maxMs`, optionally jittered. */

/** Delay before retry number `attempt` (1 = the first retry): minMs · 2^(attempt−1), at most maxMs. */
export function backoffMs(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** Spreads a delay over [½·delay, delay), so many clients do not retry in step. */
export function jittered(delayMs: number, random: () => number = Math.random): number {
  return delayMs * (0.5 + random() * 0.5);
}
