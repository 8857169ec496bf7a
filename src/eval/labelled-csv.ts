/**
 * A labelled CSV (SKAB format: time first, one column per channel, `anomaly` and `changepoint`
 * labels) read into rows for fitting and streaming, and the operator's metrics of a prediction
 * against its labels: detection delay per labelled span, false alarms per 24 h of normal operation.
 */
import { readCsvText } from '../core/csv-file.js';
import {
  isLabelColumn,
  isNotChannel,
  parseSkabCsv,
  rowMajor,
  timesInMs,
  unitlessTimes,
  holdShortGaps,
  labelColumn,
  namesText,
  type ColumnRenames,
  type HeldReadings,
  type RunColumn,
  type TextColumn,
} from '../core/csv-table.js';
import { spanFile, spanLabels, type AnomalySpan } from './anomaly-spans.js';
import { runningRowsOf, type RunningRows } from '../core/csv-running-rows.js';
import type { RunningCondition } from '../core/running-condition.js';

export interface LabelledSeries {
  readonly file: string;
  readonly channels: readonly string[];
  /** ms since epoch, one per row. */
  readonly times: Float64Array;
  /** Time-major rows × channels. */
  readonly rows: Float64Array;
  readonly rowCount: number;
  /** The median spacing of the time column. */
  readonly periodMs: number;
  readonly anomaly: Float64Array;
  readonly changepoint: Float64Array;
  /** The file has no `changepoint` column: the changepoints are the edges of its anomaly labels. */
  readonly changepointsFromLabels?: boolean;
  /** The file has no time column: its rows were counted as samples one period apart. */
  readonly rowsCounted?: boolean;
  /** Columns before its sample counter that name the run, left out (csv-table.ts). */
  readonly runColumns?: readonly RunColumn[];
  /** Columns of text, not readings (a quality flag, a unit, a machine state), left out (csv-text-columns.ts). */
  readonly textColumns?: readonly TextColumn[];
  /** Channels with missing readings: short gaps held at the last reading, longer ones left NaN (holdShortGaps). */
  readonly missing?: readonly HeldReadings[];
  /** A units row under the header, read as the units (csv-units-row.ts): its line and the units it gave. */
  readonly unitsRow?: { readonly line: number; readonly units: readonly string[] };
  /** Each channel's unit from that row, in `channels` order ('' for none); absent without a units row. */
  readonly units?: readonly string[];
  /** Which rows run (--running-when): those that do not are neither learnt nor scored nor measured. */
  readonly running?: RunningRows;
  /** How long a missing reading was held (--max-sample-age-ms), where given: the windows' max_sample_age_ms too. */
  readonly maxSampleAgeMs?: number;
}

/**
 * Changepoints where a file gives none: each row where the anomaly label changes (a span's first row and the first
 * normal row after it), as SKAB marks a fault's start and end.
 */
export function labelEdges(anomaly: ArrayLike<number>): Float64Array {
  return Float64Array.from(anomaly, (v, i) => ((v !== 0) !== (i > 0 && anomaly[i - 1] !== 0) ? 1 : 0));
}

/**
 * `periodGivenMs`: the sample period of a file whose time column holds plain numbers (see timesInMs). A file with dates
 * gives its own times, which set the alarm's delays and the detection delays: a period that disagrees with them is
 * refused rather than mixed in.
 */
