/**
 * Alarm calibration from a short normal span (src/training/alarm-calibration.ts). The headline: calibrate on 300 or
 * 3,000 rows of a synthetic normal score process, then count false-alarm episodes (with the calibrated hysteresis) on
 * 700,000 fresh rows of the same process, disjoint from the calibration rows, and compare with the target.
 *
 * Processes (all autocorrelated, as scores of sliding windows with hop 1 are):
 *   max|z| C=3, C=40  the largest of C channels' |moving mean over 5 rows| / sd of AR(1) Gaussians, φ = 0.9
 *   |t(4) AR|         |y|, y = 0.7·y(t−1) + Student-t(4) innovation (heavy tail, shape 0.25)
 *   mean square       the mean of squares of 8 AR(1) Gaussians, φ = 0.8 (a chi-square-like reconstruction error)
 * Targets: 2 false alarms/day at one row a minute (1,440 rows/day) and 10/day at one row a second (86,400 rows/day):
 * ≥ 30 expected episodes in the fresh rows at either (972 and 81).
 *
 * Measured factor = false alarms per day measured / target over 40 calibrations: mean / median / worst, and the
 * share of
 * calibrations above 2× the target (the mean is what the method aims at: "the expected number of episodes is F"):
 *
 *                  300 rows, 2/day          300 rows, 10/day         3,000 rows, 2/day         3,000 rows, 10/day
 *   max|z| C=3     1.89 / 1.40 / 7.1, 30 %  0.87 / 0.02 / 11, 15 %   1.12 / 1.08 / 3.0, 5 %    1.02 / 0.44 / 6.6, 15 %
 *   max|z| C=40    1.29 / 1.06 / 5.0, 20 %  0.22 / 0.01 / 2.9, 3 %   1.15 / 1.00 / 2.7, 10 %   1.37 / 0.52 / 7.9, 25 %
 *   |t(4) AR|      1.72 / 0.87 / 9.7, 30 %  2.52 / 0.71 / 37, 30 %   1.18 / 1.04 / 2.6, 8 %    2.04 / 1.26 / 7.4, 35 %
 *   mean square    1.75 / 1.33 / 10, 30 %   0.77 / 0.01 / 21, 5 %    1.06 / 0.98 / 2.3, 3 %    0.75 / 0.37 / 6.4, 5 %
 *
 * Lowest single calibrations: 0.37–0.52 at 3,000 rows and 2/day; 0.00–0.28 at 10/day; 0.00–0.23 at 300 rows (no
 * alarm in
 * the 8 days of fresh rows). The plain empirical quantile of 300 rows at the per-row target (src/core/quantile.ts, with
 * the same hysteresis rule) gives 26–57× the target (median) at 10/day, every one of the 40 calibrations above 2×.
 *
 * What the tests hold, honestly:
 *  - 3,000 rows: mean and median within 2× at 2/day (median 0.98–1.08, worst 3.0×). At 10/day (0.35 episodes in the
 *    span: extrapolation) the mean is within 2.5× (0.75–2.04) and the median within 3× (0.37–1.26 here; 0.56–1.23 over
 * 100 calibrations): single calibrations scatter from near 0 to ~8×, so a mean-calibrated level has its median
 * below.
 * - 300 rows (10–20 independent excursions of these processes): median at most 2× (0.01–1.40), but NOT "never above
 * 2×":
 * up to 30 % of calibrations are above 2×, the worst of 40 at 37× (a calm span of the heavy-tailed process). No fit
 * of
 *    a short span can know what the span did not contain; what the guard does is keep the average near the target.
 */
import { describe, expect, it } from 'vitest';
import { quantile } from '../../src/core/quantile.js';
import { SeededRandom } from '../../src/core/random.js';
import {
  calibrateAlarm,
  countEpisodes,
  extremalIndex,
  fitGpd,
  gpdLevel,
  gpdPosterior,
  gpdSurvival,
  predictiveLevel,
  type CalibrationTarget,
} from '../../src/training/alarm-calibration.js';

type Stream = () => number;

