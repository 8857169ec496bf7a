/** Timing measurements shared by the benchmarks and by training's speed report: rate, median, side by side. */

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
export async function throughput(fn: () => Promise<unknown>, ms: number, opsPerCall = 1): Promise<number> {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (calls * opsPerCall * 1000) / elapsed;
}

/** The middle value (the upper middle of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
}

/** Alternates baseline and candidate for `rounds` rounds; returns the median of each. */
export async function sideBySide(
  baseline: () => Promise<number>,
  candidate: () => Promise<number>,
  rounds = 5,
): Promise<{ baseline: number; candidate: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await baseline());
    b.push(await candidate());
  }
  return { baseline: median(a), candidate: median(b) };
}
