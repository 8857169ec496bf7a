/**
 * One labelled file streamed through the gateway's own code: AssetWindows (an asset's default window settings: a row
 * per batch, a window every row), the ONNX graph run by AutoencoderModel in micro-batches, and the daemon's alarm as
 * the causal prediction for each row; its metrics on the rows after the training rows.
 */
import { clearLevel } from '../alarms/alarm-state.js';
import { windowSpanMs } from '../core/components.js';
import { heldAsText, pauseRows, pausesFound, type PausesFound } from '../core/csv-table.js';
import type { Sample, Window } from '../core/types.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import type { LoadedManifest } from '../inference/manifest.js';
import type { ConstantChannel } from '../training/constant-channels.js';
import { AssetWindows, type AssetWindowOutcome } from '../windows/asset-windows.js';
import { windowSchema } from '../windows/schema.js';
import { rowTime } from '../windows/source-rows.js';
import { alarmCauses, TopContributors, type AlarmCause } from './alarm-causes.js';
import { alarmOverRows, DAEMON_ALARM_DELAYS, type AlarmDelays } from './alarm-over-rows.js';
import { operatorMetrics, type LabelledSeries, type OperatorMetrics } from './labelled-csv.js';
import { confusion, nabTally, pointwise, type Confusion, type NabTally } from './metrics.js';

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
  /** Why its model could not be fitted on the rows before its first anomaly (see FileFit, file-fit.ts). */
  readonly beforeFaultFailed?: string;
  /** Rows its model was fitted on, where fewer than the training rows (those before its first labelled anomaly). */
  readonly fitRows?: number;
  /** Each alarm's first row and the channels with the largest share of the score there (the report's "why"). */
  readonly alarmCauses?: readonly AlarmCause[];
  /** Rows after the training rows with no score (no full window there: see unscoredRows); absent where none. */
  readonly unscoredRows?: number;
  /** Rows after the training rows left out as not running (--running-when): not scored, not in any metric. */
  readonly stoppedRows?: number;
  /** Of those, rows that ran but within the settle time after a restart (--running-settle-ms); absent without one. */
  readonly settlingRows?: number;
}

/** The rows from `from` with no score (NaN): no full window ended there (a missing reading longer than the hold, a
 * pause and the window's refill after it), so no alarm could be raised there and they count as predicted normal. */
export function unscoredRows(scores: Float64Array, from: number, running?: ArrayLike<number>): number {
  let n = 0;
  for (let i = from; i < scores.length; i++) if (Number.isNaN(scores[i]) && running?.[i] !== 0) n++;
  return n;
}

/** The rows from `from` that run (all of them without a condition): those the metrics measure. */
export function measuredRows(n: number, from: number, running?: ArrayLike<number>): number[] {
  const rows: number[] = [];
  for (let i = from; i < n; i++) if (running?.[i] !== 0) rows.push(i);
  return rows;
}

