/**
 * Training loop shared by the autoencoders (pure, seeded): mini-batch Adam on the mean squared
 * reconstruction error, early stopping on the validation loss, best weights kept.
 */
import { SeededRandom } from '../core/random.js';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly patience: number;
  readonly seed: number;
  /**
   * A denoising fit: the sd of the Gaussian noise added to each training input (in the input's own, normalised units),
   * the target being the clean input. Absent or 0: none (every continuous model). A part model's, PART_CURVE_NOISE.
   */
  readonly inputNoise?: number;
  readonly onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void;
}

export interface FitResult {
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number;
}

/** What the loop needs of a model: its parameters, and the loss with its gradients for a batch. */
export interface Trainable {
  readonly inputSize: number;
  /** Every weight and bias array, in a fixed order. */
  parameters(): Float64Array[];
  /**
   * The loss of `rows` samples and its gradient for each of parameters(), in the same order: the reconstruction of `x`
   * against `target` (default `x` itself; a denoising fit's clean input).
   */
  gradients(x: Float64Array, rows: number, target?: Float64Array): { loss: number; grads: Float64Array[] };
  loss(x: Float64Array, rows: number): number;
}

export function fitAutoencoder(
  model: Trainable,
  train: Float64Array,
  validation: Float64Array,
  options: FitOptions,
): FitResult {
  const d = model.inputSize;
  const n = train.length / d;
  const nVal = validation.length / d;
  const rng = new SeededRandom(options.seed);
  const params = model.parameters();
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const beta1 = 0.9;
  const beta2 = 0.999;
  const snapshot = () => params.map((p) => Float64Array.from(p));
  let step = 0;
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, train: 0, weights: snapshot() };
  const order = Array.from({ length: n }, (_, i) => i);
  let epoch = 0;
  for (epoch = 1; epoch <= options.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let trainSum = 0;
    for (let start = 0; start < n; start += options.batchSize) {
      const rows = Math.min(options.batchSize, n - start);
      const x = new Float64Array(rows * d);
      for (let r = 0; r < rows; r++) x.set(train.subarray(order[start + r] * d, order[start + r] * d + d), r * d);
      const noise = options.inputNoise ?? 0;
      const { loss, grads } = noise > 0 ? model.gradients(withNoise(x, noise, rng), rows, x) : model.gradients(x, rows);
      trainSum += loss * rows;
      step++;
      const lr = (options.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      params.forEach((p, k) => adam(p, grads[k], m[k], v[k], lr, beta1, beta2));
    }
    const trainLoss = trainSum / n;
    const validationLoss = model.loss(validation, nVal);
    options.onEpoch?.(epoch, trainLoss, validationLoss);
    if (validationLoss < best.loss - 1e-6)
      best = { loss: validationLoss, epoch, train: trainLoss, weights: snapshot() };
    else if (epoch - best.epoch >= options.patience) break;
  }
  params.forEach((p, k) => p.set(best.weights[k]));
  return {
    epochs: Math.min(epoch, options.epochs),
    bestEpoch: best.epoch,
    trainLoss: best.train,
    validationLoss: best.loss,
  };
}

/** `x` plus Gaussian noise of sd `sd` at every value, from the fit's own seeded stream. */
function withNoise(x: Float64Array, sd: number, rng: SeededRandom): Float64Array {
  return x.map((v) => v + sd * rng.normal());
}

function adam(
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  lr: number,
  b1: number,
  b2: number,
): void {
  for (let k = 0; k < p.length; k++) {
    m[k] = b1 * m[k] + (1 - b1) * g[k];
    v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
    p[k] -= (lr * m[k]) / (Math.sqrt(v[k]) + 1e-8);
  }
}

/** Mean squared error between a reconstruction and its input, and its gradient (2e/n). */
export function reconstructionError(y: Float64Array, x: Float64Array): { loss: number; delta: Float64Array } {
  let loss = 0;
  const delta = new Float64Array(y.length);
  for (let k = 0; k < y.length; k++) {
    const e = y[k] - x[k];
    loss += e * e;
    delta[k] = (2 * e) / y.length;
  }
  return { loss: loss / y.length, delta };
}
