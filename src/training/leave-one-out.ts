/**
 * A linear leave-one-out autoencoder (pure): every channel rebuilt from all the OTHER channels of the
 * same row, by ridge regression, as a one-layer DenseAutoencoder whose weight matrix has a zero
 * diagonal (so it cannot copy a channel to itself). Where channels are correlated (a process plant's
 * flows, pressures and valves), this predicts each one far better than a bottleneck does, so a channel
 * that leaves its relation to the others (a decoupled sensor, a valve that moves alone) stands out.
 *
 * Closed form: with P = (C + λI)⁻¹ for the rows' covariance C, the regression of channel j on the
 * others has coefficients −P_ij / P_jj (the partial-regression identity of the precision matrix).
 * λ is not a constant: it is chosen on the rows themselves, for each channel the value of a log grid
 * with the smallest squared error of that channel in each block predicted by the other blocks' fit
 * (cross-validation).
 */
import { DenseAutoencoder } from './dense-autoencoder.js';
import { reconstructionError } from './fit.js';

/** Inverse of a symmetric positive-definite d × d matrix (Gauss–Jordan with partial pivoting). */
export function invert(a: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * d + col]) > Math.abs(m[pivot * d + col])) pivot = r;
    if (!(Math.abs(m[pivot * d + col]) > 0)) throw new RangeError('matrix is singular');
    if (pivot !== col)
      for (let k = 0; k < d; k++) {
        [m[col * d + k], m[pivot * d + k]] = [m[pivot * d + k], m[col * d + k]];
        [inv[col * d + k], inv[pivot * d + k]] = [inv[pivot * d + k], inv[col * d + k]];
      }
    // Columns before `col` are eliminated: the pivot row holds 0 there, so its updates would leave them as they are.
    const p = m[col * d + col];
    for (let k = col; k < d; k++) m[col * d + k] /= p;
    for (let k = 0; k < d; k++) inv[col * d + k] /= p;
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * d + col];
      if (f === 0) continue;
      for (let k = col; k < d; k++) m[r * d + k] -= f * m[col * d + k];
      for (let k = 0; k < d; k++) inv[r * d + k] -= f * inv[col * d + k];
    }
  }
  return inv;
}

/** Row-major rows × d: mean and covariance. */
function moments(x: Float64Array, rows: number, d: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let i = 0; i < d; i++) mean[i] += x[r * d + i] / rows;
  const cov = new Float64Array(d * d);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < d; i++) {
      const xi = x[r * d + i] - mean[i];
      for (let j = 0; j <= i; j++) cov[i * d + j] += (xi * (x[r * d + j] - mean[j])) / rows;
    }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[j * d + i] = cov[i * d + j];
  return { mean, cov };
}

/**
 * (C + λ·v·I)⁻¹ for a d × d covariance C with mean variance v, as a function of λ: one inversion per distinct λ
 * (cached).
 */
function ridgedInverses(cov: Float64Array, d: number): (lambda: number) => Float64Array {
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  const inverse = new Map<number, Float64Array>();
  return (l) => {
    if (!inverse.has(l)) {
      const ridged = Float64Array.from(cov);
      const ridge = Math.max(l * (trace / d), 1e-12);
      for (let i = 0; i < d; i++) ridged[i * d + i] += ridge;
      inverse.set(l, invert(ridged, d));
    }
    return inverse.get(l)!;
  };
}

/** A ridge λ per channel (in units of the mean variance), or one for all. */
export type Ridge = number | readonly number[];

const ridgeOf = (lambda: Ridge, channel: number): number => (typeof lambda === 'number' ? lambda : lambda[channel]);

/**
 * The leave-one-out autoencoder fitted on rows (row-major, rows × d) with ridge λ (in units of the mean variance), one
 * for all channels or each channel's own: channel j's coefficients come from (C + λ_j I)⁻¹, one inversion per distinct
 * λ.
 */
export function fitLeaveOneOut(x: Float64Array, rows: number, d: number, lambda: Ridge): DenseAutoencoder {
  const { mean, cov } = moments(x, rows, d);
  return leaveOneOutFrom(mean, ridgedInverses(cov, d), d, lambda);
}

/** The leave-one-out autoencoder of rows with mean `mean` and ridged inverse covariances `precisionAt`. */
function leaveOneOutFrom(
  mean: Float64Array,
  precisionAt: (lambda: number) => Float64Array,
  d: number,
  lambda: Ridge,
): DenseAutoencoder {
  // weights [in i, out j] = −P_ij / P_jj, zero diagonal; bias so the prediction is centred on the mean
  const weights = new Float64Array(d * d);
  const bias = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const p = precisionAt(ridgeOf(lambda, j));
    bias[j] = mean[j];
    for (let i = 0; i < d; i++) {
      if (i === j) continue;
      const w = -p[i * d + j] / p[j * d + j];
      weights[i * d + j] = w;
      bias[j] -= w * mean[i];
    }
  }
  return DenseAutoencoder.fromLayers([{ inputs: d, outputs: d, relu: false, weights, bias }]);
}

