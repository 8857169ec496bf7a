/**
 * The level term's out-of-fold scale (src/training/cross-fit.ts): each channel's level is judged in units of how
 * far it spreads on windows its standardisation did not see. A stationary channel keeps its in-sample spread, a level
 * that steps away for a while in the normal rows is heard less, and the calibration divides by the same scale the graph
 * uses.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { centreAndSpread } from '../../src/training/detector-features.js';
import {
  crossFitted,
  crossFittedZ,
  fewestWindowsToCompare,
  jointStandardisation,
  otherWindows,
  outOfFoldScale,
} from '../../src/training/cross-fit.js';

const N = 400;
const ends = Array.from({ length: N }, (_, i) => 31 + i);

/** Three channels per window: independent noise; all zero; noise shifted by 8 sd for 64 windows (two windows long). */
function levels(seed: number): Float64Array[] {
  const rng = new SeededRandom(seed);
  return ends.map((_, i) => Float64Array.of(rng.normal(), 0, rng.normal() + (i >= 168 && i < 232 ? 8 : 0)));
}

describe('outOfFoldScale', () => {
  it('is about 1 for a stationary channel, 1 for a constant one, and above 1.5 for a level that stepped away for two window lengths', () => {
    const scale = outOfFoldScale(crossFittedZ(32, levels(1), [1e-6, 1e-6, 1e-6]));
    expect(scale[0]).toBeGreaterThanOrEqual(1);
    expect(scale[0]).toBeLessThan(1.15);
    expect(scale[1]).toBe(1);
    expect(scale[2]).toBeGreaterThan(1.5);
  });
});

describe('crossFitted with a scale', () => {
  it("divides each signed term's cross-fitted z by its channel's scale, and leaves the fixed terms as they are", () => {
    const signed = [levels(2), levels(3)];
    const z = signed.map((f) => crossFittedZ(32, f));
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
    expect(scaled.z).toBeLessThan(unscaled.z / 1.5);
  });
});

describe('crossFittedZ', () => {
  it('standardises each window on every window that does not overlap it, the sd at least minSd', () => {
    const rng = new SeededRandom(9);
    // 120 windows of 3 channels: noise around 1,000 (the sums must not cancel), a slow wander, and a channel whose
    // spread (0.01) is below its floor (0.25).
    const feature = Array.from({ length: 120 }, (_, i) =>
      Float64Array.of(1000 + rng.normal(), Math.sin(i / 9), 2 + 0.01 * rng.normal()),
    );
    const minSd = [1e-6, 1e-6, 0.25];
    const z = crossFittedZ(32, feature, minSd);
    for (const i of [0, 31, 32, 60, 87, 88, 119]) {
      const { centre, sd } = centreAndSpread(
        otherWindows(120, i, i + 1, 32).map((j) => feature[j]),
        minSd,
      );
      feature[i].forEach((v, ch) => expect(z[i][ch]).toBeCloseTo(Math.abs(v - centre[ch]) / sd[ch], 9));
    }
    // The floored channel's z is its deviation over 0.25, not over its own spread of about 0.01.
    const others = otherWindows(120, 60, 61, 32).map((j) => feature[j][2]);
    const mean = others.reduce((a, v) => a + v, 0) / others.length;
    expect(z[60][2]).toBeCloseTo(Math.abs(feature[60][2] - mean) / 0.25, 9);
    expect(z[60][2]).toBeLessThan(0.2);
  });

  it('refuses windows that leave fewer than 2 others to compare with', () => {
    const feature = Array.from({ length: 66 }, (_, i) => Float64Array.of(i));
    expect(() => crossFittedZ(32, feature)).toThrow(
      '66 windows of 32 rows leave some window fewer than 2 others to compare with (at least 67 are needed)',
    );
    expect(fewestWindowsToCompare(32)).toBe(67);
    const z = crossFittedZ(32, [...feature, Float64Array.of(66)]);
    expect(z).toHaveLength(67);
    // The middle window (33) is compared with windows 0 and 66 alone (mean 33), window 32 with 65 and 66.
    expect(z[33][0]).toBeCloseTo(0, 12);
    expect(z[32][0]).toBeCloseTo((65.5 - 32) / Math.SQRT1_2, 9);
  });
});

describe('otherWindows', () => {
  it('leaves out the block and every window that overlaps it', () => {
    expect(otherWindows(10, 4, 6, 2)).toEqual([0, 1, 8, 9]);
    expect(otherWindows(10, 0, 3, 2)).toEqual([5, 6, 7, 8, 9]);
  });
});

describe('jointStandardisation', () => {
  it('is one-sided: a window below the others adds nothing, one above reads as its cross-fitted z over the scale', () => {
    const rng = new SeededRandom(4);
    const values = ends.map((_, i) => 1 + 0.1 * rng.normal() + (i === 100 ? 1 : 0) - (i === 300 ? 1 : 0));
    const joint = jointStandardisation(values, 32);
    const signed = crossFittedZ(
      32,
      values.map((v) => Float64Array.of(v)),
      undefined,
      true,
    ).map((z) => z[0]);
    const scale = Math.max(1, Math.sqrt(signed.reduce((a, z) => a + z * z, 0) / N));
    expect(signed[300]).toBeLessThan(-5);
    expect(joint.z[300]).toBe(0);
    expect(signed[100]).toBeGreaterThan(5);
    expect(joint.z[100]).toBeCloseTo(signed[100] / scale, 12);
    // The graph's standardisation: the values' mean, and their sd times the same scale.
    const mean = values.reduce((a, v) => a + v, 0) / N;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (N - 1));
    expect(joint.centre).toBeCloseTo(mean, 12);
    expect(joint.sd).toBeCloseTo(sd * scale, 12);
  });

  it('puts a value that wanders across the span in units of how far it wanders (scale above 1)', () => {
    const rng = new SeededRandom(6);
    const values = ends.map((_, i) => 1 + 0.1 * rng.normal() + (i >= 168 && i < 232 ? 0.8 : 0));
    const steady = ends.map(() => 1 + 0.1 * rng.normal());
    const wandering = jointStandardisation(values, 32);
    const plain = jointStandardisation(steady, 32);
    const sd = (v: number[]) => {
      const m = v.reduce((a, x) => a + x, 0) / v.length;
      return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
    };
    expect(plain.sd / sd(steady)).toBeLessThan(1.15);
    expect(wandering.sd / sd(values)).toBeGreaterThan(1.5);
  });
});
