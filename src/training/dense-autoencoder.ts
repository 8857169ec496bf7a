/**
 * A small dense autoencoder with its own numeric core (pure, seeded): fully connected layers,
 * ReLU where asked, mean-squared reconstruction loss, Adam. It is tiny (a few thousand weights),
 * so plain typed-array loops train it in seconds on a gateway CPU without pulling a training
 * framework into the install. Weights are stored [in, out] row-major, as ONNX MatMul expects.
 */
import { SeededRandom } from '../core/random.js';
import { fitAutoencoder, reconstructionError, type FitOptions, type FitResult, type Trainable } from './fit.js';

export type { FitOptions, FitResult } from './fit.js';

export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly relu: boolean;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export class DenseAutoencoder implements Trainable {
  readonly layers: DenseLayer[];

  /** `sizes` from input to output, e.g. [140, 32, 6, 32, 140]; `relu[i]` for layer i's output. */
  constructor(sizes: readonly number[], relu: readonly boolean[], seed: number) {
    const rng = new SeededRandom(seed);
    this.layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const inputs = sizes[i];
      const outputs = sizes[i + 1];
      const scale = Math.sqrt(2 / inputs);
      const weights = new Float64Array(inputs * outputs).map(() => rng.normal() * scale);
      this.layers.push({ inputs, outputs, relu: relu[i] ?? false, weights, bias: new Float64Array(outputs) });
    }
  }

  /** An autoencoder with these layers (weights taken as they are, e.g. after pruning). */
  static fromLayers(layers: readonly DenseLayer[]): DenseAutoencoder {
    const ae = new DenseAutoencoder([layers[0].inputs, layers[0].outputs], [false], 0);
    ae.layers.length = 0;
    ae.layers.push(...layers);
    return ae;
  }

  /** Weights and biases. */
  get parameterCount(): number {
    return this.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);
  }

  get inputSize(): number {
    return this.layers[0].inputs;
  }

  /** Forward pass of `rows` samples; returns every layer's activations (index 0 is the input). */
  forward(x: Float64Array, rows: number): Float64Array[] {
    const acts = [x];
    for (const layer of this.layers) {
      const a = acts[acts.length - 1];
      const z = new Float64Array(rows * layer.outputs);
      for (let r = 0; r < rows; r++) {
        const zo = r * layer.outputs;
        z.set(layer.bias, zo);
        const ao = r * layer.inputs;
        for (let i = 0; i < layer.inputs; i++) {
          const av = a[ao + i];
          if (av === 0) continue;
          const wo = i * layer.outputs;
          for (let o = 0; o < layer.outputs; o++) z[zo + o] += av * layer.weights[wo + o];
        }
      }
      if (layer.relu) for (let k = 0; k < z.length; k++) if (z[k] < 0) z[k] = 0;
      acts.push(z);
    }
    return acts;
  }

  reconstruct(x: Float64Array, rows: number): Float64Array {
    const acts = this.forward(x, rows);
    return acts[acts.length - 1];
  }

  /** Mean squared reconstruction error over all values of `rows` samples. */
  loss(x: Float64Array, rows: number): number {
    const y = this.reconstruct(x, rows);
    let sum = 0;
    for (let k = 0; k < y.length; k++) sum += (y[k] - x[k]) ** 2;
    return sum / y.length;
  }

  /** Adam with early stopping on the validation loss; keeps the best weights. */
  fit(train: Float64Array, validation: Float64Array, options: FitOptions): FitResult {
    return fitAutoencoder(this, train, validation, options);
  }

  parameters(): Float64Array[] {
    return this.layers.flatMap((l) => [l.weights, l.bias]);
  }

  gradients(x: Float64Array, rows: number, target: Float64Array = x): { loss: number; grads: Float64Array[] } {
    const acts = this.forward(x, rows);
    const error = reconstructionError(acts[acts.length - 1], target);
    let delta = error.delta;
    const out: { w: Float64Array; b: Float64Array }[] = new Array(this.layers.length);
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const layer = this.layers[li];
      const a = acts[li];
      const z = acts[li + 1];
      if (layer.relu) for (let k = 0; k < delta.length; k++) if (z[k] <= 0) delta[k] = 0;
      const gw = new Float64Array(layer.weights.length);
      const gb = new Float64Array(layer.outputs);
      const prev = new Float64Array(rows * layer.inputs);
      for (let r = 0; r < rows; r++) {
        const dOff = r * layer.outputs;
        const aOff = r * layer.inputs;
        for (let o = 0; o < layer.outputs; o++) gb[o] += delta[dOff + o];
        for (let i = 0; i < layer.inputs; i++) {
          const av = a[aOff + i];
          const wo = i * layer.outputs;
          let back = 0;
          for (let o = 0; o < layer.outputs; o++) {
            const dv = delta[dOff + o];
            gw[wo + o] += av * dv;
            back += layer.weights[wo + o] * dv;
          }
          prev[aOff + i] = back;
        }
      }
      out[li] = { w: gw, b: gb };
      delta = prev;
    }
    return { loss: error.loss, grads: out.flatMap((g) => [g.w, g.b]) };
  }
}
