/**
 * A part model's floor on the points read (score.min_read_points) is found on its own held-out good parts
 * (read-floor.ts): with the floor's points read, a run of unread points at every place keeps the held-out parts
 * within the budget (no more of them above the threshold, at one place or more, than chance gives at the budget's rate
 * among the parts judged once, at the 1 % level); with one fewer, it does not. A threshold with less room above the
 * good parts' scores gets a higher floor. Before 2026-12-08 a part model had no floor: a part read at 6 of its 32
 * points was judged.
 */
import { describe, expect, it } from 'vitest';
import { inMemoryModel } from '../../src/eval/in-memory-model.js';
import { OUTLIER_CHANCE } from '../../src/training/held-out-parts.js';
import { poissonAtLeast, readFloor, rejectShare } from '../../src/training/read-floor.js';
import { scoreWindows } from '../../src/training/score-graphs.js';
import { fitPressParts } from '../helpers/press-part-model.js';

const W = 32;

describe('the floor on the points a part is judged on', () => {
  it('is the fewest points read at which the masked held-out good parts stay within the budget', async () => {
    // 20 minutes of the simulated press's good parts (199), a quarter held out.
    const { fitted, parts } = await fitPressParts();
    const { score } = fitted.manifest;
    const floor = score.min_read_points!;
    expect(floor).toBeGreaterThan(1);
    expect(floor).toBeLessThan(W);
    expect(String(score.details?.min_read_points_rule)).toContain('held-out good parts');
    const heldOut = parts.windows.slice(parts.windows.length - Math.floor(parts.windows.length * 0.25));
    expect(heldOut).toHaveLength(fitted.heldOutScores.length);
    const loaded = inMemoryModel(fitted, 'int8', 'test');
    const share = rejectShare(score, fitted.heldOutScores);
    expect(share).toBe(Number(score.details?.budget_used_ppm) / 1e6);
    // Less room between the threshold and the good parts' scores: a higher floor, from the same parts.
    const score8 = (windows: readonly Float64Array[], unread: readonly (readonly number[])[]) =>
      scoreWindows(loaded.manifest, loaded.modelBytes, loaded.modelPath, windows, unread);
    const lower = await readFloor({ heldOut, windowLength: W, threshold: score.threshold * 0.7, share, score: score8 });
    expect(lower.minReadPoints).toBeGreaterThan(floor);
    const same = await readFloor({ heldOut, windowLength: W, threshold: score.threshold, share, score: score8 });
    expect(same.minReadPoints).toBe(floor);
  });

  it('tells a count of rejects chance makes from one it does not (Poisson)', () => {
    expect(poissonAtLeast(0, 1.2)).toBe(1);
    expect(poissonAtLeast(1, 1.2)).toBeCloseTo(1 - Math.exp(-1.2), 12);
    expect(poissonAtLeast(2, 1.18)).toBeCloseTo(1 - Math.exp(-1.18) * 2.18, 12);
    expect(poissonAtLeast(1, 0)).toBe(0);
    // 6 parts where 1.05 rejects were expected: the shipped press-ae's 7 points unread.
    expect(poissonAtLeast(6, 1.05)).toBeLessThan(OUTLIER_CHANCE);
    expect(poissonAtLeast(4, 1.05)).toBeGreaterThan(OUTLIER_CHANCE);
  });

  // A scorer that puts the parts named in `bad` above the threshold 1 at every place once `from` points are unread,
  // and every other part at 0.1: what the floor is found from, without a model.
  const scorer =
    (bad: readonly number[], from: number) =>
    async (windows: readonly Float64Array[], unread: readonly (readonly number[])[]) =>
      windows.map((w, i) => (bad.includes(w[0]) && unread[i].length >= from ? 2 : 0.1));
  const parts = Array.from({ length: 599 }, (_, i) => Float64Array.from([i, 0]));
  const share = 70.3e-6;

  it('sets the floor where two held-out parts go above the threshold at every place (review, 2026-12-08)', async () => {
    // Before, 1.2 rejects were expected over every masked score: two parts above stayed within chance, floor 4 of 32.
    const floor = await readFloor({ heldOut: parts, windowLength: W, threshold: 1, share, score: scorer([3, 40], 6) });
    expect(floor.minReadPoints).toBe(W - 6 + 1);
    expect(String(floor.details.min_read_points_found)).toContain('with 6 of 32 points unread');
    expect(String(floor.details.min_read_points_found)).toContain('2 of the 599 held-out parts');
  });

  it('leaves one part above at every place within chance: 599 parts cannot tell it from the budget', async () => {
    const floor = await readFloor({ heldOut: parts, windowLength: W, threshold: 1, share, score: scorer([3], 6) });
    expect(floor.minReadPoints).toBe(1);
    expect(String(floor.details.min_read_points_found)).toContain('no run up to 31 of 32');
  });

  it('holds a threshold that rejects no held-out part to one in their number, not to none', () => {
    const scores = Array.from({ length: 50 }, () => 0.2);
    expect(rejectShare({ threshold: 1 }, scores)).toBe(1 / 50);
    expect(rejectShare({ threshold: 0.1 }, scores)).toBe(1);
    expect(rejectShare({ threshold: 1, details: { budget_used_ppm: 70 } }, scores)).toBe(70e-6);
  });
});
