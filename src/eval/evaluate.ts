/**
 * `linewatch eval`: detection measured the way it ships. For each labelled CSV (SKAB format) either
 * fit a model on its first N rows with `fitDetector` (the code `linewatch train` runs) or take a
 * model folder as it is, then stream every row through the gateway's own code: AssetWindows (an asset's default
 * window settings: a row per batch, a window every row), the ONNX graph run by AutoencoderModel in micro-batches, and
 * the alarm state machine with the model's calibrated on/off thresholds as the causal prediction for each row.
 * Metrics cover the rows after the first N, summed over all files.
 */
import { noCompleteRowError, segmentRows, segmentsText } from '../training/segments.js';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AlarmStateMachine, clearLevel } from '../alarms/alarm-state.js';
import { DEFAULT_OFF_DELAY_MS, DEFAULT_ON_DELAY_MS } from '../alarms/schema.js';
import type { Sample, Window } from '../core/types.js';
import { windowSpanMs } from '../core/components.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { sha256Hex, type LoadedManifest, type ModelManifest } from '../inference/manifest.js';
import type { FittedModel } from '../training/build-model.js';
import { fitDetector, heldOutRowsOf, type DetectorOptions } from '../training/fit-detector.js';
import {
  csvHeader,
  heldAsText,
  pauseRows,
  pausesFound,
  refuseStepsBack,
  type HeldReadings,
  type PausesFound,
} from '../core/csv-table.js';
import { constantChannels, constantText, type ConstantChannel } from '../training/constant-channels.js';
import { AssetWindows } from '../windows/asset-windows.js';
import { windowSchema } from '../windows/schema.js';
import {
  addOperatorMetrics,
  operatorFigures,
  operatorMetrics,
  type LabelledSeries,
  type OperatorMetrics,
} from './labelled-csv.js';
import {
  addConfusion,
  addNab,
  confusion,
  nabNormalised,
  nabTally,
  pointwise,
  type Confusion,
  type NabTally,
} from './metrics.js';

export type Precision = 'int8' | 'fp32';

export interface FileResult {
  readonly file: string;
  readonly testRows: number;
  readonly confusion: Confusion;
  readonly f1: number;
  readonly far: number;
  readonly nab: NabTally;
  readonly operator: OperatorMetrics;
  /** Per row: the alarm condition (1 active), and the score (NaN before the first window). */
  readonly predictions: Uint8Array;
  readonly scores: Float64Array;
  readonly threshold: number;
  readonly offThreshold: number;
  readonly series: LabelledSeries;
  /** The channels the model reads: the file's missing readings are reported for these only. */
  readonly channels: readonly string[];
  /** Channels of the file left out of its fitted model, constant in the rows it learnt from (learnableChannels). */
  readonly leftOut?: readonly ConstantChannel[];
  /** Its pauses (pausesFound): no window spans one. */
  readonly pauses?: PausesFound;
  /** Rows among those its model was fitted on that the file labels anomalous: learnt as normal. */
  readonly anomalousTrainingRows?: number;
  /** Why its model could not be fitted on the rows before its first anomaly (see FileFit). */
  readonly beforeFaultFailed?: string;
  /** Rows its model was fitted on, where fewer than the training rows (those before its first labelled anomaly). */
  readonly fitRows?: number;
}

/** Every CSV file under `dir` (or `dir` itself, a file), sorted; `.csv` or `.tsv` (tab-separated) in any case. */
export function csvFilesUnder(dir: string): string[] {
  return filesUnder(dir, /\.[ct]sv$/i);
}

