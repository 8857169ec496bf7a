/**
 * eval's report: the files' results summed into one (the JSON `linewatch eval --json` prints), each file's figures
 * and what it reports about its data (channels left out, pauses, missing readings, text and run columns).
 */
import { relative } from 'node:path';
import type { HeldReadings } from '../core/csv-table.js';
import type { Precision } from './in-memory-model.js';
import { addOperatorMetrics, operatorFigures, type OperatorMetrics } from './labelled-csv.js';
import { addConfusion, addNab, nabNormalised, pointwise, type Confusion, type NabTally } from './metrics.js';
import type { FileResult } from './stream-series.js';

export interface EvalReport {
  readonly precision: Precision;
  readonly files: number;
  readonly trainRows: number;
  readonly detector: Record<string, unknown>;
  readonly confusion: Confusion;
  readonly f1: number;
  readonly far: number;
  readonly mar: number;
  readonly nab: { standard: number; low_fp: number; low_fn: number };
  readonly delay_s: number | null;
  readonly detected_spans: string;
  readonly false_alarms: number;
  readonly false_alarms_per_day: number | null;
  /** FP rows of alarms held past a labelled span's end (in FAR; no false alarm). */
  readonly alarm_rows_past_span: number;
  readonly perFile: {
    file: string;
    f1: number;
    far: number;
    /** The file's missed alarm rate (%) and NAB scores, as the totals' (mar, nab) over its rows alone. */
    mar: number;
    nab: { standard: number; low_fp: number; low_fn: number };
    delay_s: number | null;
    detected_spans: string;
    false_alarms: number;
    false_alarms_per_day: number | null;
    alarm_rows_past_span: number;
    /** Present when some of the measured rows have no score (no full window ended there: a missing reading longer
     * than the hold, a pause and the window's refill after it): they count as predicted normal. */
    unscored_rows?: number;
    /** Present with unscored_rows: the rows measured (after the training rows). */
    measured_rows?: number;
    /** Present with --running-when: rows after the training rows left out as not running (no score, in no metric). */
    stopped_rows?: number;
    /** Present with a settle time (--running-settle-ms, or one estimated): rows after the training rows that ran but
     * within it after a restart, left out as the stopped ones (no score, in no metric). */
    settling_rows?: number;
    /** Present when some of the file's channels were constant in its training rows and left out of its model. */
    left_out?: { channel: string; constant: number }[];
    /** Present when some of the rows the file's model was fitted on are labelled anomalous (learnt as normal). */
    anomalous_training_rows?: number;
    /** Present with anomalous_training_rows: why the rows before the first anomaly could not be fitted on. */
    fit_before_fault_failed?: string;
    /** Present when the file's model was fitted on fewer rows than the training rows: those before its first
     * labelled anomaly. */
    fitted_rows?: number;
    /** Present when the file has no changepoint column: NAB's changepoints are its anomaly labels' edges. */
    changepoints_from_labels?: true;
    /** Present when the file has no time column: its rows were counted as samples one sample period apart. */
    rows_counted_as_samples?: true;
    /** Present when columns before the file's sample counter name the run: left out, with their one value. */
    run_columns?: { column: string; value: string }[];
    /** Present when columns hold text, not readings (a quality flag, a unit, a machine state): left out, with their
     * first few distinct values and how many there are. */
    text_columns?: { column: string; values: string[]; distinct: number }[];
    /** Present when the recording pauses (rows further apart than a gateway holds a reading, or going back in time):
     * no window spans a pause, the window fills again after it. How many, and the longest. */
    pauses?: { count: number; longest_at_row: number; longest: string };
    /** Present when channels had missing readings (blank, NaN, NA, null cells): gaps no longer than a gateway holds a
     * reading were held at the last one; longer gaps were not scored, as a gateway scores no window over them. */
    missing_readings?: {
      channel: string;
      cells: number;
      first_line: number;
      held: number;
      gaps_not_scored: { line: number; rows: number }[];
    }[];
  }[];
  /** Files that could not be evaluated, and why (whyNotEvaluated); in no figure above. */
  readonly not_evaluated?: { file: string; reason: string }[];
}