/** Ridge values tried, in units of the mean variance: a log grid, not a tuned value. */
export const RIDGE_GRID = [1e-4, 1e-3, 1e-2, 1e-1, 1];

/** Rows x (row-major, d columns) split at the block [from, to): the other rows, to fit on, and the block's. */
function splitBlock(x: Float64Array, d: number, from: number, to: number) {
  const rows = x.length / d;
  const train = new Float64Array((rows - (to - from)) * d);
  train.set(x.subarray(0, from * d));
  train.set(x.subarray(to * d, rows * d), from * d);
  return { train, trainRows: rows - (to - from), held: x.subarray(from * d, to * d) };
}

/**
 * Out of fold: for each [from, to) block of rows (row-major, d columns), the block's rows minus their prediction by a
 * fit with ridge λ on the other rows; rows in no block stay zero.
 */
export function outOfFoldResiduals(
  x: Float64Array,
  d: number,
  lambda: Ridge,
  blocks: readonly (readonly [number, number])[],
): Float64Array {
  const out = new Float64Array(x.length);
  for (const [from, to] of blocks) {
    const { train, trainRows, held } = splitBlock(x, d, from, to);
    const recon = fitLeaveOneOut(train, trainRows, d, lambda).reconstruct(held, to - from);
    for (let k = 0; k < held.length; k++) out[from * d + k] = held[k] - recon[k];
  }
  return out;
}

/** Each channel's squared error out of fold (each block predicted by a fit on the other rows), for each ridge of
 * RIDGE_GRID: [ridge][channel]. Each block's moments are computed once for every ridge (blocks in row order, so each
 * channel's errors are summed in row order, as outOfFoldResiduals' rows would be). The blocks must not overlap
 * (crossFitBlocks' never do): a row in two blocks would count twice here, once in outOfFoldResiduals. */
function crossValidatedErrors(x: Float64Array, d: number, blocks: readonly (readonly [number, number])[]): number[][] {
  const errors = RIDGE_GRID.map(() => new Array<number>(d).fill(0));
  for (const [from, to] of [...blocks].sort((a, b) => a[0] - b[0])) {
    const { train, trainRows, held } = splitBlock(x, d, from, to);
    const { mean, cov } = moments(train, trainRows, d);
    const precisionAt = ridgedInverses(cov, d);
    RIDGE_GRID.forEach((lambda, g) => {
      const recon = leaveOneOutFrom(mean, precisionAt, d, lambda).reconstruct(held, to - from);
      for (let k = 0; k < held.length; k++) {
        const e = held[k] - recon[k];
        errors[g][k % d] += e * e;
      }
    });
  }
  return errors;
}

/**
 * λ for each channel from the rows (row-major, d columns): for each [from, to) block of rows, fit on the others and
 * measure each channel's squared error on the block; per channel, the λ with the smallest total wins (ties to the
 * larger, smoother fit). Each channel's regression is its own problem: one channel recorded coarsely (an analyser
 * that holds its reading) asks for a larger λ than a clean flow, and one λ for all would make the flow's prediction
 * as coarse.
 */
export function chooseRidge(x: Float64Array, d: number, blocks: readonly (readonly [number, number])[]): number[] {
  const errors = crossValidatedErrors(x, d, blocks);
  return Array.from({ length: d }, (_, j) => {
    let best = RIDGE_GRID.length - 1;
    for (let i = RIDGE_GRID.length - 2; i >= 0; i--) if (errors[i][j] < errors[best][j]) best = i;
    return RIDGE_GRID[best];
  });
}

/**
 * How the fit behaves over the ridge grid, for a person (the report's fit chart; the closed-form fit has no epochs):
 * for each ridge, one for every channel, the mean squared error per value of a fit on all the rows (training) and
 * out of fold (validation, as chooseRidge measures it).
 */
export function ridgeCurve(
  x: Float64Array,
  d: number,
  blocks: readonly (readonly [number, number])[],
): { ridge: number[]; train: number[]; validation: number[] } {
  const rows = x.length / d;
  const train = RIDGE_GRID.map(
    (lambda) => reconstructionError(fitLeaveOneOut(x, rows, d, lambda).reconstruct(x, rows), x).loss,
  );
  const validation = crossValidatedErrors(x, d, blocks).map((e) => e.reduce((a, v) => a + v, 0) / x.length);
  return { ridge: [...RIDGE_GRID], train, validation };
}

