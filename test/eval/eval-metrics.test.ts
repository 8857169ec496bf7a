import { describe, expect, it } from 'vitest';
import {
  addNab,
  confusion,
  nabNormalised,
  nabTally,
  pointwise,
  nabCredit,
  predictedChangepoints,
} from '../../src/eval/metrics.js';
import { nabOverRows } from '../../src/eval/evaluate.js';
import { addOperatorMetrics, operatorFigures, operatorMetrics } from '../../src/eval/labelled-csv.js';

describe('pointwise metrics', () => {
  it('counts a hand-made case', () => {
    const c = confusion([0, 0, 1, 1, 1, 0], [0, 1, 1, 0, 1, 0]);
    expect(c).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    const m = pointwise(c);
    expect(m.f1).toBeCloseTo(2 / (2 + 1), 10);
    expect(m.far).toBeCloseTo((100 * 1) / 3, 10);
    expect(m.mar).toBeCloseTo((100 * 1) / 3, 10);
  });

  it('a detector that flags everything: recall 1, FAR 100', () => {
    const m = pointwise(confusion([0, 1, 1, 0], [1, 1, 1, 1]));
    expect(m.far).toBe(100);
    expect(m.mar).toBe(0);
    expect(m.f1).toBeCloseTo(2 / 3, 10);
  });
});

describe('NAB changepoint score', () => {
  const times = Array.from({ length: 200 }, (_, i) => i);
  const truth = times.map((t) => (t === 50 || t === 150 ? 1 : 0));
  const step = (from: number, to: number) => times.map((t) => (t >= from && t < to ? 1 : 0));

  it("the credit follows SKAB's reference curve: 1 at the window start, 0 at its end, tanh in 1000 steps", () => {
    // (1 − tanh(x) / tanh(π/2)) / 2 at x = −π/2 + π·k/999, k = ⌊1000·relative⌋ (numpy's linspace, as the reference).
    expect(nabCredit(0)).toBeCloseTo(1, 12);
    expect(nabCredit(1)).toBeCloseTo(0, 12);
    expect(nabCredit(0.25)).toBeCloseTo(0.8572721089742168, 12);
    expect(nabCredit(1 / 3)).toBeCloseTo(0.7619372810117109, 12);
    expect(nabCredit(0.5)).toBeCloseTo(0.4991427992174627, 12);
  });

  it('predicting both changepoints at once scores 100', () => {
    const t = nabTally(times, truth, step(50, 150), 60);
    expect(t.windows).toBe(2);
    expect(nabNormalised(t).standard).toBeCloseTo(100, 6);
  });

  it('predicting nothing scores 0', () => {
    expect(
      nabNormalised(
        nabTally(
          times,
          truth,
          times.map(() => 0),
          60,
        ),
      ),
    ).toEqual({ standard: 0, low_fp: 0, low_fn: 0 });
  });

  it('a late detection scores less, a false edge costs A_fp, a missed window costs A_fn', () => {
    // Rise at 80 (30 s into the first window: about half credit), fall at 120 (between windows: A_fp); window 2
    // missed.
    const t = nabTally(times, truth, step(80, 120), 60);
    const s = t.score.standard;
    expect(s).toBeCloseTo(-0.11 + 1.11 * 0.4991427992174627 - 0.11 - 1, 10);
    expect(predictedChangepoints(step(80, 120))).toEqual([80, 120]);
  });

  it('only the first prediction in a window counts', () => {
    const pred = times.map((t) => (t === 50 || t === 52 ? 1 : 0)); // edges at 50, 51, 52, 53
    const t = nabTally(times, truth, pred, 60);
    expect(t.score.standard).toBeCloseTo(1 - 1, 6); // window 1 hit at its start, window 2 missed
  });

  it('a change on the boundary of two touching windows counts in both', () => {
    // Changepoints 60 s apart (SKAB's valve files): windows [50, 110] and [110, 170]. The rise at 110 ends the first
    // window (credit A_fp) and starts the second (A_tp); the fall at 180 lies in neither.
    const touching = times.map((t) => (t === 50 || t === 110 ? 1 : 0));
    expect(nabTally(times, touching, step(110, 180), 60).score.standard).toBeCloseTo(-0.11 + 1 - 0.11, 10);
  });

  it('a window the one before overlaps starts at its end', () => {
    // Changepoints at 50 and 80: windows [50, 110] and [110, 140]. Nothing in the first (A_fn); the rise at 120 lies a
    // third into the second; the fall at 190 in neither (A_fp).
    const close = times.map((t) => (t === 50 || t === 80 ? 1 : 0));
    const t = nabTally(times, close, step(120, 190), 60);
    expect(t.windows).toBe(2);
    expect(t.score.standard).toBeCloseTo(-1 + (-0.11 + 1.11 * 0.7619372810117109) - 0.11, 10);
  });

  it("a change on a window's last instant is its detection (credit A_fp), not also a false positive; steps round down", () => {
    // Windows [50, 110] and [150, 210]. The rise at 110 ends the first window: credit A_fp + 0, and no A_fp besides
    // (the reference counts a change outside only when after the end). The fall at 190 lies 2/3 into the second
    // window: step ⌊666.67⌋ = 666 (numpy's int(), not rounding to 667). Values from SKAB's chp_score on this case.
    const t = nabTally(times, truth, step(110, 190), 60);
    expect(t.score.standard).toBeCloseTo(-0.11 + (-0.11 + 1.11 * 0.23806271898828923), 12);
    expect(t.score.standard).toBeCloseTo(0.04424961807700105, 12);
    expect(t.score.low_fp).toBeCloseTo(-0.14956348283428716, 12);
  });

  it('a prediction that starts at 1 changes at its first row', () => {
    // The reference's change series takes the prediction's first value: a rise at 0 and a fall at 20, both outside
    // the windows, and both windows missed.
    expect(predictedChangepoints(step(0, 20))).toEqual([0, 20]);
    expect(nabTally(times, truth, step(0, 20), 60).score.standard).toBeCloseTo(-0.22 - 2, 10);
  });

  it('sums over files before normalising', () => {
    const a = nabTally(times, truth, step(50, 150), 60);
    const b = nabTally(
      times,
      truth,
      times.map(() => 0),
      60,
    );
    expect(nabNormalised(addNab(a, b)).standard).toBeCloseTo(50, 6);
  });
});

