/**
 * eval says how many measured rows have no score (eval_no_row_scored): a historian export whose 10 s tags are blank
 * between their samples, read at the 5 s hold, leaves every window with a gap. Before, eval printed F1 0, FAR 0 % and
 * 0 false alarms/day with nothing to say that no row had been scored, which reads as a quiet model.
 */
import { describe, expect, it } from 'vitest';
import { unscoredRows } from '../../src/eval/stream-series.js';
import { evalTextLines, unscoredText } from '../../src/cli/eval-text.js';
import type { EvalReport } from '../../src/eval/evaluate.js';

const file = {
  file: 'e101.csv',
  f1: 0,
  far: 0,
  mar: 100,
  nab: { standard: 0, low_fp: 0, low_fn: 0 },
  delay_s: null,
  detected_spans: '0/3',
  false_alarms: 0,
  false_alarms_per_day: 0,
  alarm_rows_past_span: 0,
};

const report = (perFile: Partial<EvalReport['perFile'][number]>): EvalReport =>
  ({
    precision: 'int8',
    files: 1,
    trainRows: 10,
    detector: {},
    confusion: { tp: 0, fp: 0, tn: 5, fn: 5 },
    f1: 0,
    far: 0,
    mar: 100,
    nab: { standard: 0, low_fp: 0, low_fn: 0 },
    delay_s: null,
    detected_spans: '0/3',
    false_alarms: 0,
    false_alarms_per_day: 0,
    alarm_rows_past_span: 0,
    perFile: [{ ...file, ...perFile }],
  }) as EvalReport;

const context = {
  unlabelled: [],
  unlabelledText: '',
  labelName: undefined,
  labelledBySpans: [],
  trainRows: 10,
  model: 'm',
  detector: undefined,
  delays: { onDelayMs: 1000, offDelayMs: 5000 },
};

describe('rows eval could not score', () => {
  it('are counted after the training rows only', () => {
    const scores = Float64Array.from([NaN, NaN, 1, 2, NaN, 3, NaN]);
    expect(unscoredRows(scores, 0)).toBe(4);
    expect(unscoredRows(scores, 2)).toBe(2);
    expect(unscoredRows(scores, 7)).toBe(0);
  });

  it('are said per file, and a file with no row scored says its figures mean nothing', () => {
    expect(unscoredText(31, 745)).toBe(
      "31 of the 745 measured rows have no score: no full window ended there (a missing reading longer than the hold: 5000 ms, or --max-sample-age-ms; a pause and the window's refill after it), so no alarm could be raised there and they count as predicted normal",
    );
    const lines = evalTextLines([report({ unscored_rows: 10, measured_rows: 10 })], context);
    expect(lines).toContain(
      "e101.csv: no row was scored: no full window ended there (a missing reading longer than the hold: 5000 ms, or --max-sample-age-ms; a pause and the window's refill after it), so no alarm could be raised there and they count as predicted normal; its F1, FAR and false alarms say nothing of the model",
    );
    expect(evalTextLines([report({})], context).some((l) => l.includes('no full window'))).toBe(false);
  });
});
