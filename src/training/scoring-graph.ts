/**
 * What every exported scoring graph shares (pure): the input and output names, normalisation in,
 * QDQ quantization of activations (uint8 per tensor, calibrated ranges) and weights (int8
 * symmetric per output channel), and the squared error per channel and score out.
 *
 *   window [batch, T*C] raw  →  score [batch], channel_error [batch, C] (mean squared error, normalised units)
 *
 * A part model's graph (normalisation `part_curve`) takes NaN for the points a part's rows did not reach (a missed poll
 * lost its last readings, or one among its rows: Window.unreadPoints): they enter the autoencoder as the good parts'
 * mean curve and are left out of the error, each channel's the mean over the points read.
 */
import type { NormalisationMethod } from './normalise.js';
import { TensorType, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-writer.js';

export const INPUT_NAME = 'window';
export const SCORE_OUTPUT = 'score';
export const CHANNEL_OUTPUT = 'channel_error';

export interface WindowLayout {
  readonly windowLength: number;
  /** Absent: zscore. part_curve: `mean` one per point and channel (time-major), `std` one per channel. */
  readonly method?: NormalisationMethod;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Where an input's NaN points (the points a part's rows did not reach) leave the graph's error: part_curve graphs. */
const READ = 'read';

export interface ActivationRange {
  readonly min: number;
  readonly max: number;
}

export interface UInt8Quant {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** uint8 asymmetric parameters covering [min, max] (always including 0, as ONNX requires). */
export function uint8Params(range: ActivationRange): UInt8Quant {
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/**
 * Weights use 7 of int8's bits (±63, onnxruntime's `reduce_range`): on CPUs without VNNI (AVX2 only,
 * e.g. many x86 edge boxes) the uint8 × int8 kernels add pairs of products in saturating int16, and
 * full-range weights overflow it. Seen on an AVX2-only AMD EPYC: the press model's golden window
 * scored 6.5× its fp32 score with ±127 weights. One bit of weight precision is what it costs.
 */
export const INT8_WEIGHT_MAX = 63;

/** Symmetric int8 per index along `axis` of a row-major tensor of shape `dims` (per output channel), within
 * ±INT8_WEIGHT_MAX. */
export function int8PerAxis(
  weights: Float64Array,
  dims: readonly number[],
  axis: number,
): { q: Int8Array; scales: Float32Array } {
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (k: number) => Math.floor(k / inner) % channels;
  const maxAbs = new Float64Array(channels);
  for (let k = 0; k < weights.length; k++) maxAbs[channelOf(k)] = Math.max(maxAbs[channelOf(k)], Math.abs(weights[k]));
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / INT8_WEIGHT_MAX : 1));
  const q = new Int8Array(weights.length);
  for (let k = 0; k < weights.length; k++)
    q[k] = Math.max(-INT8_WEIGHT_MAX, Math.min(INT8_WEIGHT_MAX, Math.round(weights[k] / scales[channelOf(k)])));
  return { q, scales };
}

/** Input range of every layer (the input of layer i is activation i), from calibration data. */
export function calibrateRanges(
  model: { forward(x: Float64Array, rows: number): Float64Array[]; readonly layers: readonly unknown[] },
  x: Float64Array,
  rows: number,
): ActivationRange[] {
  const acts = model.forward(x, rows);
  return model.layers.map((_, i) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of acts[i]) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  });
}

/**
 * The parts every exported autoencoder graph shares: normalisation in, optional QDQ around
 * activations and weights, squared error per channel and score out. Node and initializer order
 * is the order of the calls (the shipped models rebuild byte for byte).
 */