export function readLabelledCsv(
  file: string,
  text = readCsvText(file),
  periodGivenMs?: number,
  /** The period of plain-number times when none is given (a model's sample_period_ms); never checked against dates. */
  periodForPlainNumbersMs?: number,
  /** The column that labels anomalies when it is not `anomaly` (eval --label-column; its name exactly). */
  labelName?: string,
  /** Columns asked for by name (a model folder's channels, --slow-channels): channels even where isNotChannel says
   * not (a column called `label` that `train --channels` took). */
  asked: readonly string[] = [],
  /** Columns read under another name (eval --rename): `labelName` and `asked` name them by the new name. */
  rename?: ColumnRenames,
  /** The file's anomalies as spans of time (eval --anomaly, see spansByFile) where it has no label column. */
  spans?: readonly AnomalySpan[],
  /** How long a missing reading is held, as an asset's `max_sample_age_ms` (eval --max-sample-age-ms; default 5 s). */
  maxSampleAgeMs?: number,
  /** Only the rows where the machine runs are fitted on, scored and measured (eval --running-when). */
  runningWhen?: RunningCondition,
): LabelledSeries {
  // Labels are read as 0 or 1 (false or true; a fault's class number reads as 1): the metrics, the changepoints and
  // the fit's choice of normal rows read them alike (a -1/1 scikit-learn label would count as normal in one and
  // anomalous in another, so it is refused).
  const table = parseSkabCsv(text, file, {
    binaryLabels: true,
    ...(labelName ? { labelColumn: labelName } : {}),
    ...(rename ? { rename } : {}),
    ...(runningWhen ? { textCellsOf: [runningWhen.channel] } : {}),
  });
  const column = labelName ? table.columns.get(labelName) : labelColumn(table, 'anomaly');
  if (column && spans)
    throw new Error(
      `${file}: has an "${labelName ?? 'anomaly'}" column: its rows are labelled there, not by --anomaly`,
    );
  const anomaly = spans ? spanLabels(spanFile(table, file), spans) : column;
  if (!anomaly)
    throw new Error(
      labelName
        ? `${file}: no "${labelName}" column (--label-column), among ${namesText(table.header.slice(1))}`
        : `${file}: no "anomaly" column`,
    );
  const changepoint = labelColumn(table, 'changepoint');
  const channels = table.header
    .slice(1)
    .filter((h) => !isLabelColumn(h, labelName) && (!isNotChannel(h) || asked.includes(h)))
    // The running condition's column is no channel unless a model reads it.
    .filter((h) => h !== runningWhen?.channel || asked.includes(h));
  const n = table.times.length;
  // The given period scales plain numbers, and spreads dates that repeat (whole seconds at several rows a second); a
  // file with dates gives its own, which a given one replaces only where a poll of it may have spaced them, as in
  // train (see timesInMs).
  const { times, periodMs } = timesInMs(
    table,
    file,
    unitlessTimes(table) ? (periodGivenMs ?? periodForPlainNumbersMs) : periodGivenMs,
  );
  const missing = holdShortGaps(table, channels, periodMs, times, maxSampleAgeMs);
  const rows = rowMajor(table, channels);
  const running = runningWhen ? runningRowsOf(table, runningWhen, file, n) : undefined;
  return {
    file,
    channels,
    times,
    rows,
    rowCount: n,
    periodMs,
    anomaly,
    ...(changepoint ? { changepoint } : { changepoint: labelEdges(anomaly), changepointsFromLabels: true }),
    ...(table.countedRows ? { rowsCounted: true } : {}),
    ...(table.runColumns ? { runColumns: table.runColumns } : {}),
    ...(table.textColumns ? { textColumns: table.textColumns } : {}),
    ...(missing.length > 0 ? { missing } : {}),
    ...(table.unitsRow
      ? {
          unitsRow: { line: table.unitsRow.line, units: [...table.unitsRow.units.values()] },
          units: channels.map((c) => table.unitsRow!.units.get(c) ?? ''),
        }
      : {}),
    ...(running ? { running } : {}),
    ...(maxSampleAgeMs !== undefined ? { maxSampleAgeMs } : {}),
  };
}

export interface OperatorMetrics {
  /** Labelled anomaly spans, and those with an alarm inside them. */
  readonly spans: number;
  readonly detected: number;
  /** Seconds from each detected span's start to its first alarm row. */
  readonly delaysS: readonly number[];
  /** Alarms raised on a row labelled normal, and the hours of normal rows. */
  readonly falseAlarms: number;
  readonly normalHours: number;
  /** Rows labelled normal an alarm covers after it has been on in a labelled span (held past the span's end): in FP
   * and FAR, but no false alarm. */
  readonly alarmRowsPastSpan: number;
}

/** Spans, delays and false alarms of `predicted` against `labels` (same rows); `periodMs` per row. */
export function operatorMetrics(
  times: ArrayLike<number>,
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  periodMs: number,
): OperatorMetrics {
  let spans = 0;
  let detected = 0;
  const delaysS: number[] = [];
  let falseAlarms = 0;
  let normalRows = 0;
  let spanStart = -1;
  let spanHit = false;
  let alarmRowsPastSpan = 0;
  // Whether the alarm on at this row has been on in a labelled span.
  let fromSpan = false;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] > 0;
    const p = predicted[i] > 0;
    const rising = p && (i === 0 || !(predicted[i - 1] > 0));
    fromSpan = p && (l || (fromSpan && !rising));
    if (p && !l && fromSpan) alarmRowsPastSpan++;
    if (l) {
      if (spanStart < 0) {
        spanStart = i;
        spanHit = false;
        spans++;
      }
      if (p && !spanHit) {
        spanHit = true;
        detected++;
        delaysS.push((times[i] - times[spanStart]) / 1000);
      }
    } else {
      spanStart = -1;
      normalRows++;
      if (rising) falseAlarms++;
    }
  }
  return {
    spans,
    detected,
    delaysS,
    falseAlarms,
    normalHours: (normalRows * periodMs) / 3_600_000,
    alarmRowsPastSpan,
  };
}

export function addOperatorMetrics(a: OperatorMetrics, b: OperatorMetrics): OperatorMetrics {
  return {
    spans: a.spans + b.spans,
    detected: a.detected + b.detected,
    delaysS: [...a.delaysS, ...b.delaysS],
    falseAlarms: a.falseAlarms + b.falseAlarms,
    normalHours: a.normalHours + b.normalHours,
    alarmRowsPastSpan: a.alarmRowsPastSpan + b.alarmRowsPastSpan,
  };
}

/** The figures operators count: mean detection delay (s, null if nothing was detected) and false alarms per 24 h of
 * normal operation. */
export function operatorFigures(m: OperatorMetrics): {
  delay_s: number | null;
  detected_spans: string;
  false_alarms: number;
  false_alarms_per_day: number | null;
  alarm_rows_past_span: number;
} {
  const delay = m.delaysS.length > 0 ? m.delaysS.reduce((a, b) => a + b, 0) / m.delaysS.length : null;
  return {
    delay_s: delay,
    detected_spans: `${m.detected}/${m.spans}`,
    false_alarms: m.falseAlarms,
    false_alarms_per_day: m.normalHours > 0 ? (m.falseAlarms * 24) / m.normalHours : null,
    alarm_rows_past_span: m.alarmRowsPastSpan,
  };
}
