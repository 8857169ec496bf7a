/** The q-quantile (0..1) of a set of numbers, by the nearest rank below (pure; input untouched). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))];
}
