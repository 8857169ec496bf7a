/**
 * A small 1-D convolutional autoencoder with its own numeric core (pure, seeded), the second
 * architecture next to the dense one. Convolutions run along time, channels are the sensors:
 *
 * window [T, C] → conv C→F1 (k4 s2 p1, ReLU) → conv F1→F2 (k4 s2 p1) → deconv F2→F1 (k4 s2 p1, ReLU) → deconv F1→C
 * (k4 s2 p1)
 *
 * Each strided convolution halves the time axis and each transposed convolution doubles it, so
 * the window length must be a multiple of 4. Weights use ONNX layouts: Conv [out, in, k],
 * ConvTranspose [in, out, k]. The input and the reconstruction are time-major rows
 * (`t * C + c`, as windows are stored); activations inside are channel-major (`c * L + t`).
 */
import { SeededRandom } from '../core/random.js';
import { fitAutoencoder, reconstructionError, type FitOptions, type FitResult, type Trainable } from './fit.js';

export const CONV_KERNEL = 4;
export const CONV_STRIDE = 2;
export const CONV_PAD = 1;

export interface ConvLayer {
  /** conv: strided convolution (halves time); deconv: transposed convolution (doubles time). */
  readonly kind: 'conv' | 'deconv';
  readonly inputs: number;
  readonly outputs: number;
  readonly relu: boolean;
  /** conv: [outputs, inputs, k]; deconv: [inputs, outputs, k]. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** The index of weight (input channel i, output channel o, tap k) in a layer's weights. */
export function convWeightIndex(
  layer: Pick<ConvLayer, 'kind' | 'inputs' | 'outputs'>,
  i: number,
  o: number,
  k: number,
): number {
  return layer.kind === 'conv' ? (o * layer.inputs + i) * CONV_KERNEL + k : (i * layer.outputs + o) * CONV_KERNEL + k;
}

function outputLength(layer: ConvLayer, length: number): number {
  return layer.kind === 'conv'
    ? Math.floor((length + 2 * CONV_PAD - CONV_KERNEL) / CONV_STRIDE) + 1
    : (length - 1) * CONV_STRIDE + CONV_KERNEL - 2 * CONV_PAD;
}

/**
 * The positions t (conv: output, deconv: input) whose tap k lands inside the other side's
 * `long` positions at p = t * stride + k - pad: t in [first, end). Both kinds share these pairs.
 */
function tapRange(short: number, long: number, k: number): [number, number] {
  const first = Math.max(0, Math.ceil((CONV_PAD - k) / CONV_STRIDE));
  const end = Math.min(short, Math.floor((long - 1 + CONV_PAD - k) / CONV_STRIDE) + 1);
  return [first, end];
}

export class ConvAutoencoder implements Trainable {
  readonly layers: ConvLayer[];

  /** `filters` [F1, F2]: channels after the first and second convolution. */
  constructor(
    readonly channels: number,
    readonly windowLength: number,
    filters: readonly [number, number],
    seed: number,
  ) {
    if (windowLength % 4 !== 0 || windowLength < 4)
      throw new RangeError(
        `a 1-D conv autoencoder halves the window twice: the window length must be a multiple of 4 (got ${windowLength})`,
      );
    const rng = new SeededRandom(seed);
    const layer = (kind: ConvLayer['kind'], inputs: number, outputs: number, relu: boolean): ConvLayer => {
      const scale = Math.sqrt(2 / (inputs * CONV_KERNEL));
      return {
        kind,
        inputs,
        outputs,
        relu,
        weights: new Float64Array(inputs * outputs * CONV_KERNEL).map(() => rng.normal() * scale),
        bias: new Float64Array(outputs),
      };
    };
    const [f1, f2] = filters;
    this.layers = [
      layer('conv', channels, f1, true),
      layer('conv', f1, f2, false),
      layer('deconv', f2, f1, true),
      layer('deconv', f1, channels, false),
    ];
  }

  /** An autoencoder with these layers (weights taken as they are, e.g. after pruning). */
  static fromLayers(channels: number, windowLength: number, layers: readonly ConvLayer[]): ConvAutoencoder {
    const ae = new ConvAutoencoder(channels, windowLength, [1, 1], 0);
    ae.layers.length = 0;
    ae.layers.push(...layers);
    return ae;
  }

  get inputSize(): number {
    return this.channels * this.windowLength;
  }

  get parameterCount(): number {
    return this.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);
  }

  parameters(): Float64Array[] {
    return this.layers.flatMap((l) => [l.weights, l.bias]);
  }

  /** Time lengths of every activation: index 0 is the input. */
  private lengths(): number[] {
    const out = [this.windowLength];
    for (const l of this.layers) out.push(outputLength(l, out[out.length - 1]));
    return out;
  }

