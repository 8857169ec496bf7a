/** A part model's figures as a quality engineer counts them: false rejects, escapes, F1 over the bad parts. */
import { describe, expect, it } from 'vitest';
import { addTallies, partErrors, partFigures, partLabels, tallyParts } from '../../src/eval/part-metrics.js';

describe('part metrics', () => {
  it('labels a part bad where any of its rows is labelled, however short the labelled stretch', () => {
    const anomaly = [0, 0, 0, 1, 0, 0, 0, 0, 1, 1];
    expect(
      partLabels(
        [
          [0, 2],
          [3, 5],
          [6, 7],
          [7, 9],
        ],
        anomaly,
      ),
    ).toEqual([false, true, false, true]);
  });

  it('counts false rejects (good parts failed) and escapes (bad parts passed) apart', () => {
    const bad = [true, true, true, false, false, false, false];
    const failed = [true, true, false, true, false, false, false];
    const t = tallyParts(bad, failed, 2);
    expect(t).toEqual({ tp: 2, fp: 1, tn: 3, fn: 1, unknown: 2 });
    const f = partFigures(t);
    expect(f.f1).toBeCloseTo(4 / 6, 12);
    expect(f.false_reject_rate).toBeCloseTo(25, 12);
    expect(f.escape_rate).toBeCloseTo(100 / 3, 12);
  });

  it('names the parts behind the false rejects and escapes by their ids, in the order they were made', () => {
    const ids = ['P-7', 'P-8', 'P-9', 'P-10', 'P-11'];
    expect(partErrors(ids, [true, false, true, false, true], [false, true, true, false, false])).toEqual({
      falseRejects: ['P-8'],
      escapes: ['P-7', 'P-11'],
    });
  });

  it('says n/a (null), not 0, where there is no part of a kind to count', () => {
    expect(partFigures(tallyParts([false, false], [false, false], 0))).toEqual({
      f1: null,
      false_reject_rate: 0,
      escape_rate: null,
    });
    expect(partFigures(tallyParts([true], [true], 0))).toEqual({ f1: 1, false_reject_rate: null, escape_rate: 0 });
  });

  it('pools files by adding their counts, not by averaging their rates', () => {
    const a = tallyParts([true, false], [true, false], 0);
    const b = tallyParts([true, true, true, false], [false, false, false, true], 1);
    expect(addTallies(a, b)).toEqual({ tp: 1, fp: 1, tn: 1, fn: 3, unknown: 1 });
  });

  it('refuses labels and verdicts of different lengths', () => {
    expect(() => tallyParts([true], [true, false], 0)).toThrow(new Error('tallyParts: 1 labels for 2 verdicts'));
  });
});