/** The columns `cols` of rows x (row-major, d columns), in that order. */
export function columnsOf(x: Float64Array, d: number, cols: readonly number[]): Float64Array {
  const rows = x.length / d;
  const out = new Float64Array(rows * cols.length);
  for (let r = 0; r < rows; r++) cols.forEach((ch, k) => (out[r * cols.length + k] = x[r * d + ch]));
  return out;
}

/**
 * The same model with some channels left out: they neither feed the others' predictions nor get one (their output
 * copies their input, so their residual is zero). For channels whose own level wanders with nothing else explaining
 * it: their residual would drift as they do, and they would carry that drift into the other channels' predictions.
 */
export function fitLeaveOneOutWithout(
  x: Float64Array,
  rows: number,
  d: number,
  lambda: Ridge,
  left: readonly boolean[],
): DenseAutoencoder {
  const kept = Array.from({ length: d }, (_, i) => i).filter((i) => !left[i]);
  const weights = new Float64Array(d * d);
  const bias = new Float64Array(d);
  left.forEach((l, i) => l && (weights[i * d + i] = 1));
  if (kept.length >= 2) {
    const layer = fitLeaveOneOut(
      columnsOf(x, d, kept),
      rows,
      kept.length,
      kept.map((ch) => ridgeOf(lambda, ch)),
    ).layers[0];
    kept.forEach((to, b) => {
      bias[to] = layer.bias[b];
      kept.forEach((from, a) => (weights[from * d + to] = layer.weights[a * kept.length + b]));
    });
  } else kept.forEach((ch) => (weights[ch * d + ch] = 1));
  return DenseAutoencoder.fromLayers([{ inputs: d, outputs: d, relu: false, weights, bias }]);
}

/**
 * Per output channel, the RMS over the rows (row-major, rows × d) of what the int8 graph's weights (`int8Weights`,
 * [in, out] as the model's, on the grid roundToInt8Grid rounds to) change in its reconstruction. The int8 graph cannot
 * resolve a residual finer than this: a channel another one predicts almost exactly (a P-only controller's output from
 * its measurement) has an out-of-fold spread far below it, and scored against that spread the rounding alone reads as
 * an anomaly in every window.
 */
export function int8RoundingSpread(
  model: DenseAutoencoder,
  int8Weights: Float64Array,
  x: Float64Array,
  rows: number,
  d: number,
): number[] {
  const { weights, outputs } = model.layers[0];
  const change = weights.map((w, k) => int8Weights[k] - w);
  const sumSquares = new Float64Array(outputs);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outputs; j++) {
      let e = 0;
      for (let i = 0; i < d; i++) e += x[r * d + i] * change[i * outputs + j];
      sumSquares[j] += e * e;
    }
  }
  return Array.from(sumSquares, (s) => Math.sqrt(s / Math.max(1, rows)));
}

/**
 * The channels left out of the leave-one-out model (`left`), each predicted from the kept ones alone (ridge regression,
 * its own λ, in units of the kept channels' mean variance), as a one-layer DenseAutoencoder from every channel (d
 * inputs, the left-out ones weighing zero) to the left-out channels (in channel order). None of them feeds another's
 * prediction: their residual wanders as their level does, and only its change is scored (residual-change.ts).
 * Undefined when fewer than one channel is left out or fewer than two are kept.
 */
export function fitLeftOutFromKept(
  x: Float64Array,
  rows: number,
  d: number,
  lambda: Ridge,
  left: readonly boolean[],
): DenseAutoencoder | undefined {
  const kept = Array.from({ length: d }, (_, i) => i).filter((i) => !left[i]);
  const out = Array.from({ length: d }, (_, i) => i).filter((i) => left[i]);
  if (out.length === 0 || kept.length < 2) return undefined;
  const { mean, cov } = moments(x, rows, d);
  const k = kept.length;
  const keptCov = new Float64Array(k * k);
  kept.forEach((i, a) => kept.forEach((j, b) => (keptCov[a * k + b] = cov[i * d + j])));
  const inverseAt = ridgedInverses(keptCov, k);
  const m = out.length;
  const weights = new Float64Array(d * m);
  const bias = new Float64Array(m);
  out.forEach((j, o) => {
    const inv = inverseAt(ridgeOf(lambda, j));
    bias[o] = mean[j];
    kept.forEach((i, a) => {
      let w = 0;
      kept.forEach((l, b) => (w += inv[a * k + b] * cov[l * d + j]));
      weights[i * m + o] = w;
      bias[o] -= w * mean[i];
    });
  });
  return DenseAutoencoder.fromLayers([{ inputs: d, outputs: m, relu: false, weights, bias }]);
}