export class ScoringGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly d: number;
  readonly c: number;
  /** part_curve: NaN input points are left out of the error (READ). */
  private readonly masked: boolean;

  constructor(
    readonly layout: WindowLayout,
    inputSize: number,
  ) {
    this.d = inputSize;
    this.c = inputSize / layout.windowLength;
    const { d, c } = this;
    this.masked = layout.method === 'part_curve';
    const sizes = { mean: this.masked ? d : c, std: c };
    for (const key of ['mean', 'std'] as const)
      if (!Number.isInteger(c) || layout[key].length !== sizes[key])
        throw new RangeError(
          `${layout[key].length} values of ${key} (${layout.method ?? 'zscore'}: ${this.masked && key === 'mean' ? 'one per point and channel' : 'one per channel'}) over ${layout.windowLength} rows do not match the model's ${d} inputs`,
        );
    const tiled = (values: readonly number[], f: (v: number) => number) =>
      Float32Array.from({ length: d }, (_, k) => f(values[k % values.length]));
    this.initializers.push(
      { name: 'norm_mean', type: TensorType.FLOAT, dims: [d], data: tiled(layout.mean, (v) => v) },
      { name: 'norm_inv_std', type: TensorType.FLOAT, dims: [d], data: tiled(layout.std, (v) => 1 / v) },
      {
        name: 'error_shape',
        type: TensorType.INT64,
        dims: [3],
        data: BigInt64Array.of(-1n, BigInt(layout.windowLength), BigInt(c)),
      },
    );
    let input = INPUT_NAME;
    if (this.masked) {
      // A point not read (NaN) enters as the mean curve there (0 once normalised) and is left out of the error.
      this.initializers.push({ name: 'time_axis', type: TensorType.INT64, dims: [1], data: BigInt64Array.of(1n) });
      this.nodes.push(
        { op: 'IsNaN', name: 'not_read', inputs: [INPUT_NAME], outputs: ['unread'] },
        { op: 'Where', name: 'mean_where_not_read', inputs: ['unread', 'norm_mean', INPUT_NAME], outputs: ['filled'] },
        { op: 'Not', name: 'read_points', inputs: ['unread'], outputs: ['read_bool'] },
        {
          op: 'Cast',
          name: 'read_as_float',
          inputs: ['read_bool'],
          outputs: [READ],
          intAttributes: { to: TensorType.FLOAT },
        },
      );
      input = 'filled';
    }
    this.nodes.push(
      { op: 'Sub', name: 'centre', inputs: [input, 'norm_mean'], outputs: ['centred'] },
      { op: 'Mul', name: 'scale', inputs: ['centred', 'norm_inv_std'], outputs: ['normalised'] },
    );
  }

  /** Quantizes and dequantizes activation `current` (uint8, per tensor) as layer i's input. */
  activationQdq(i: number, current: string, range: ActivationRange): string {
    const q = uint8Params(range);
    this.initializers.push(
      { name: `x${i}_scale`, type: TensorType.FLOAT, dims: [], data: Float32Array.of(q.scale) },
      { name: `x${i}_zero_point`, type: TensorType.UINT8, dims: [], data: Uint8Array.of(q.zeroPoint) },
    );
    this.nodes.push(
      {
        op: 'QuantizeLinear',
        name: `quantize_x${i}`,
        inputs: [current, `x${i}_scale`, `x${i}_zero_point`],
        outputs: [`x${i}_q`],
      },
      {
        op: 'DequantizeLinear',
        name: `dequantize_x${i}`,
        inputs: [`x${i}_q`, `x${i}_scale`, `x${i}_zero_point`],
        outputs: [`x${i}_dq`],
      },
    );
    return `x${i}_dq`;
  }

  /**
   * Weight `name` (fp32, or int8 per index along `axis`); returns the tensor to use. `dequantize`: 'qdq', a
   * DequantizeLinear, so that with the activations' QDQ pairs the runtime fuses an integer kernel; 'cast' (weights
   * only, fp32 activations; `axis` the last), a Cast and a Mul by the scales, which every runtime computes as
   * written. A DequantizeLinear feeding a MatMul with fp32 input is fused by onnxruntime (1.30) into MatMulNBits,
   * whose default accuracy level rounds that input to int8 on the fly: the hybrid's leave-one-out model then read 32
   * on every Tennessee Eastman row under a session with default settings (docs/detection.md).
   */
  weight(
    name: string,
    weights: Float64Array,
    dims: readonly number[],
    quantized: boolean,
    axis: number,
    dequantize: 'qdq' | 'cast' = 'qdq',
  ): string {
    if (!quantized) {
      this.initializers.push({ name, type: TensorType.FLOAT, dims, data: Float32Array.from(weights) });
      return name;
    }
    const w = int8PerAxis(weights, dims, axis);
    const channels = dims[axis];
    if (dequantize === 'cast') {
      if (axis !== dims.length - 1)
        throw new Error(`weight ${name}: a Cast and Mul dequantize along the last axis only`);
      this.initializers.push(
        { name: `${name}_q`, type: TensorType.INT8, dims, data: w.q },
        { name: `${name}_scale`, type: TensorType.FLOAT, dims: [channels], data: w.scales },
      );
      this.nodes.push(
        {
          op: 'Cast',
          name: `cast_${name}`,
          inputs: [`${name}_q`],
          outputs: [`${name}_int8_as_float`],
          intAttributes: { to: TensorType.FLOAT },
        },
        {
          op: 'Mul',
          name: `scale_${name}`,
          inputs: [`${name}_int8_as_float`, `${name}_scale`],
          outputs: [`${name}_dq`],
        },
      );
      return `${name}_dq`;
    }
    this.initializers.push(
      { name: `${name}_q`, type: TensorType.INT8, dims, data: w.q },
      { name: `${name}_scale`, type: TensorType.FLOAT, dims: [channels], data: w.scales },
      { name: `${name}_zero_point`, type: TensorType.INT8, dims: [channels], data: new Int8Array(channels) },
    );
    this.nodes.push({
      op: 'DequantizeLinear',
      name: `dequantize_${name}`,
      inputs: [`${name}_q`, `${name}_scale`, `${name}_zero_point`],
      outputs: [`${name}_dq`],
      intAttributes: { axis },
    });
    return `${name}_dq`;
  }

  bias(name: string, bias: Float64Array): string {
    this.initializers.push({ name, type: TensorType.FLOAT, dims: [bias.length], data: Float32Array.from(bias) });
    return name;
  }

  /** The error tail after `reconstruction` [batch, T*C], and the finished graph. */
  finish(name: string): OnnxGraph {
    const { d, c } = this;
    this.nodes.push(
      { op: 'Sub', name: 'error', inputs: ['reconstruction', 'normalised'], outputs: ['error'] },
      { op: 'Mul', name: 'square', inputs: ['error', 'error'], outputs: ['squared_error'] },
    );
    if (this.masked) this.maskedChannelError();
    else
      this.nodes.push(
        {
          op: 'Reshape',
          name: 'by_time_and_channel',
          inputs: ['squared_error', 'error_shape'],
          outputs: ['squared_error_tc'],
        },
        {
          op: 'ReduceMean',
          name: 'mean_over_time',
          inputs: ['squared_error_tc'],
          outputs: [CHANNEL_OUTPUT],
          intsAttributes: { axes: [1] },
          intAttributes: { keepdims: 0 },
        },
      );
    this.nodes.push({
      op: 'ReduceMean',
      name: 'mean_over_channels',
      inputs: [CHANNEL_OUTPUT],
      outputs: [SCORE_OUTPUT],
      intsAttributes: { axes: [1] },
      intAttributes: { keepdims: 0 },
    });
    return {
      name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: [{ name: INPUT_NAME, type: TensorType.FLOAT, shape: ['batch', d] }],
      outputs: [
        { name: SCORE_OUTPUT, type: TensorType.FLOAT, shape: ['batch'] },
        { name: CHANNEL_OUTPUT, type: TensorType.FLOAT, shape: ['batch', c] },
      ],
    };
  }

  /** Each channel's squared error summed over the points read, over how many were read. */
  private maskedChannelError(): void {
    this.nodes.push(
      { op: 'Mul', name: 'error_where_read', inputs: ['squared_error', READ], outputs: ['read_squared_error'] },
      {
        op: 'Reshape',
        name: 'by_time_and_channel',
        inputs: ['read_squared_error', 'error_shape'],
        outputs: ['read_squared_error_tc'],
      },
      { op: 'Reshape', name: 'read_by_time_and_channel', inputs: [READ, 'error_shape'], outputs: ['read_tc'] },
      {
        op: 'ReduceSum',
        name: 'sum_over_time',
        inputs: ['read_squared_error_tc', 'time_axis'],
        outputs: ['channel_error_sum'],
        intAttributes: { keepdims: 0 },
      },
      {
        op: 'ReduceSum',
        name: 'points_read',
        inputs: ['read_tc', 'time_axis'],
        outputs: ['channel_points_read'],
        intAttributes: { keepdims: 0 },
      },
      {
        op: 'Div',
        name: 'mean_over_points_read',
        inputs: ['channel_error_sum', 'channel_points_read'],
        outputs: [CHANNEL_OUTPUT],
      },
    );
  }
}
