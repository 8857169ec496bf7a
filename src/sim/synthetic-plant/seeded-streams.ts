/**
 * Seeded draws for the synthetic plant: an independent random stream for each purpose and file from one seed, and
 * the uniform, pick and shuffle draws the plant, its faults and its runs are made with. Pure.
 */
import type { SeededRandom } from '../../core/random.js';

/** A closed interval [low, high]. */
export type Range = readonly [number, number];

export const uniform = (rng: SeededRandom, [lo, hi]: Range): number => lo + (hi - lo) * rng.next();
export const pick = <T>(rng: SeededRandom, items: readonly T[]): T => items[Math.floor(rng.next() * items.length)];
export function shuffled<T>(rng: SeededRandom, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
/** An independent stream for each purpose and file, from one seed. */
export function streamSeed(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}
