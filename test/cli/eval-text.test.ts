/** eval's text report from its figures, apart from the command: the metrics line, the notes per file, the footer. */
import { describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/evaluate.js';
import { delayText, evalTextLines, farText, reportLine, unscoredText } from '../../src/cli/eval-text.js';

function report(more: Partial<EvalReport> = {}, perFile: Partial<EvalReport['perFile'][number]>[] = []): EvalReport {
  const file = {
    file: 'valve1/0.csv',
    f1: 0.5,
    far: 1,
    mar: 2,
    nab: { standard: 10, low_fp: 5, low_fn: 12 },
    delay_s: null,
    detected_spans: '1/2',
    false_alarms: 0,
    false_alarms_per_day: null,
    alarm_rows_past_span: 1,
  };
  return {
    precision: 'int8',
    files: 1,
    trainRows: 400,
    detector: {},
    confusion: { tp: 3, fp: 1, tn: 90, fn: 6 },
    f1: 0.4,
    far: 1.1,
    mar: 66.67,
    nab: { standard: 12.34, low_fp: 5.55, low_fn: 20 },
    delay_s: 4.25,
    detected_spans: '1/2',
    false_alarms: 1,
    false_alarms_per_day: null,
    alarm_rows_past_span: 1,
    perFile: perFile.map((f) => ({ ...file, ...f })),
    ...more,
  } as EvalReport;
}

const delays = { onDelayMs: 5_000, offDelayMs: 10_000 };

describe('reportLine', () => {
  it('gives every figure of a precision on one line', () => {
    expect(reportLine(report())).toBe(
      'int8  1 files  F1 0.400  FAR 1.10 %  MAR 66.67 %  NAB standard 12.3  low FP 5.5  low FN 20.0  delay 4.3 s  ' +
        'spans 1/2  false alarms/day n/a  (TP 3 FP 1 TN 90 FN 6)',
    );
  });

  it('says F1 and MAR measure nothing where no row is labelled anomalous', () => {
    const line = reportLine(report({ confusion: { tp: 0, fp: 2, tn: 98, fn: 0 }, delay_s: null }));
    expect(line).toContain('F1 n/a (no labelled anomaly)  FAR 1.10 %  MAR n/a  ');
    expect(line).toContain('delay n/a  ');
  });

  it('gives a delay of a minute or more in minutes or hours, as a plant reads it (612.0 s was hard to read)', () => {
    expect(reportLine(report({ delay_s: 612 }))).toContain('  delay 10.2 min  spans 1/2');
    expect(delayText(59.9)).toBe('59.9 s');
    expect(delayText(60)).toBe('1.0 min');
    expect(delayText(5400)).toBe('1.5 h');
  });
});

describe('evalTextLines', () => {
  const context = {
    unlabelled: [],
    unlabelledText: '',
    labelName: undefined,
    labelledBySpans: [],
    trainRows: 400,
    model: undefined,
    detector: { arch: 'dense' as const, validationFraction: 0.2, target: { falseAlarmsPerDay: 1 } },
    delays,
  };

  it('says how many measured rows have no score, and that a file with none scored measures nothing (eval_no_row_scored)', () => {
    // A historian export read at the 5 s hold left every window with a gap: eval printed F1 0, FAR 0 % and 0 false
    // alarms/day with no word that no row had been scored, which reads as a quiet model.
    expect(unscoredText(31, 745)).toBe(
      "31 of the 745 measured rows have no score: no full window ended there (a missing reading longer than the hold: 5000 ms, or --max-sample-age-ms; a pause and the window's refill after it), so no alarm could be raised there and they count as predicted normal",
    );
    expect(evalTextLines([report({}, [{ unscored_rows: 10, measured_rows: 10 }])], context)).toContain(
      "valve1/0.csv: no row was scored: no full window ended there (a missing reading longer than the hold: 5000 ms, or --max-sample-age-ms; a pause and the window's refill after it), so no alarm could be raised there and they count as predicted normal; its F1, FAR and false alarms say nothing of the model",
    );
    expect(evalTextLines([report({}, [{}])], context).some((l) => l.includes('no full window'))).toBe(false);
  });

  it("follows the metrics with what was left out, each file's notes, the fit and the alarm", () => {
    const lines = evalTextLines(
      [
        report({ not_evaluated: [{ file: 'b.csv', reason: 'too short' }] }, [
          { fitted_rows: 250, rows_counted_as_samples: true },
        ]),
      ],
      {
        ...context,
        unlabelled: ['c.csv'],
        unlabelledText: 'c.csv',
        labelledBySpans: ['d.csv: labelled by --anomaly: 3 row(s) in 1 span(s)'],
      },
    );
    expect(lines[1]).toBe(farText([report()]));
    expect(lines.slice(2, 7)).toEqual([
      'not evaluated, no "anomaly" column: c.csv',
      'not evaluated: b.csv: too short',
      'd.csv: labelled by --anomaly: 3 row(s) in 1 span(s)',
      'valve1/0.csv: no time column; its rows are counted as samples one sample period apart',
      'valve1/0.csv: fitted on its first 250 rows, those before its first labelled anomaly (metrics on the rows after the first 400, as for every file)',
    ]);
    expect(lines[7]).toBe(
      'detector: dense, fitted on the first 400 rows of each file (the last 20 % held out: early stopping and the alarm ' +
        'calibration), alarm calibrated for 1 false alarm a day of normal operation; one configuration for every file; causal',
    );
    expect(lines[8]).toMatch(
      /^alarm, as a gateway raises it: raised when the score stays above the model's alarm threshold for 5000 ms .* for 10000 ms \(alarm\.off_delay_ms\)/,
    );
    expect(lines).toHaveLength(9);
  });

  it('names a model folder scored on every row where there are no training rows', () => {
    const lines = evalTextLines([report(), report({ precision: 'fp32' })], {
      ...context,
      trainRows: 0,
      model: 'models/pump-ae',
      detector: undefined,
      delays: { ...delays, sustainMs: 3_000 },
    });
    expect(lines.map((l) => l.slice(0, 5))).toEqual(['int8 ', 'fp32 ', 'FAR c', 'model', 'alarm']);
    expect(lines[3]).toBe('model models/pump-ae, scored on every row; metrics on every row; causal');
    expect(lines[4]).toContain('or above its clear level for 3000 ms (alarm.sustain_ms)');
  });
});

describe('farText', () => {
  it('says what FAR and false alarms/day each count, with the FP rows of alarms held past a span per precision', () => {
    const held = report({ confusion: { tp: 50, fp: 40, tn: 60, fn: 0 }, far: 40, false_alarms: 0 });
    expect(farText([held, { ...held, precision: 'fp32', alarm_rows_past_span: 39 }])).toBe(
      'FAR counts the rows labelled normal that an alarm covers (FP), those of an alarm held past the end of a ' +
        'labelled span included (int8 1 of 40, fp32 39 of 40 FP rows); false alarms/day counts only the alarms that ' +
        'start outside any labelled span',
    );
  });

  it('says nothing where no row labelled normal was alarmed', () => {
    expect(farText([report({ confusion: { tp: 3, fp: 0, tn: 90, fn: 6 } })])).toBeUndefined();
    const lines = evalTextLines([report({ confusion: { tp: 3, fp: 0, tn: 90, fn: 6 } })], {
      unlabelled: [],
      unlabelledText: '',
      labelName: undefined,
      labelledBySpans: [],
      trainRows: 400,
      model: 'models/pump-ae',
      detector: undefined,
      delays,
    });
    expect(lines[1]).toBe('model models/pump-ae, scored on every row; metrics on the rows after the first 400; causal');
  });
});
