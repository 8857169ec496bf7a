/**
 * What train tells of a part model's held-out parts (src/training/held-out-parts.ts): the parts far outside the
 * others that set the threshold, named with their scores and the threshold without them; normal parts not named; a
 * budget extrapolated from too few parts; and (build-model.ts) a fit that ran out of epochs while still improving.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { calibrateAlarm } from '../../src/training/alarm-calibration.js';
import { stillFalling } from '../../src/training/build-model.js';
import { heldOutOutliers, heldOutPartsReport, partsForTail } from '../../src/training/held-out-parts.js';

/** `n` scores like a part autoencoder's on normal parts: the mean square of 4 standard normals, × 0.01. */
function normalScores(n: number, seed: number): number[] {
  const rng = new SeededRandom(seed);
  return Array.from(
    { length: n },
    () => (0.01 * Array.from({ length: 4 }, () => rng.normal() ** 2).reduce((a, b) => a + b)) / 4,
  );
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(127 + i));
const BUDGET = { falseAlarmsPerDay: 1 };
const PER_DAY = 28_670;

describe("a part model's held-out parts", () => {
  it('names one part far above the others, with the threshold the others give', () => {
    const scores = normalScores(42, 5);
    const bulk = Math.max(...scores);
    scores[23] = 0.4; // part 150: a poll stalled at the peak of its curve
    const found = heldOutOutliers(scores, ids(42), PER_DAY, BUDGET)!;
    expect(found.parts).toEqual([{ partId: '150', score: 0.4 }]);
    expect(found.chance).toBeLessThan(0.005);
    const without = calibrateAlarm([scores.filter((_, i) => i !== 23)], PER_DAY, BUDGET, 'parts').on;
    expect(found.thresholdWithout).toBe(without);
    // The part stretched the tail: with it the threshold is above bad parts at 10× the largest normal score.
    const withIt = calibrateAlarm([scores], PER_DAY, BUDGET, 'parts').on;
    expect(withIt).toBeGreaterThan(10 * bulk);
    expect(without).toBeLessThan(10 * bulk);
  });

  it('names two such parts together, where each alone would hide the other', () => {
    const scores = normalScores(42, 6);
    scores[3] = 0.3;
    scores[30] = 0.35;
    expect(heldOutOutliers(scores, ids(42), PER_DAY, BUDGET)?.parts.map((p) => p.partId)).toEqual(['157', '130']);
  });

  it('names no part among normal ones in all but about 1 calibration in 100', () => {
    const named = Array.from({ length: 100 }, (_, s) =>
      heldOutOutliers(normalScores(42, 100 + s), ids(42), PER_DAY, BUDGET),
    );
    expect(named.filter(Boolean).length).toBeLessThanOrEqual(2);
  });

  it('tells the largest held-out part, or warns naming the parts far above it, in the manifest too', () => {
    const report = (scores: number[]) => {
      const cal = calibrateAlarm([scores], PER_DAY, BUDGET, 'parts');
      return heldOutPartsReport({
        scores,
        ids: ids(scores.length),
        threshold: cal.on,
        rowsPerDay: PER_DAY,
        target: BUDGET,
        targetText: String(cal.details.target),
        expectedInSpan: Number(cal.details.expected_in_span),
        validationFraction: 0.25,
        leaveOut: 'NOK in a --part-labels table, columns part_counter and result',
      });
    };
    const normal = normalScores(150, 7);
    const quiet = report(normal);
    const top = normal.indexOf(Math.max(...normal));
    expect(quiet.details).toEqual({ largest_score_part: String(127 + top) });
    expect(quiet.lines).toHaveLength(1);
    expect(quiet.lines[0]).toMatch(
      new RegExp(
        `^largest score of the 150 held-out parts: [0-9.]+, part ${127 + top} \\(median [0-9.]+\\); the threshold [0-9.]+ sits above it, so if that part was not a normal one, train without it \\(NOK in a --part-labels table, columns part_counter and result\\)$`,
      ),
    );

    const glitched = normalScores(42, 5);
    glitched[23] = 0.4;
    const warned = report(glitched);
    expect(warned.details).toMatchObject({ largest_score_part: '150', outlier_parts: '150 (0.4)' });
    expect(warned.details.threshold_without_outliers).toBeLessThan(0.4);
    expect(warned.lines[0]).toMatch(
      /^warning: held-out part 150 \(0\.4\) scores far above the other 41 \(the largest /,
    );
    expect(warned.lines[0]).toContain(
      'it sets the threshold, and bad parts scoring between the two pass. Inspect part 150 (a fault, a glitch in its ' +
        'polling): if it was not normal, train without it (NOK in a --part-labels table, columns part_counter ' +
        'and result); if it was, record more parts like it',
    );
    // 42 held-out parts for 1 false reject in 28,670: too few, said once, with the parts a recording needs.
    expect(warned.lines.slice(1)).toHaveLength(1);
    expect(warned.lines[1]).toMatch(
      /^note: the threshold is extrapolated from few parts: the budget \(1 false reject\/day at 28670 parts\/day\) expects 0\.001465 of the 42 held-out parts above it, so it lies beyond all of them, fitted on the top 10, the fewest a tail fit takes; .* record more parts, 400 at least learned from \(100 held out\)$/,
    );
    expect(warned.details.tail_parts).toBe(10);
  });

  it('asks for as many parts as give 100 held out', () => {
    expect([partsForTail(0.25), partsForTail(0.3), partsForTail(0.5)]).toEqual([400, 334, 200]);
  });
});

describe('a fit that ran out of epochs', () => {
  const falling = Array.from({ length: 60 }, (_, e) => 0.1 * 0.95 ** e);

  it('says so where the validation loss was still falling, with the fall and the flag', () => {
    expect(stillFalling(falling, 60)).toBe(
      'note: the fit stopped at its epoch limit (60 of 60) with the validation loss still falling: 0.00660 at epoch 54, 0.00485 at epoch 60 (-26 % in 6 epochs); a longer fit may reconstruct normal data closer and lower its scores: train again with more epochs (--epochs 120)',
    );
  });

  it('says nothing where early stopping ended it, or where the loss only wobbled at the end', () => {
    expect(stillFalling(falling.slice(0, 40), 60)).toBeUndefined();
    const wobble = [...falling.slice(0, 54), ...[0.0067, 0.0065, 0.0068, 0.00655, 0.0067, 0.0066]];
    expect(stillFalling(wobble, 60)).toBeUndefined();
  });
});