/** The file's missing readings in the channels its model reads (a channel the model ignores is not its concern). */
export function missingInModel(r: FileResult): readonly HeldReadings[] {
  return (r.series.missing ?? []).filter((m) => r.channels.includes(m.column));
}

function missingReadings(r: FileResult): Pick<EvalReport['perFile'][number], 'missing_readings'> {
  const read = missingInModel(r);
  if (read.length === 0) return {};
  return {
    missing_readings: read.map((m) => ({
      channel: m.column,
      cells: m.cells,
      first_line: m.firstLine,
      held: m.held,
      gaps_not_scored: m.open.map((g) => ({ line: g.line, rows: g.rows })),
    })),
  };
}

/** Sums file results into one report. */
export function summarise(
  dir: string,
  precision: Precision,
  trainRows: number,
  detector: Record<string, unknown>,
  results: readonly FileResult[],
  notEvaluated: readonly { file: string; reason: string }[] = [],
): EvalReport {
  let total: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let nab: NabTally = { windows: 0, score: { standard: 0, low_fp: 0, low_fn: 0 } };
  let op: OperatorMetrics = {
    spans: 0,
    detected: 0,
    delaysS: [],
    falseAlarms: 0,
    normalHours: 0,
    alarmRowsPastSpan: 0,
  };
  for (const r of results) {
    total = addConfusion(total, r.confusion);
    nab = addNab(nab, r.nab);
    op = addOperatorMetrics(op, r.operator);
  }
  const m = pointwise(total);
  const perFile = results.map((r) => ({
    file: relative(dir, r.file) || r.file,
    f1: r.f1,
    far: r.far,
    mar: pointwise(r.confusion).mar,
    nab: nabNormalised(r.nab),
    ...operatorFigures(r.operator),
    ...(r.unscoredRows ? { unscored_rows: r.unscoredRows, measured_rows: r.testRows } : {}),
    ...(r.stoppedRows !== undefined ? { stopped_rows: r.stoppedRows } : {}),
    ...(r.settlingRows !== undefined ? { settling_rows: r.settlingRows } : {}),
    ...(r.leftOut?.length ? { left_out: r.leftOut.map((k) => ({ channel: k.name, constant: k.value })) } : {}),
    ...(r.anomalousTrainingRows ? { anomalous_training_rows: r.anomalousTrainingRows } : {}),
    ...(r.beforeFaultFailed !== undefined ? { fit_before_fault_failed: r.beforeFaultFailed } : {}),
    ...(r.fitRows !== undefined ? { fitted_rows: r.fitRows } : {}),
    ...(r.series.changepointsFromLabels ? { changepoints_from_labels: true as const } : {}),
    ...(r.series.rowsCounted ? { rows_counted_as_samples: true as const } : {}),
    ...(r.series.runColumns
      ? { run_columns: r.series.runColumns.map((k) => ({ column: k.name, value: k.value })) }
      : {}),
    ...(r.series.textColumns
      ? {
          text_columns: r.series.textColumns.map((t) => ({
            column: t.name,
            values: [...t.values],
            distinct: t.distinct,
          })),
        }
      : {}),
    ...missingReadings(r),
    ...(r.pauses
      ? { pauses: { count: r.pauses.count, longest_at_row: r.pauses.longest.row, longest: r.pauses.longest.text } }
      : {}),
  }));
  return {
    precision,
    files: results.length,
    trainRows,
    detector,
    confusion: total,
    f1: m.f1,
    far: m.far,
    mar: m.mar,
    nab: nabNormalised(nab),
    ...operatorFigures(op),
    perFile,
    ...(notEvaluated.length > 0
      ? { not_evaluated: notEvaluated.map((n) => ({ file: relative(dir, n.file) || n.file, reason: n.reason })) }
      : {}),
  };
}