/** Every file under `dir` (or `dir` itself, a file) whose name matches `name`, sorted. */
export function filesUnder(dir: string, name: RegExp): string[] {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) throw new Error(`--data ${dir}: no such file or folder`);
  if (info.isFile()) return [dir];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      const info = statSync(p);
      if (info.isDirectory()) walk(p);
      // A FIFO or a socket named .csv would block the header read: regular files only.
      else if (info.isFile() && name.test(entry)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Whether a CSV's header has the anomaly label column (in any case: `Anomaly`), or the one `labelName` names. */
export const hasLabels = (path: string, labelName?: string): boolean =>
  csvHeader(path).some((h) => (labelName ? h === labelName : h.toLowerCase() === 'anomaly'));

/**
 * The manifest of a model's fp32 twin: its file and hash; the golden window (the int8 graph's
 * score) is not checked against it.
 */
export function fp32Manifest(m: ModelManifest, fp32Sha256: string): ModelManifest {
  return { ...m, file: m.fp32_file!, sha256: fp32Sha256, golden: { ...m.golden, tolerance: Number.MAX_VALUE } };
}

/** A fitted model's graph of the given precision, as the gateway would load it. */
export function inMemoryModel(f: FittedModel, precision: Precision, where: string): LoadedManifest {
  const bytes = precision === 'int8' ? f.int8 : f.fp32;
  const manifest = precision === 'int8' ? f.manifest : fp32Manifest(f.manifest, sha256Hex(bytes));
  return { manifest, manifestPath: `${where} (in memory)`, modelPath: `${where} (in memory)`, modelBytes: bytes };
}

/**
 * The channels of a series that a model fitted on its first `trainRows` rows can learn: those that vary in the rows
 * it learns from (the first trainRows minus the held-out share). A channel that never changes there has no spread to
 * learn (`train --csv` refuses it and names `--channels`); eval leaves it out of that file's model, as `--channels`
 * would, and reports it, so one constant column does not stop a whole evaluation.
 */
export function learnableChannels(
  series: LabelledSeries,
  trainRows: number,
  validationFraction: number,
): { channels: string[]; constant: ConstantChannel[]; learnFrom: number } {
  const learnFrom = trainRows - heldOutRowsOf(trainRows, validationFraction);
  const constant = constantChannels(series, Math.min(learnFrom, series.rowCount));
  const names = new Set(constant.map((k) => k.name));
  return { channels: series.channels.filter((ch) => !names.has(ch)), constant, learnFrom };
}

/**
 * Why a file cannot be evaluated, or undefined if it can: no rows after the training rows (nothing to measure), or,
 * when a model is to be fitted on it (`validationFraction` given), no channel that varies in its training rows (nothing
 * to learn). eval names such a file and goes on with the others, so one short or dead recording does not stop a run.
 */
export function whyNotEvaluated(
  series: LabelledSeries,
  trainRows: number,
  validationFraction?: number,
): string | undefined {
  if (series.rowCount <= trainRows)
    return `it has ${series.rowCount} rows, none after the first ${trainRows} (--train-rows) to measure on`;
  if (validationFraction === undefined) return undefined;
  const { channels, constant, learnFrom } = learnableChannels(series, trainRows, validationFraction);
  if (channels.length === 0)
    return `every channel is constant in the first ${learnFrom} rows, those a model learns from (${constant.map(constantText).join(', ')}): nothing to learn`;
  return undefined;
}

/** Fits on the first `trainRows` rows of a series with the options `linewatch train` uses, on its learnable
 * channels. */
export async function fitOnSeries(
  series: LabelledSeries,
  trainRows: number,
  options: DetectorOptions,
): Promise<FittedModel> {
  if (trainRows >= series.rowCount)
    throw new Error(
      `${series.file}: --train-rows ${trainRows} leaves no rows to evaluate (the file has ${series.rowCount})`,
    );
  // As train: the rows of a gap longer than the gateway holds a reading are left out, and the rows learnt from in
  // segments around it and around pauses (segments.ts); rows that go back in time are refused.
  refuseStepsBack(series.times, trainRows, series.file, series.periodMs);
  const c = series.channels.length;
  const { channels, constant } = learnableChannels(series, trainRows, options.validationFraction);
  if (channels.length === 0)
    throw new Error(
      `${series.file}: every channel (${constant.map(constantText).join(', ')}) is constant in the rows a model learns from; nothing to fit`,
    );
  const index = channels.map((ch) => series.channels.indexOf(ch));
  const rows = new Float64Array(trainRows * channels.length);
  for (let t = 0; t < trainRows; t++)
    index.forEach((from, j) => (rows[t * channels.length + j] = series.rows[t * c + from]));
  const segmented = segmentRows(rows, channels.length, series.times, series.periodMs, trainRows);
  if (segmented.rowCount === 0) throw noCompleteRowError(series.file, rows, channels, trainRows);
  const breaks = segmentsText(segmented);
  return fitDetector(
    {
      name: 'eval',
      source: `${series.file}: first ${trainRows} rows${breaks ? ` (${breaks})` : ''}`,
      channels,
      periodMs: series.periodMs,
      rows: segmented.rows,
      rowCount: segmented.rowCount,
      ...(segmented.segmentStarts.length > 0 ? { segmentStarts: segmented.segmentStarts } : {}),
      ...(segmented.sourceRows ? { sourceRows: segmented.sourceRows } : {}),
    },
    options,
  );
}

/** A file's model as eval fits it, and what it could not learn. */
export interface FileFit {
  readonly fitted: FittedModel;
  /** Rows it was fitted on: the first trainRows, or the rows before the file's first labelled anomaly if that comes
   * sooner (and they are enough to fit on). */
  readonly fitRows: number;
  /** Channels constant in the rows it learnt from, left out of it (learnableChannels). */
  readonly leftOut: readonly ConstantChannel[];
  /** Rows it was fitted on that the file labels anomalous: learnt as normal (when the rows before the first anomaly
   * could not be fitted on). */
  readonly anomalousTrainingRows: number;
  /** Why the rows before the first anomaly could not be fitted on, when they could not. */
  readonly beforeFaultFailed?: string;
}

/**
 * The rows among the first `rows` that the file labels anomalous and a model fitted on them learns from: those with a
 * reading of every channel it reads (the others are left out, segments.ts).
 */
function anomalousRowsLearnt(series: LabelledSeries, rows: number, validationFraction: number): number {
  const c = series.channels.length;
  const read = learnableChannels(series, rows, validationFraction).channels.map((ch) => series.channels.indexOf(ch));
  let count = 0;
  for (let t = 0; t < rows; t++)
    if (series.anomaly[t] !== 0 && read.every((j) => !Number.isNaN(series.rows[t * c + j]))) count++;
  return count;
}

/**
 * Fits a file's model on its normal start: the first `trainRows` rows, or, where the file labels an anomaly among them,
 * the rows before it, so that a fault that starts early (Tennessee Eastman test runs start theirs at row 160) is not
 * learnt as normal operation. The metrics still cover the rows after the first `trainRows`. If the rows before the
 * anomaly cannot be fitted on (too few), the first `trainRows` are, and the anomalous ones among them are counted.
 */
export async function fitFileModel(
  series: LabelledSeries,
  trainRows: number,
  options: DetectorOptions,
): Promise<FileFit> {
  const fit = async (rows: number, anomalousTrainingRows: number, beforeFaultFailed?: string): Promise<FileFit> => ({
    fitted: await fitOnSeries(series, rows, options),
    fitRows: rows,
    leftOut: learnableChannels(series, rows, options.validationFraction).constant,
    anomalousTrainingRows,
    ...(beforeFaultFailed !== undefined ? { beforeFaultFailed } : {}),
  });
  if (trainRows >= series.rowCount) return fit(trainRows, 0); // refused, naming the file
  const first = series.anomaly.subarray(0, trainRows).findIndex((v) => v !== 0);
  if (first < 0) return fit(trainRows, 0);
  try {
    return await fit(first, 0);
  } catch (err) {
    const anomalous = anomalousRowsLearnt(series, trainRows, options.validationFraction);
    const why = (err as Error).message;
    try {
      return await fit(trainRows, anomalous, why);
    } catch (again) {
      throw new Error(
        `${series.file}: neither the ${first} rows before its first labelled anomaly can be fitted on (${why}) nor its first ${trainRows} (${(again as Error).message})`,
      );
    }
  }
}

/** NAB's changepoint window in sample periods. */
export const NAB_WINDOW_PERIODS = 60;

/**
 * NAB over scored rows, their times in ms as the file gives them. Not converted to seconds: windows that touch (a
 * changepoint a window's span after another) must meet exactly for a change there to count in both, as in the
 * reference's exact times, and t / 1000 + window does not meet (t + window) / 1000 in floating point at every period.
 */
export function nabOverRows(
  timesMs: ArrayLike<number>,
  changepoints: ArrayLike<number>,
  predicted: ArrayLike<number>,
  periodMs: number,
): NabTally {
  return nabTally(timesMs, changepoints, predicted, NAB_WINDOW_PERIODS * periodMs);
}

/** The alarm's on and off delays (ms), as an asset's `alarm.on_delay_ms` and `off_delay_ms`, and its sustain time
 * (`alarm.sustain_ms`; undefined: the model's window span, as the daemon's default). */
export interface AlarmDelays {
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly sustainMs?: number;
}

/** The delays an asset's alarm has unless configured, so `eval` measures what the daemon raises by default. */
export const DAEMON_ALARM_DELAYS: AlarmDelays = { onDelayMs: DEFAULT_ON_DELAY_MS, offDelayMs: DEFAULT_OFF_DELAY_MS };

/**
 * The daemon's alarm over scored rows (NaN: no window yet), as the asset pipeline runs it: on and off at the model's
 * calibrated thresholds with the given delays and sustain time (undefined or 0: none). Per row, 1 while the alarm
 * condition is active.
 */
export function alarmOverRows(
  times: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  offThreshold: number,
  delays: AlarmDelays,
  /** Where a raised alarm clears when below offThreshold (the model's clear threshold). */
  clearThreshold?: number,
): Uint8Array {
  const alarm = new AlarmStateMachine({ ...delays, latching: false, maxShelveMs: 1 });
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      alarm.handle({ kind: 'gap', ts: times[i] });
      continue;
    }
    alarm.handle({
      kind: 'score',
      ts: times[i],
      score: scores[i],
      threshold,
      offThreshold,
      ...(clearThreshold !== undefined ? { clearThreshold } : {}),
    });
    out[i] = alarm.conditionActive ? 1 : 0;
  }
  return out;
}