  /**
   * Forward pass of `rows` windows (time-major). Returns every layer's input and, last, the
   * reconstruction (time-major); index i < layers.length is the input of layer i (index 0 the
   * window itself, the others channel-major).
   */
  forward(x: Float64Array, rows: number): Float64Array[] {
    const T = this.windowLength;
    const C = this.channels;
    const lengths = this.lengths();
    const input = new Float64Array(rows * C * T);
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) input[r * C * T + c * T + t] = x[r * C * T + t * C + c];
    let a: Float64Array = input;
    const acts: Float64Array[] = [x];
    this.layers.forEach((layer, li) => {
      const z = this.layerForward(layer, a, rows, lengths[li], lengths[li + 1]);
      if (layer.relu) for (let k = 0; k < z.length; k++) if (z[k] < 0) z[k] = 0;
      acts.push(z);
      a = z;
    });
    const y = new Float64Array(rows * C * T);
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) y[r * C * T + t * C + c] = a[r * C * T + c * T + t];
    acts.push(y);
    return acts;
  }

  private layerForward(
    layer: ConvLayer,
    a: Float64Array,
    rows: number,
    inLength: number,
    outLength: number,
  ): Float64Array {
    const z = new Float64Array(rows * layer.outputs * outLength);
    const conv = layer.kind === 'conv';
    for (let r = 0; r < rows; r++) {
      const aBase = r * layer.inputs * inLength;
      const zBase = r * layer.outputs * outLength;
      for (let o = 0; o < layer.outputs; o++) z.fill(layer.bias[o], zBase + o * outLength, zBase + (o + 1) * outLength);
      for (let i = 0; i < layer.inputs; i++) {
        for (let o = 0; o < layer.outputs; o++) {
          for (let k = 0; k < CONV_KERNEL; k++) {
            const w = layer.weights[convWeightIndex(layer, i, o, k)];
            const zo = zBase + o * outLength;
            const ai = aBase + i * inLength;
            if (conv) {
              const [first, end] = tapRange(outLength, inLength, k);
              for (let t = first; t < end; t++) z[zo + t] += w * a[ai + t * CONV_STRIDE + k - CONV_PAD];
            } else {
              const [first, end] = tapRange(inLength, outLength, k);
              for (let t = first; t < end; t++) z[zo + t * CONV_STRIDE + k - CONV_PAD] += w * a[ai + t];
            }
          }
        }
      }
    }
    return z;
  }

  reconstruct(x: Float64Array, rows: number): Float64Array {
    const acts = this.forward(x, rows);
    return acts[acts.length - 1];
  }

  loss(x: Float64Array, rows: number): number {
    return reconstructionError(this.reconstruct(x, rows), x).loss;
  }

  fit(train: Float64Array, validation: Float64Array, options: FitOptions): FitResult {
    return fitAutoencoder(this, train, validation, options);
  }

  gradients(x: Float64Array, rows: number, target: Float64Array = x): { loss: number; grads: Float64Array[] } {
    const T = this.windowLength;
    const C = this.channels;
    const lengths = this.lengths();
    const acts = this.forward(x, rows);
    const error = reconstructionError(acts[acts.length - 1], target);
    // The error comes time-major; the layers work channel-major.
    let delta = new Float64Array(rows * C * T);
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < T; t++)
        for (let c = 0; c < C; c++) delta[r * C * T + c * T + t] = error.delta[r * C * T + t * C + c];
    const grads: Float64Array[] = new Array(this.layers.length * 2);
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const layer = this.layers[li];
      const z = acts[li + 1];
      if (layer.relu) for (let k = 0; k < delta.length; k++) if (z[k] <= 0) delta[k] = 0;
      const inLength = lengths[li];
      const outLength = lengths[li + 1];
      // The input of layer 0 is the time-major window: take it channel-major.
      let a = acts[li];
      if (li === 0) {
        a = new Float64Array(rows * C * T);
        for (let r = 0; r < rows; r++)
          for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) a[r * C * T + c * T + t] = x[r * C * T + t * C + c];
      }
      const gw = new Float64Array(layer.weights.length);
      const gb = new Float64Array(layer.outputs);
      const prev = new Float64Array(rows * layer.inputs * inLength);
      const conv = layer.kind === 'conv';
      for (let r = 0; r < rows; r++) {
        const aBase = r * layer.inputs * inLength;
        const dBase = r * layer.outputs * outLength;
        for (let o = 0; o < layer.outputs; o++)
          for (let t = 0; t < outLength; t++) gb[o] += delta[dBase + o * outLength + t];
        for (let i = 0; i < layer.inputs; i++) {
          for (let o = 0; o < layer.outputs; o++) {
            for (let k = 0; k < CONV_KERNEL; k++) {
              const wi = convWeightIndex(layer, i, o, k);
              const w = layer.weights[wi];
              let g = 0;
              const dO = dBase + o * outLength;
              const ai = aBase + i * inLength;
              if (conv) {
                const [first, end] = tapRange(outLength, inLength, k);
                for (let t = first; t < end; t++) {
                  const p = ai + t * CONV_STRIDE + k - CONV_PAD;
                  const d = delta[dO + t];
                  g += d * a[p];
                  prev[p] += d * w;
                }
              } else {
                const [first, end] = tapRange(inLength, outLength, k);
                for (let t = first; t < end; t++) {
                  const d = delta[dO + t * CONV_STRIDE + k - CONV_PAD];
                  g += d * a[ai + t];
                  prev[ai + t] += d * w;
                }
              }
              gw[wi] += g;
            }
          }
        }
      }
      grads[2 * li] = gw;
      grads[2 * li + 1] = gb;
      delta = prev;
    }
    return { loss: error.loss, grads };
  }
}
