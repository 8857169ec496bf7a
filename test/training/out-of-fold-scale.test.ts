/**
 * The level term's out-of-fold scale (src/training/fit-statistical.ts): each channel's level is judged in units of how
 * far it spreads on windows its standardisation did not see. A stationary channel keeps its in-sample spread, a level
 * that moves in one block of the normal rows is heard less, and the calibration divides by the same scale the graph
 * uses.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import {
  crossFitBlocks,
  crossFitted,
  crossFittedZ,
  otherWindows,
  outOfFoldScale,
} from '../../src/training/fit-statistical.js';

const N = 400;
const ends = Array.from({ length: N }, (_, i) => 31 + i);

/** Three channels per window: independent noise; all zero; noise shifted by 5 sd in the last block. */
function levels(seed: number): Float64Array[] {
  const rng = new SeededRandom(seed);
  const lastBlock = crossFitBlocks(N).at(-1)![0];
  return ends.map((_, i) => Float64Array.of(rng.normal(), 0, rng.normal() + (i >= lastBlock ? 5 : 0)));
}

describe('outOfFoldScale', () => {
  it('is about 1 for a stationary channel, 1 for a constant one, and above 2 for a level that moved in one block', () => {
    const scale = outOfFoldScale(crossFittedZ(ends, 32, levels(1), [1e-6, 1e-6, 1e-6]));
    expect(scale[0]).toBeGreaterThanOrEqual(1);
    expect(scale[0]).toBeLessThan(1.15);
    expect(scale[1]).toBe(1);
    expect(scale[2]).toBeGreaterThan(2);
  });
});

describe('crossFitted with a scale', () => {
  it("divides each signed term's cross-fitted z by its channel's scale, and leaves the fixed terms as they are", () => {
    const signed = [levels(2), levels(3)];
    const z = signed.map((f) => crossFittedZ(ends, 32, f));
    const scale = [outOfFoldScale(z[0]), undefined];
    const fixed = ends.map(() => Float64Array.of(0.5));
    const { segments } = crossFitted(z, fixed, scale);
    const expected = ends.map((_, i) =>
      Math.max(0.5, ...Array.from(z[0][i], (v, ch) => v / scale[0]![ch]), ...Array.from(z[1][i])),
    );
    expect(segments.flatMap((s) => Array.from(s))).toEqual(expected);
    // Channel 2's shift no longer sets the largest score: without the scale it does, by far.
    const unscaled = crossFitted([z[0]]).largest;
    const scaled = crossFitted([z[0]], undefined, [scale[0]]).largest;
    expect(unscaled.entry).toBe(2);
    expect(scaled.z).toBeLessThan(unscaled.z / 2);
  });
});

describe('otherWindows', () => {
  it('leaves out the block and every window that overlaps it', () => {
    expect(otherWindows(10, 4, 6, 2)).toEqual([0, 1, 8, 9]);
    expect(otherWindows(10, 0, 3, 2)).toEqual([5, 6, 7, 8, 9]);
  });
});
