import { describe, expect, it } from 'vitest';
import {
  addNab,
  confusion,
  nabNormalised,
  nabTally,
  pointwise,
  predictedChangepoints,
  scaledSigmoid,
} from '../../src/eval/metrics.js';

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

  it('the sigmoid runs from 1 at the window start to 0 at its end', () => {
    expect(scaledSigmoid(0)).toBeCloseTo(1, 10);
    expect(scaledSigmoid(1)).toBeCloseTo(0, 10);
    expect(scaledSigmoid(0.5)).toBeCloseTo(0.5, 10);
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
    // Rise at 80 (30 s into the first window: half credit), fall at 120 (between windows: A_fp); window 2 missed.
    const t = nabTally(times, truth, step(80, 120), 60);
    const s = t.score.standard;
    expect(s).toBeCloseTo(-0.11 + 1.11 * 0.5 - 0.11 - 1, 6);
    expect(predictedChangepoints(step(80, 120))).toEqual([80, 120]);
  });

  it('only the first prediction in a window counts', () => {
    const pred = times.map((t) => (t === 50 || t === 52 ? 1 : 0)); // edges at 50, 51, 52, 53
    const t = nabTally(times, truth, pred, 60);
    expect(t.score.standard).toBeCloseTo(1 - 1, 6); // window 1 hit at its start, window 2 missed
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
