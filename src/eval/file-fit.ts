/**
 * A labelled file's model as eval fits it, with the code `linewatch train` runs: on the channels that vary in the rows
 * it learns from, on the rows before the file's first labelled anomaly where there are enough, and why a file cannot
 * be evaluated at all.
 */
import type { FittedModel } from '../training/build-model.js';
import { refuseStepsBack } from '../core/csv-table.js';
import { constantChannels, constantText, type ConstantChannel } from '../training/constant-channels.js';
import { fitDetector, learntRowsOf, type DetectorOptions } from '../training/fit-detector.js';
import { noCompleteRowError, segmentRows, segmentsText } from '../training/segments.js';
import type { LabelledSeries } from './labelled-csv.js';
import { runningConditionText } from '../core/running-condition.js';

/** What decides which rows a fit learns a channel's spread from (learntRowsOf): its architecture and held-out share. */
type FitRows = Pick<DetectorOptions, 'arch' | 'validationFraction'>;

/**
 * The channels of a series that a model fitted on its first `trainRows` rows can learn: those that vary in the rows
 * it learns from (learntRowsOf: all of them for hybrid and stats, those before the held-out share for dense and
 * conv1d). A channel that never changes there has no spread to learn; eval leaves it out of that file's model, as
 * `--channels` would, and reports it (as train does), so one constant column does not stop a whole evaluation.
 */
export function learnableChannels(
  series: LabelledSeries,
  trainRows: number,
  fit: FitRows,
): { channels: string[]; constant: ConstantChannel[]; learnFrom: number } {
  const learnFrom = learntRowsOf(fit, trainRows);
  const constant = constantChannels(runningRows(series), Math.min(learnFrom, series.rowCount));
  const names = new Set(constant.map((k) => k.name));
  return { channels: series.channels.filter((ch) => !names.has(ch)), constant, learnFrom };
}

/** A series' rows with those of a stopped (or settling) machine (--running-when) as no reading (NaN): the fit leaves
 * them out. */
function runningRows(series: LabelledSeries): Pick<LabelledSeries, 'channels' | 'rows' | 'rowCount' | 'periodMs'> {
  const running = series.running?.running;
  if (!running || (series.running!.stoppedRows === 0 && !series.running!.settlingRows)) return series;
  const c = series.channels.length;
  const rows = Float64Array.from(series.rows);
  running.forEach((r, t) => r === 0 && rows.fill(Number.NaN, t * c, (t + 1) * c));
  return { channels: series.channels, rows, rowCount: series.rowCount, periodMs: series.periodMs };
}

/**
 * Why a file cannot be evaluated, or undefined if it can: no rows after the training rows (nothing to measure), or,
 * when a model is to be fitted on it (`fit` given), no channel that varies in its training rows (nothing
 * to learn). eval names such a file and goes on with the others, so one short or dead recording does not stop a run.
 */
export function whyNotEvaluated(series: LabelledSeries, trainRows: number, fit?: FitRows): string | undefined {
  if (series.rowCount <= trainRows)
    return `it has ${series.rowCount} rows, none after the first ${trainRows} (--train-rows) to measure on`;
  if (fit === undefined) return undefined;
  const { channels, constant, learnFrom } = learnableChannels(series, trainRows, fit);
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
  const { channels, constant } = learnableChannels(series, trainRows, options);
  if (channels.length === 0)
    throw new Error(
      `${series.file}: every channel (${constant.map(constantText).join(', ')}) is constant in the rows a model learns from; nothing to fit`,
    );
  const index = channels.map((ch) => series.channels.indexOf(ch));
  const rows = new Float64Array(trainRows * channels.length);
  for (let t = 0; t < trainRows; t++)
    index.forEach((from, j) => (rows[t * channels.length + j] = series.rows[t * c + from]));
  // Rows of a stopped machine (--running-when) are left out as a pause is.
  const running = series.running?.running.subarray(0, trainRows);
  const segmented = segmentRows(rows, channels.length, series.times, series.periodMs, trainRows, running);
  if (segmented.rowCount === 0 && segmented.stoppedRows)
    throw new Error(
      `${series.file}: none of the first ${trainRows} rows runs with a reading of every channel (--running-when ${runningConditionText(series.running!.condition)}): nothing to fit`,
    );
  if (segmented.rowCount === 0) throw noCompleteRowError(series.file, rows, channels, trainRows);
  const settling = series.running?.settling?.subarray(0, trainRows).reduce((a, b) => a + b, 0);
  const breaks = segmentsText(segmented, settling);
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
      // The units a file's units row gave (the model records them, as train's does; the report shows them).
      ...(series.units ? { units: index.map((j) => series.units![j]) } : {}),
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
 * reading of every channel it reads, of a running machine (the others are left out, segments.ts).
 */
function anomalousRowsLearnt(series: LabelledSeries, rows: number, fit: FitRows): number {
  const c = series.channels.length;
  const read = learnableChannels(series, rows, fit).channels.map((ch) => series.channels.indexOf(ch));
  let count = 0;
  for (let t = 0; t < rows; t++)
    if (
      series.anomaly[t] !== 0 &&
      series.running?.running[t] !== 0 &&
      read.every((j) => !Number.isNaN(series.rows[t * c + j]))
    )
      count++;
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
    leftOut: learnableChannels(series, rows, options).constant,
    anomalousTrainingRows,
    ...(beforeFaultFailed !== undefined ? { beforeFaultFailed } : {}),
  });
  if (trainRows >= series.rowCount) return fit(trainRows, 0); // refused, naming the file
  const first = series.anomaly.subarray(0, trainRows).findIndex((v) => v !== 0);
  if (first < 0) return fit(trainRows, 0);
  try {
    return await fit(first, 0);
  } catch (err) {
    const anomalous = anomalousRowsLearnt(series, trainRows, options);
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