describe("eval's NAB over a file's rows", () => {
  it('windows that touch meet exactly at any period, times from the epoch in ms (a change there counts in both)', () => {
    // Changepoints 60 rows apart at 10 ms a row: windows [t20, t80] and [t80, t140]; the rise at row 80 ends the first
    // (A_fp) and starts the second (A_tp); the fall at row 150 lies in neither. In seconds (t / 1000, the window 0.6)
    // the first window ended an ulp before t80 / 1000: missed, and the score was -1 + 1 - 0.11 = -0.11, not 0.78.
    const t0 = 1_600_000_007_919;
    const times = Array.from({ length: 200 }, (_, i) => t0 + 10 * i);
    const truth = times.map((_, i) => (i === 20 || i === 80 ? 1 : 0));
    const pred = times.map((_, i) => (i >= 80 && i < 150 ? 1 : 0));
    const t = nabOverRows(times, truth, pred, 10);
    expect(t.windows).toBe(2);
    expect(t.score.standard).toBeCloseTo(-0.11 + 1 - 0.11, 10);
  });
});

describe('the rows of an alarm held past a labelled span (in FAR, no false alarm)', () => {
  it("counts the normal rows an alarm covers after it was on in a span, apart from a false alarm's rows", () => {
    // Rows 10-19 labelled; one alarm from row 12 to 29 (10 rows past the span's end), a false alarm at rows 40-44, and
    // an alarm raised on a normal row (50) that runs into a second span (52-55) and past it to row 59 (4 rows).
    const rows = 70;
    const times = Array.from({ length: rows }, (_, i) => i * 1000);
    const labels = times.map((_, i) => ((i >= 10 && i < 20) || (i >= 52 && i < 56) ? 1 : 0));
    const pred = times.map((_, i) => ((i >= 12 && i < 30) || (i >= 40 && i < 45) || (i >= 50 && i < 60) ? 1 : 0));
    const m = operatorMetrics(times, labels, pred, 1000);
    expect(m.alarmRowsPastSpan).toBe(14);
    // Two alarms start on a normal row: the false alarm and the one that runs into the second span.
    expect(m.falseAlarms).toBe(2);
    // FP: 10 + 5 + 2 (rows 50, 51) + 4 = 21 rows, of which 14 held past a span.
    expect(confusion(labels, pred).fp).toBe(21);
    expect(operatorFigures(addOperatorMetrics(m, m)).alarm_rows_past_span).toBe(28);
  });
});
