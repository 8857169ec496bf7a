/**
 * The change of a wandering channel's residual (the hybrid detector; pure).
 *
 * Channels whose residual wanders in the training rows (an ageing analyser, a valve that follows a slow disturbance)
 * are left out of the leave-one-out model: their residual would drift as they do. That also hid what a fault does to
 * them: fitted on 160 rows, one Tennessee Eastman run left out the stripper's steam valve, and the random variation of
 * fault 16, plain in that valve against the flows it sets (20-35 z), went unseen. Here each left-out channel is
 * predicted from the kept channels alone (fitLeftOutFromKept) and scored on how far its residual over the window's
 * last aeRows rows moves from its mean over as many rows before them: RMS over those rows of (residual − earlier
 * mean). A drift moves the residual little in so few rows; a fault that breaks the relation moves it at once. The term
 * also rises when a fault ends and the relation comes back, for as long as the earlier rows hold the fault: comparing
 * with the 24 rows before instead of 8 held alarms past the faults' ends (FAR on synthetic plants with ageing
 * analysers +0.3 to +1.8 points against +0.0 to +0.6; docs/detection-history.md).
 */
import type { DenseAutoencoder } from './dense-autoencoder.js';

/** The change term's z is bounded here before it is placed on its channels (a product with the placement's zeros
 * must stay 0, never NaN): far above any threshold, and its square far inside float32's range. */
export const CHANGE_Z_LIMIT = 1e15;

/**
 * Every row's residual of the left-out channels (rows × m, time-major): the model's prediction from the kept channels
 * less the channel's value. `x`: normalised rows (rows × c); `channels`: the left-out channels, in the model's output
 * order.
 */
export function leftOutResiduals(
  model: DenseAutoencoder,
  x: Float64Array,
  rows: number,
  c: number,
  channels: readonly number[],
): Float64Array {
  const m = channels.length;
  const predicted = model.reconstruct(x, rows);
  const out = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++) channels.forEach((ch, o) => (out[r * m + o] = predicted[r * m + o] - x[r * c + ch]));
  return out;
}

/** How many rows before the last aeRows the change compares them with: as many, as far as the window holds them. */
export function changeBeforeRows(windowLength: number, aeRows: number): number {
  return Math.min(aeRows, windowLength - aeRows);
}

/**
 * The change of each left-out channel's residual up to row `end` (residuals: rows × m): the RMS over the last `aeRows`
 * rows of the residual less its mean over the `beforeRows` rows before them.
 */
export function residualChange(
  residuals: Float64Array,
  end: number,
  m: number,
  aeRows: number,
  beforeRows: number,
): Float64Array {
  const first = end - aeRows - beforeRows + 1;
  const split = end - aeRows + 1;
  const before = new Float64Array(m);
  for (let r = first; r < split; r++) for (let o = 0; o < m; o++) before[o] += residuals[r * m + o] / (split - first);
  const out = new Float64Array(m);
  for (let r = split; r <= end; r++) for (let o = 0; o < m; o++) out[o] += (residuals[r * m + o] - before[o]) ** 2;
  return out.map((s) => Math.sqrt(s / aeRows));
}
