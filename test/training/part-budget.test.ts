/**
 * A part model's budget of false rejects (src/training/part-budget.ts): asked, supported by the held-out parts, used,
 * and the parts to record for the asked one; and the --false-rejects-ppm flag (src/cli/detector-flags.ts).
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { calibrateAlarm } from '../../src/training/alarm-calibration.js';
import {
  askedPpmOf,
  heldOutFor,
  partBudget,
  partBudgetText,
  partsForHeldOut,
  supportedShare,
} from '../../src/training/part-budget.js';
import { calibrationTarget } from '../../src/cli/detector-flags.js';
import { refusePartFlagsWithoutCycle } from '../../src/cli/train-parts.js';

/** `n` scores like a part autoencoder's on normal parts: 0.01 × a χ²₄ / 4 (the mean square of 4 standard normals). */
function normalScores(n: number, seed: number): number[] {
  const rng = new SeededRandom(seed);
  return Array.from(
    { length: n },
    () => (0.01 * Array.from({ length: 4 }, () => rng.normal() ** 2).reduce((a, b) => a + b)) / 4,
  );
}

/** The share of such normal parts above a score (χ²₄'s survival: e^(−x/2)(1 + x/2), x = 400·score). */
const shareAbove = (score: number) => Math.exp(-200 * score) * (1 + 200 * score);

/** The w2 gateway press's case: 1 false reject a day at 72,000 parts a day, 68 parts held out of 272 learned. */
const GATEWAY = {
  asked: { falseAlarmsPerDay: 1 },
  partsPerDay: 72_000,
  heldOut: 68,
  learned: 272,
  validationFraction: 0.25,
};

describe("a part model's budget of false rejects", () => {
  it('uses the strictest budget the held-out parts support, 1/(n·k) of parts, where the asked one lies beyond it', () => {
    const b = partBudget(GATEWAY);
    expect(b.askedPpm).toBeCloseTo(1e6 / 72_000, 9);
    // 68 held out, the tail fitted on the top 10: 1/680 of parts, 1,470.6 ppm, shown rounded up.
    expect(b.supportedPpm).toBe(1480);
    expect(b.usedAsked).toBe(false);
    expect(b.used).toEqual({ falseRejectsPpm: 1480 });
    // 13.9 ppm needs n·k ≥ 72,000: 1,715 held out (k 42: 72,030), 6,860 learned at a quarter held out, 6,588 more.
    expect([b.heldOutNeeded, b.partsNeeded, b.moreParts]).toEqual([1715, 6860, 6588]);
    expect(supportedShare(1715) * 72_000).toBeLessThanOrEqual(1);
    expect(supportedShare(1714) * 72_000).toBeGreaterThan(1);
    expect(partBudgetText(b, '1 false reject/day at 72000 parts/day', 72_000)).toBe(
      'budget asked: 13.9 ppm of good parts rejected (1 false reject/day at 72000 parts/day); the 68 held-out parts ' +
        'support 1480 ppm at the strictest (1/(68·10) of parts): a stricter threshold would be set by the tail shape ' +
        'the calibration assumes, not by the parts; used: 1480 ppm, 107 a day at 72,000 parts a day. For the asked ' +
        '13.9 ppm, record 6,588 more good parts (about 2.2 h): 6,860 learned from, 1,715 held out',
    );
  });

  it('uses the asked budget where the held-out parts support it, and says so', () => {
    const b = partBudget({ ...GATEWAY, asked: { falseRejectsPpm: 2000 } });
    expect([b.usedAsked, b.used, b.usedPpm, b.moreParts]).toEqual([true, { falseRejectsPpm: 2000 }, 2000, 0]);
    expect(partBudgetText(b, '2000 ppm of good parts rejected', 72_000)).toBe(
      'budget asked: 2000 ppm of good parts rejected; the 68 held-out parts support ' +
        '1480 ppm at the strictest (1/(68·10) of parts); used: the asked budget',
    );
    // A quantile is a share of parts too.
    expect(askedPpmOf({ quantile: 0.999 }, Number.NaN)).toBeCloseTo(1000, 6);
    expect(partBudget({ ...GATEWAY, asked: { quantile: 0.999 } }).used).toEqual({ falseRejectsPpm: 1480 });
  });

  it('counts the held-out parts and parts to learn from that support a share, the fewest that do', () => {
    for (const ppm of [5000, 1470, 500, 69, 14, 1]) {
      const n = heldOutFor(ppm / 1e6);
      expect(supportedShare(n)).toBeLessThanOrEqual(ppm / 1e6);
      expect(supportedShare(n - 1)).toBeGreaterThan(ppm / 1e6);
    }
    expect([partsForHeldOut(100, 0.25), partsForHeldOut(100, 0.3), partsForHeldOut(1728, 0.25)]).toEqual([
      400, 334, 6912,
    ]);
  });

  it("keeps a small recording's threshold near its parts, where the asked budget put it far beyond them", () => {
    // 40 sets of 68 held-out normal scores at 1 false reject a day at 72,000 parts a day.
    const asked: number[] = [];
    const used: number[] = [];
    const exceeded: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const scores = normalScores(68, seed);
      const largest = Math.max(...scores);
      const b = partBudget(GATEWAY);
      asked.push(calibrateAlarm([scores], 72_000, GATEWAY.asked, 'parts').on / largest);
      const on = calibrateAlarm([scores], 72_000, b.used, 'parts').on;
      used.push(on / largest);
      exceeded.push(shareAbove(on) / (b.usedPpm / 1e6));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    // Asked: 14 ppm from 68 parts, the threshold several times the largest score, set by the tail shape's prior.
    expect(median(asked)).toBeGreaterThan(3);
    expect(Math.max(...used)).toBeLessThan(2.5);
    // The supported budget holds on fresh normal parts: their share above the threshold, as a multiple of the budget.
    expect(median(exceeded)).toBeLessThan(1);
    expect(exceeded.reduce((a, b) => a + b) / exceeded.length).toBeLessThan(2);
  });
});

describe('--false-rejects-ppm', () => {
  it('is a budget of its own, refused beside another and out of range, naming the flags', () => {
    expect(calibrationTarget({ falseRejectsPpm: '100' })).toEqual({ falseRejectsPpm: 100 });
    expect(() => calibrationTarget({ falseRejectsPpm: '100', falseAlarmsPerDay: '1' })).toThrow(
      '--false-rejects-ppm and --false-alarms-per-day: give one budget, not both (ppm of good parts rejected = false rejects a day × 10⁶ ÷ parts a day)',
    );
    expect(() => calibrationTarget({ falseRejectsPpm: '100', quantile: '0.999' })).toThrow(
      '--false-rejects-ppm and --quantile: give one budget, not both',
    );
    expect(() => calibrationTarget({ falseRejectsPpm: '0' })).toThrow(
      '--false-rejects-ppm 0: expected a number above 0 and below 500000 (good parts rejected in a million, e.g. 100)',
    );
    expect(() => refusePartFlagsWithoutCycle({ falseRejectsPpm: '100' })).toThrow(
      '--false-rejects-ppm: for part models only; give --cycle-channel too',
    );
  });
});