function arChannels(channels: number, phi: number, rnd: SeededRandom): () => Float64Array {
  const x = Float64Array.from({ length: channels }, () => rnd.normal());
  const innovation = Math.sqrt(1 - phi * phi);
  return () => {
    for (let c = 0; c < channels; c++) x[c] = phi * x[c] + innovation * rnd.normal();
    return x;
  };
}

function maxAbsMovingMean(channels: number, seed: number, phi = 0.9, rows = 5): Stream {
  const step = arChannels(channels, phi, new SeededRandom(seed));
  let variance = rows;
  for (let lag = 1; lag < rows; lag++) variance += 2 * (rows - lag) * phi ** lag;
  const sd = Math.sqrt(variance) / rows;
  const ring = Array.from({ length: rows }, () => new Float64Array(channels));
  const sums = new Float64Array(channels);
  let t = 0;
  const next = () => {
    const x = step();
    const slot = ring[t++ % rows];
    let score = 0;
    for (let c = 0; c < channels; c++) {
      sums[c] += x[c] - slot[c];
      slot[c] = x[c];
      score = Math.max(score, Math.abs(sums[c] / rows) / sd);
    }
    return score;
  };
  for (let i = 0; i < rows; i++) next();
  return next;
}

function studentTAr(seed: number, phi = 0.7, dof = 4): Stream {
  const rnd = new SeededRandom(seed);
  let y = 0;
  const next = () => {
    let chiSquare = 0;
    for (let i = 0; i < dof; i++) chiSquare += rnd.normal() ** 2;
    y = phi * y + rnd.normal() / Math.sqrt(chiSquare / dof);
    return Math.abs(y);
  };
  for (let i = 0; i < 100; i++) next();
  return next;
}