/** `values` at `rows`, or its rows from `from` where every one is measured. */
function atRows<T extends Float64Array | Uint8Array>(values: T, rows: readonly number[], from: number): T {
  if (rows.length === values.length - from) return values.subarray(from) as T;
  const out = new (values.constructor as new (n: number) => T)(rows.length);
  rows.forEach((r, k) => (out[k] = values[r]));
  return out;
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
  // The asset pipeline's own windows, at an asset's default settings (one row per batch, a window every row) but the
  // hold the file was read with (--max-sample-age-ms): after a pause no window spans it, the window fills again, as a
  // gateway's does after a restart or an outage.
  const settings = windowSchema.parse(
    series.maxSampleAgeMs !== undefined ? { max_sample_age_ms: series.maxSampleAgeMs } : {},
  );
  const newSlider = () => new AssetWindows('eval', model.channels, model.windowLength, settings, series.periodMs);
  let slider = newSlider();
  // Rows of a stopped machine (--running-when) are not pushed: the window starts anew when it runs again, as after a
  // gateway's restart, so no window spans a stop.
  const running = series.running?.running;
  let stopped = false;
  const windows: Window[] = [];
  // The row each window ends on, in window order (scores come back in that order): by row, not by time, so rows that
  // repeat a time or go back (a daylight-saving change in a local-time export) keep their own score.
  const windowRow: number[] = [];
  const take = (outcomes: readonly AssetWindowOutcome[], row: number) => {
    for (const outcome of outcomes)
      if (outcome.kind === 'window') {
        windows.push(outcome.window);
        windowRow.push(row);
      }
  };
  // A row the windows hold back for the next (a row of held values after rows that came late: source-rows.ts), and
  // its index: let go before the next row where that row does not overtake it (rowTime: not late behind it), so that
  // its window is its own row's, not the next row's (until 2026-12-08 the next row's score took its place, and the
  // held row went unscored); let go at a stop and at the end of the file, as the gateway lets it go as it stops.
  let heldRow = -1;
  const release = () => {
    if (slider.holding !== undefined) take(slider.release(), heldRow);
  };
  for (let i = 0; i < n; i++) {
    if (running?.[i] === 0) {
      if (!stopped) release();
      stopped = true;
      continue;
    }
    if (stopped) slider = newSlider();
    stopped = false;
    const held = slider.holding;
    if (held !== undefined && rowTime(held.ts, times[i], settings.max_sample_age_ms).late === undefined) release();
    const batch: Sample[] = model.channels.map((channel, j) => ({
      source: 'csv',
      asset: 'eval',
      channel,
      ts: times[i],
      value: series.rows[i * c + index[j]],
      quality: 'good',
    }));
    take(slider.push(batch), i);
    if (slider.holding !== undefined) heldRow = i;
  }
  release();
  const scores = new Float64Array(n).fill(Number.NaN);
  const tops = new TopContributors(model.channels, n);
  try {
    for (let b = 0; b < windows.length; b += 256)
      (await model.score(windows.slice(b, b + 256))).forEach((r, k) => {
        scores[windowRow[b + k]] = r.score;
        tops.set(windowRow[b + k], r.contributions);
      });
  } finally {
    await model.close();
  }
  const off = clearLevel({}, model.threshold, model.offThreshold);
  const predictions = alarmOverRows(
    times,
    scores,
    model.threshold,
    off,
    delays,
    model.clearThreshold,
    windowSpanMs(model),
  );
  // The metrics measure the rows after the training rows that run (all of them without --running-when).
  const measured = measuredRows(n, skipRows, running);
  const labels = atRows(series.anomaly, measured, skipRows);
  const pred = atRows(predictions, measured, skipRows);
  const measuredTimes = atRows(times, measured, skipRows);
  const conf = confusion(labels, pred);
  // NAB's window: 60 sample periods (60 s on SKAB, 3 h at one row every 3 minutes), so that a detection in the first
  // rows after a changepoint counts wherever the plant samples slowly; a fixed 60 s ended before the first possible
  // alarm on such a plant and scored every detection as a miss and a false positive.
  const nab = nabOverRows(measuredTimes, atRows(series.changepoint, measured, skipRows), pred, series.periodMs);
  const operator = operatorMetrics(measuredTimes, labels, pred, series.periodMs);
  const m = pointwise(conf);
  const pauses = pausesFound(times, pauseRows(times, series.periodMs));
  const unscored = unscoredRows(scores, skipRows, running);
  const settling = series.running?.settling;
  let settlingRows = 0;
  for (let i = skipRows; settling && i < n; i++) settlingRows += settling[i];
  const stoppedRows = n - skipRows - measured.length - settlingRows;
  return {
    file,
    testRows: measured.length,
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
    alarmCauses: alarmCauses(predictions, tops),
    ...(unscored > 0 ? { unscoredRows: unscored } : {}),
    ...(series.running ? { stoppedRows } : {}),
    ...(settling ? { settlingRows } : {}),
  };
}