/** Streams every row of a series through a model and the alarm; metrics on the rows after `skipRows`. */
export async function streamSeries(
  series: LabelledSeries,
  loaded: LoadedManifest,
  skipRows: number,
  delays: AlarmDelays = DAEMON_ALARM_DELAYS,
): Promise<FileResult> {
  const { file, channels, rowCount: n, times } = series;
  const c = channels.length;
  const model = await AutoencoderModel.load(loaded, { asset: 'eval' });
  const missing = model.channels.filter((ch) => !channels.includes(ch));
  if (missing.length > 0) {
    await model.close();
    throw new Error(
      `${file}: the model ${loaded.manifest.name} needs channel(s) ${missing.join(', ')}, the file has ${channels.join(', ')}` +
        heldAsText(missing, series.textColumns),
    );
  }
  const index = model.channels.map((ch) => channels.indexOf(ch));
  // The asset pipeline's own windows, at an asset's default settings (one row per batch, a window every row): after a
  // pause no window spans it, the window fills again, as a gateway's does after a restart or an outage.
  const slider = new AssetWindows('eval', model.channels, model.windowLength, windowSchema.parse({}), series.periodMs);
  const windows: Window[] = [];
  // The row each window ends on, in window order (scores come back in that order): by row, not by time, so rows that
  // repeat a time or go back (a daylight-saving change in a local-time export) keep their own score.
  const windowRow: number[] = [];
  for (let i = 0; i < n; i++) {
    const batch: Sample[] = model.channels.map((channel, j) => ({
      source: 'csv',
      asset: 'eval',
      channel,
      ts: times[i],
      value: series.rows[i * c + index[j]],
      quality: 'good',
    }));
    for (const outcome of slider.push(batch))
      if (outcome.kind === 'window') {
        windows.push(outcome.window);
        windowRow.push(i);
      }
  }
  const scores = new Float64Array(n).fill(Number.NaN);
  try {
    for (let b = 0; b < windows.length; b += 256)
      (await model.score(windows.slice(b, b + 256))).forEach((r, k) => (scores[windowRow[b + k]] = r.score));
  } finally {
    await model.close();
  }
  const off = clearLevel({}, model.threshold, model.offThreshold);
  const predictions = alarmOverRows(
    times,
    scores,
    model.threshold,
    off,
    { ...delays, sustainMs: delays.sustainMs ?? windowSpanMs(model) },
    model.clearThreshold,
  );
  const labels = series.anomaly.subarray(skipRows);
  const pred = predictions.subarray(skipRows);
  const conf = confusion(labels, pred);
  // NAB's window: 60 sample periods (60 s on SKAB, 3 h at one row every 3 minutes), so that a detection in the first
  // rows after a changepoint counts wherever the plant samples slowly; a fixed 60 s ended before the first possible
  // alarm on such a plant and scored every detection as a miss and a false positive.
  const nab = nabOverRows(times.subarray(skipRows), series.changepoint.subarray(skipRows), pred, series.periodMs);
  const operator = operatorMetrics(times.subarray(skipRows), labels, pred, series.periodMs);
  const m = pointwise(conf);
  const pauses = pausesFound(times, pauseRows(times, series.periodMs));
  return {
    file,
    testRows: n - skipRows,
    confusion: conf,
    f1: m.f1,
    far: m.far,
    nab,
    operator,
    predictions,
    scores,
    threshold: model.threshold,
    offThreshold: off,
    series,
    channels: model.channels,
    ...(pauses ? { pauses } : {}),
  };
}

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
  let op: OperatorMetrics = { spans: 0, detected: 0, delaysS: [], falseAlarms: 0, normalHours: 0 };
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