function meanSquareAr(seed: number, channels = 8, phi = 0.8): Stream {
  const step = arChannels(channels, phi, new SeededRandom(seed));
  return () => step().reduce((a, v) => a + v * v, 0) / channels;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const take = (stream: Stream, n: number) => Float64Array.from({ length: n }, stream);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

const FRESH_ROWS = 700_000;
const SEEDS = 40;
const SHORT = 300;
const LONG = 3000;
const ONE_A_MINUTE = { rowsPerDay: 1440, falseAlarmsPerDay: 2 };
const ONE_A_SECOND = { rowsPerDay: 86_400, falseAlarmsPerDay: 10 };

interface ProcessData {
  readonly fresh: Float64Array;
  /** Calibration stretches of one length, disjoint from the fresh rows and from each other. */
  readonly spans: (length: number) => Float64Array[];
}

const PROCESSES: Record<string, () => Stream> = {
  'max|z| C=3': () => maxAbsMovingMean(3, 11),
  'max|z| C=40': () => maxAbsMovingMean(40, 12),
  '|t(4) AR|': () => studentTAr(13),
  'mean square': () => meanSquareAr(14),
};

const cache = new Map<string, ProcessData>();
function processData(name: string): ProcessData {
  const hit = cache.get(name);
  if (hit) return hit;
  const stream = PROCESSES[name]();
  const fresh = take(stream, FRESH_ROWS);
  const short = Array.from({ length: SEEDS }, () => take(stream, SHORT));
  const long = Array.from({ length: SEEDS }, () => take(stream, LONG));
  const data = { fresh, spans: (length: number) => (length === SHORT ? short : long) };
  cache.set(name, data);
  return data;
}

/** False alarms per day measured on the fresh rows, over the target, for each calibration span. */
function factors(
  name: string,
  length: number,
  rate: typeof ONE_A_MINUTE,
  threshold: (span: Float64Array) => { on: number; off: number },
): number[] {
  const { fresh, spans } = processData(name);
  const days = FRESH_ROWS / rate.rowsPerDay;
  return spans(length).map((span) => {
    const { on, off } = threshold(span);
    return countEpisodes(fresh, on, off) / days / rate.falseAlarmsPerDay;
  });
}

function calibrated(rate: typeof ONE_A_MINUTE) {
  return (span: Float64Array) => {
    const c = calibrateAlarm([span], rate.rowsPerDay, { falseAlarmsPerDay: rate.falseAlarmsPerDay });
    expect(c.off).toBeLessThan(c.on);
    if (Number(c.details.expected_in_span) < 1) expect(c.on).toBeGreaterThan(Math.max(...span));
    return c;
  };
}

/** The plain empirical quantile at the per-row target, with the same hysteresis rule (off at 10× the rate). */
function plainQuantile(rate: typeof ONE_A_MINUTE) {
  const perRow = rate.falseAlarmsPerDay / rate.rowsPerDay;
  return (span: Float64Array) => ({ on: quantile([...span], 1 - perRow), off: quantile([...span], 1 - 10 * perRow) });
}

interface Outcome {
  readonly mean: number;
  readonly median: number;
  readonly worst: number;
  /** The fraction of calibrations with more than twice the target. */
  readonly aboveTwice: number;
}

function outcome(xs: readonly number[]): Outcome {
  return {
    mean: mean(xs),
    median: median(xs),
    worst: Math.max(...xs),
    aboveTwice: xs.filter((x) => x > 2).length / xs.length,
  };
}

describe('false alarms per day on fresh normal data, calibrated on a short span', () => {
  for (const name of Object.keys(PROCESSES)) {
    it(`${name}: 3,000 rows within 2× at 2/day (median, mean), within 2.5× (mean) at 10/day; 300 rows ≤ 2× (median)`, () => {
      for (const rate of [ONE_A_MINUTE, ONE_A_SECOND]) {
        // at one row a second the target is 0.35 episodes per 3,000 rows: beyond the span, so the scatter is wider
        const beyondSpan = rate === ONE_A_SECOND;
        const long = outcome(factors(name, LONG, rate, calibrated(rate)));
        const short = outcome(factors(name, SHORT, rate, calibrated(rate)));
        expect(long.median).toBeGreaterThan(beyondSpan ? 0.3 : 0.5);
        expect(long.median).toBeLessThan(2);
        expect(long.mean).toBeGreaterThan(0.5);
        expect(long.mean).toBeLessThan(beyondSpan ? 2.5 : 2);
        expect(long.worst).toBeLessThan(beyondSpan ? 10 : 4);
        expect(short.median).toBeLessThan(2);
        expect(short.aboveTwice).toBeLessThan(0.4);
        expect(short.worst).toBeLessThan(50);
      }
    });
  }

  it('the plain empirical quantile of 300 rows at the per-row target floods the operator at one row a second', () => {
    for (const name of Object.keys(PROCESSES)) {
      const plain = outcome(factors(name, SHORT, ONE_A_SECOND, plainQuantile(ONE_A_SECOND)));
      expect(plain.median).toBeGreaterThan(10);
      expect(plain.aboveTwice).toBe(1);
    }
  });
});

describe('quantile target', () => {
  it('P(score > on) on fresh data is within 2× of 1 − quantile (median of 40 calibrations on 3,000 rows)', () => {
    for (const name of Object.keys(PROCESSES)) {
      const { fresh, spans } = processData(name);
      const rows = fresh.subarray(0, 200_000);
      const ratios = spans(LONG).map((span) => {
        const { on } = calibrateAlarm([span], 1440, { quantile: 0.999 });
        let above = 0;
        for (const x of rows) if (x > on) above++;
        return above / rows.length / 0.001;
      });
      expect(median(ratios)).toBeGreaterThan(0.5);
      expect(median(ratios)).toBeLessThan(2);
    }
  });

  it('a million iid exponential scores: the 1 − 1e-5 level and 1 false alarm/day at 1 s rows within 2×', () => {
    const rnd = new SeededRandom(5);
    const scores = Float64Array.from({ length: 1_000_000 }, () => -Math.log(1 - rnd.next()));
    const level = calibrateAlarm([scores], 86_400, { quantile: 1 - 1e-5 });
    expect(Math.exp(-level.on) / 1e-5).toBeGreaterThan(0.5);
    expect(Math.exp(-level.on) / 1e-5).toBeLessThan(2);
    const daily = calibrateAlarm([scores], 86_400, { falseAlarmsPerDay: 1 });
    expect(Number(daily.details.extremal_index)).toBeGreaterThan(0.9);
    expect(Math.exp(-daily.on) * 86_400).toBeGreaterThan(0.5);
    expect(Math.exp(-daily.on) * 86_400).toBeLessThan(2);
  });
});

function gpdSample(rnd: SeededRandom, n: number, shape: number, scale = 1): number[] {
  return Array.from({ length: n }, () => {
    const v = 1 - rnd.next();
    return shape === 0 ? -scale * Math.log(v) : (scale / shape) * (v ** -shape - 1);
  });
}

describe('the pieces', () => {
  it('the GPD fit recovers shape 0.2 and scale 1 from 5,000 samples within 3 asymptotic standard errors', () => {
    // Smith (1985): var(shape) = (1 + ξ)² / n, var(scale) = 2σ²(1 + ξ) / n: se 0.017 and 0.022 at n = 5,000.
    const fit = fitGpd(gpdSample(new SeededRandom(1), 5000, 0.2));
    expect(Math.abs(fit.shape - 0.2)).toBeLessThan(0.05);
    expect(Math.abs(fit.scale - 1)).toBeLessThan(0.07);
  });

  it('the guard: the predictive level keeps the mean exceedance near or below the target where the plug-in level is over 5×', () => {
    // 100 samples of 15 or 40 GPD excesses; target exceedance 1e-3 given the threshold is exceeded. Measured mean
    // exceedance / target, predictive vs plug-in: shape −0.2: 0.00 vs 29 (15), 0.09 vs 9.7 (40); shape 0: 0.21 vs 30,
    // 0.36 vs 8.2; shape 0.2: 1.28 vs 30, ≈1 vs ≈7.
    const target = 1e-3;
    const REPLICATES = 100;
    for (const shape of [-0.2, 0, 0.2]) {
      for (const k of [15, 40]) {
        const rnd = new SeededRandom(77);
        let predictive = 0;
        let plugIn = 0;
        for (let r = 0; r < REPLICATES; r++) {
          const excesses = gpdSample(rnd, k, shape);
          predictive += gpdSurvival(predictiveLevel(gpdPosterior(excesses, 1), 0, 1, target), 1, shape) / REPLICATES;
          plugIn += gpdSurvival(gpdLevel(0, fitGpd(excesses), 1, target), 1, shape) / REPLICATES;
        }
        expect(predictive / target).toBeLessThan(1.5);
        expect(plugIn / target).toBeGreaterThan(5);
      }
    }
  });

  it('extremal index: about 1 for iid data, about 1/4 for a moving maximum of 4 (clusters of 4)', () => {
    const rnd = new SeededRandom(3);
    const z = Array.from({ length: 100_003 }, () => rnd.next());
    const iid = z.slice(3);
    const movingMax = iid.map((_, i) => Math.max(z[i], z[i + 1], z[i + 2], z[i + 3]));
    expect(extremalIndex([iid], quantile(iid, 0.98))).toBeGreaterThan(0.95);
    expect(Math.abs(extremalIndex([movingMax], quantile(movingMax, 0.98)) - 0.25)).toBeLessThan(0.04);
  });

  it('extremal index counts gaps within a segment only (intervals estimator by hand)', () => {
    // Clusters of two, 9 rows apart: gaps 1, 9, 1 in each segment. Ferro & Segers: θ = 2(Σ(T−1))² /
    // ((N−1)·Σ(T−1)(T−2)).
    const segment = [5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5];
    expect(extremalIndex([segment, segment], 1)).toBeCloseTo((2 * 16 ** 2) / (6 * 112), 12);
    // as one series the boundary adds a gap of 1
    expect(extremalIndex([[...segment, ...segment]], 1)).toBeCloseTo((2 * 16 ** 2) / (7 * 112), 12);
  });
});

describe('hysteresis', () => {
  it('a score wobbling around on but staying above off is one episode; dropping below off ends it', () => {
    const on = 10;
    const off = 8;
    const scores = [1, 2, 10.5, 9.5, 10.2, 9, 10.9, 8.5, 11, 7.9, 10.1, 3];
    expect(countEpisodes(scores, on, off)).toBe(2);
    expect(countEpisodes(scores, on, on)).toBe(5);
  });

  it('calibrated off lies below on, in the tail, and the method names the numbers', () => {
    const span = take(maxAbsMovingMean(3, 21), LONG);
    const c = calibrateAlarm([span.subarray(0, 1800), span.subarray(1800)], 86_400, { falseAlarmsPerDay: 10 });
    expect(c.off).toBeLessThan(c.on);
    expect(c.off).toBeGreaterThanOrEqual(Number(c.details.tail_threshold_u));
    expect(c.details.segments).toBe(2);
    expect(c.details.windows).toBe(LONG);
    expect(c.method).toMatch(
      /^on \d+\.\d+ is the posterior-predictive GPD level for 10 false alarms\/day at 86400 rows\/day .*extremal index 0\.\d+/,
    );
    expect(c.method).toMatch(/off \d+\.\d+ is exceeded 10× as often, never below u\.$/);
  });
});

describe('the method of an alarm set just above the largest score', () => {
  it('reads as a sentence (calibration_just_above_wording): "on X is just above the largest score for …"', () => {
    // 300 scores at 480 rows a day (3-minute rows) and 1 false alarm a day: less than one expected in the rows, so on
    // lies just above the largest score. Before, the method read "on X is the just above the largest score for …".
    let seed = 7;
    const scores = Float64Array.from({ length: 300 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return 1 + seed / 2147483648;
    });
    scores[150] = 50; // one normal window far above the rest: the tail's level lies below it
    const c = calibrateAlarm([scores], 480, { falseAlarmsPerDay: 1 });
    expect(c.on).toBeGreaterThan(50);
    expect(c.method).toMatch(/^on 50(\.\d+)? is just above the largest score for 1 false alarm\/day at 480 rows\/day /);
  });
});

describe('the clear level', () => {
  it('where off lies above every normal score (369 windows, 1 a day at 1 s), a raised alarm clears at the largest', () => {
    const span = take(maxAbsMovingMean(3, 22), 369);
    const c = calibrateAlarm([span], 86_400, { falseAlarmsPerDay: 1 });
    const largest = Math.max(...span);
    expect(c.off).toBeGreaterThan(largest);
    expect(c.clear).toBe(largest);
    expect(c.clear).toBeGreaterThanOrEqual(Number(c.details.tail_threshold_u));
    expect(c.method).toMatch(/a raised alarm clears below the largest normal score \d+\.\d+, under off/);
  });

  it('none where off lies at or below the largest normal score (3,000 windows, 10 a day)', () => {
    const span = take(maxAbsMovingMean(3, 21), LONG);
    const c = calibrateAlarm([span], 86_400, { falseAlarmsPerDay: 10 });
    expect(c.off).toBeLessThanOrEqual(Math.max(...span));
    expect(c.clear).toBeUndefined();
  });
});

describe('bad inputs', () => {
  const scores = take(maxAbsMovingMean(3, 31), 300);
  const perDay: CalibrationTarget = { falseAlarmsPerDay: 2 };
  const cases: [string, () => unknown, string | RegExp][] = [
    [
      'no scores',
      () => calibrateAlarm([], 1440, perDay),
      'calibrateAlarm: 0 scores; at least 20 held-out normal scores are needed',
    ],
    [
      '19 scores',
      () => calibrateAlarm([scores.subarray(0, 19)], 1440, perDay),
      'calibrateAlarm: 19 scores; at least 20 held-out normal scores are needed',
    ],
    [
      'NaN',
      () => calibrateAlarm([scores, [1, NaN]], 1440, perDay),
      'calibrateAlarm: score NaN at segment 1 index 1 is not a finite number',
    ],
    [
      'Infinity',
      () => calibrateAlarm([[Infinity, ...scores]], 1440, perDay),
      'calibrateAlarm: score Infinity at segment 0 index 0 is not a finite number',
    ],
    [
      'all zeros',
      () => calibrateAlarm([new Float64Array(300)], 1440, perDay),
      /^calibrateAlarm: all 300 scores equal 0: a constant score has no tail/,
    ],
    [
      'constant',
      () => calibrateAlarm([new Array(50).fill(3.5)], 1440, perDay),
      /^calibrateAlarm: all 50 scores equal 3\.5: .*set on by hand above 3\.5/,
    ],
    [
      'almost constant',
      () => calibrateAlarm([[...new Array(295).fill(0), 1, 2, 3, 4, 5]], 1440, perDay),
      'calibrateAlarm: only 5 of 300 scores lie above the smallest (0); at least 18 are needed to fit the tail',
    ],
    [
      'both targets',
      () => calibrateAlarm([scores], 1440, { falseAlarmsPerDay: 2, quantile: 0.99 }),
      'calibrateAlarm: give exactly one of falseAlarmsPerDay and quantile (got both)',
    ],
    [
      'no target',
      () => calibrateAlarm([scores], 1440, {}),
      'calibrateAlarm: give exactly one of falseAlarmsPerDay and quantile (got neither)',
    ],
    [
      'zero per day',
      () => calibrateAlarm([scores], 1440, { falseAlarmsPerDay: 0 }),
      'calibrateAlarm: falseAlarmsPerDay must be a positive finite number (got 0)',
    ],
    [
      'negative per day',
      () => calibrateAlarm([scores], 1440, { falseAlarmsPerDay: -1 }),
      'calibrateAlarm: falseAlarmsPerDay must be a positive finite number (got -1)',
    ],
    [
      'rows per day',
      () => calibrateAlarm([scores], 0, perDay),
      'calibrateAlarm: rowsPerDay must be a positive finite number (got 0)',
    ],
    [
      'quantile 1',
      () => calibrateAlarm([scores], 1440, { quantile: 1 }),
      'calibrateAlarm: quantile must be in [0.5, 1) (got 1)',
    ],
    [
      'quantile 0.3',
      () => calibrateAlarm([scores], 1440, { quantile: 0.3 }),
      'calibrateAlarm: quantile must be in [0.5, 1) (got 0.3)',
    ],
    [
      'target below the median',
      () => calibrateAlarm([scores], 1440, { falseAlarmsPerDay: 700 }),
      new RegExp(
        '^calibrateAlarm: 700 false alarms/day at 1440 rows/day needs the score above on with probability \\d+\\.\\d+ per row ' +
          '\\(extremal index 0\\.\\d+\\), more than 0\\.5: an alarm level must lie above the median; ' +
          'at most \\d+(\\.\\d+)? false alarms/day can be calibrated at this sample rate$',
      ),
    ],
  ];
  for (const [what, call, message] of cases) {
    it(`${what}: ${message}`, () => {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
      else expect((thrown as Error).message).toMatch(message);
    });
  }
});

describe('a budget of false rejects (one window per part)', () => {
  // Scores in runs of 4 equal values: as rows, each run above `on` is one false alarm (extremal index about 1/4); as
  // parts, each part above `on` is one false reject.
  const rnd = new SeededRandom(11);
  const scores = new Float64Array(4000);
  for (let i = 0; i < scores.length; i += 4) {
    const v = -Math.log(1 - rnd.next());
    scores.fill(v, i, i + 4);
  }

  it('counts every part above on, not runs of them: the level is higher than for the same budget in alarms', () => {
    const rows = calibrateAlarm([scores], 1440, { falseAlarmsPerDay: 2 });
    const parts = calibrateAlarm([scores], 1440, { falseAlarmsPerDay: 2 }, 'parts');
    expect(rows.details.extremal_index).toBeLessThan(0.5);
    expect(parts.details.exceedance_prob_on).toBeCloseTo(2 / 1440, 12);
    expect(rows.details.exceedance_prob_on).toBeCloseTo(2 / 1440 / Number(rows.details.extremal_index), 12);
    expect(parts.on).toBeGreaterThan(rows.on);
    expect(parts.method).toContain('for 2 false rejects/day at 1440 parts/day (score above on in 1.39e-3 of parts)');
  });
});
