/**
 * Exports a dense autoencoder as one ONNX scoring graph: raw window in, z-score normalisation,
 * the autoencoder, and the squared reconstruction error reduced to a per-channel error and a
 * window score out, so the whole per-window arithmetic runs vectorised inside onnxruntime.
 * In fp32, or as a static int8 QDQ graph: weights int8, symmetric, per output channel
 * (DequantizeLinear axis=1); activations uint8, asymmetric, per tensor, with ranges calibrated on
 * normal windows. ORT fuses the QDQ pairs around MatMul into integer kernels when it optimises.
 *
 *   window [batch, T*C] raw  →  score [batch], channel_error [batch, C] (mean squared error, normalised units)
 */
import type { DenseAutoencoder } from './dense-autoencoder.js';
import { encodeOnnxModel, TensorType, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-writer.js';

export const INPUT_NAME = 'window';
export const SCORE_OUTPUT = 'score';
export const CHANNEL_OUTPUT = 'channel_error';

export interface WindowLayout {
  readonly windowLength: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

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

/** Symmetric int8 per output channel for a [in, out] weight matrix. */
export function int8PerChannel(weights: Float64Array, inputs: number, outputs: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let maxAbs = 0;
    for (let i = 0; i < inputs; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i * outputs + o]));
    scales[o] = maxAbs > 0 ? maxAbs / 127 : 1;
  }
  const q = new Int8Array(weights.length);
  for (let i = 0; i < inputs; i++) {
    for (let o = 0; o < outputs; o++) q[i * outputs + o] = Math.max(-127, Math.min(127, Math.round(weights[i * outputs + o] / scales[o])));
  }
  return { q, scales };
}

/** Input range of every layer (the input of layer i is activation i), from calibration data. */
export function calibrateRanges(model: DenseAutoencoder, x: Float64Array, rows: number): ActivationRange[] {
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

export function denseToOnnxGraph(model: DenseAutoencoder, name: string, layout: WindowLayout, quantization?: readonly ActivationRange[]): OnnxGraph {
  const d = model.inputSize;
  const c = layout.mean.length;
  if (c * layout.windowLength !== d) throw new RangeError(`${layout.windowLength} rows × ${c} channels do not match the model's ${d} inputs`);
  const tiled = (values: readonly number[], f: (v: number) => number) => Float32Array.from({ length: d }, (_, k) => f(values[k % c]));
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [
    { name: 'norm_mean', type: TensorType.FLOAT, dims: [d], data: tiled(layout.mean, (v) => v) },
    { name: 'norm_inv_std', type: TensorType.FLOAT, dims: [d], data: tiled(layout.std, (v) => 1 / v) },
    { name: 'error_shape', type: TensorType.INT64, dims: [3], data: BigInt64Array.of(-1n, BigInt(layout.windowLength), BigInt(c)) },
  ];
  nodes.push(
    { op: 'Sub', name: 'centre', inputs: [INPUT_NAME, 'norm_mean'], outputs: ['centred'] },
    { op: 'Mul', name: 'scale', inputs: ['centred', 'norm_inv_std'], outputs: ['normalised'] },
  );
  let current = 'normalised';
  model.layers.forEach((layer, i) => {
    const last = i === model.layers.length - 1;
    let weight = `W${i}`;
    if (quantization) {
      const q = uint8Params(quantization[i]);
      initializers.push(
        { name: `x${i}_scale`, type: TensorType.FLOAT, dims: [], data: Float32Array.of(q.scale) },
        { name: `x${i}_zero_point`, type: TensorType.UINT8, dims: [], data: Uint8Array.of(q.zeroPoint) },
      );
      nodes.push(
        { op: 'QuantizeLinear', name: `quantize_x${i}`, inputs: [current, `x${i}_scale`, `x${i}_zero_point`], outputs: [`x${i}_q`] },
        { op: 'DequantizeLinear', name: `dequantize_x${i}`, inputs: [`x${i}_q`, `x${i}_scale`, `x${i}_zero_point`], outputs: [`x${i}_dq`] },
      );
      current = `x${i}_dq`;
      const w = int8PerChannel(layer.weights, layer.inputs, layer.outputs);
      initializers.push(
        { name: `W${i}_q`, type: TensorType.INT8, dims: [layer.inputs, layer.outputs], data: w.q },
        { name: `W${i}_scale`, type: TensorType.FLOAT, dims: [layer.outputs], data: w.scales },
        { name: `W${i}_zero_point`, type: TensorType.INT8, dims: [layer.outputs], data: new Int8Array(layer.outputs) },
      );
      nodes.push({ op: 'DequantizeLinear', name: `dequantize_W${i}`, inputs: [`W${i}_q`, `W${i}_scale`, `W${i}_zero_point`], outputs: [`W${i}_dq`], intAttributes: { axis: 1 } });
      weight = `W${i}_dq`;
    } else {
      initializers.push({ name: `W${i}`, type: TensorType.FLOAT, dims: [layer.inputs, layer.outputs], data: Float32Array.from(layer.weights) });
    }
    initializers.push({ name: `b${i}`, type: TensorType.FLOAT, dims: [layer.outputs], data: Float32Array.from(layer.bias) });
    nodes.push({ op: 'MatMul', name: `matmul${i}`, inputs: [current, weight], outputs: [`mm${i}`] });
    const sum = last ? 'reconstruction' : `z${i}`;
    nodes.push({ op: 'Add', name: `add${i}`, inputs: [`mm${i}`, `b${i}`], outputs: [sum] });
    current = sum;
    if (layer.relu && !last) {
      nodes.push({ op: 'Relu', name: `relu${i}`, inputs: [sum], outputs: [`a${i}`] });
      current = `a${i}`;
    }
  });
  nodes.push(
    { op: 'Sub', name: 'error', inputs: ['reconstruction', 'normalised'], outputs: ['error'] },
    { op: 'Mul', name: 'square', inputs: ['error', 'error'], outputs: ['squared_error'] },
    { op: 'Reshape', name: 'by_time_and_channel', inputs: ['squared_error', 'error_shape'], outputs: ['squared_error_tc'] },
    { op: 'ReduceMean', name: 'mean_over_time', inputs: ['squared_error_tc'], outputs: [CHANNEL_OUTPUT], intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } },
    { op: 'ReduceMean', name: 'mean_over_channels', inputs: [CHANNEL_OUTPUT], outputs: [SCORE_OUTPUT], intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } },
  );
  return {
    name,
    nodes,
    initializers,
    inputs: [{ name: INPUT_NAME, type: TensorType.FLOAT, shape: ['batch', d] }],
    outputs: [
      { name: SCORE_OUTPUT, type: TensorType.FLOAT, shape: ['batch'] },
      { name: CHANNEL_OUTPUT, type: TensorType.FLOAT, shape: ['batch', c] },
    ],
  };
}

/** The ONNX file of a dense autoencoder: fp32, or int8 QDQ when activation ranges are given. */
export function exportDenseOnnx(model: DenseAutoencoder, name: string, layout: WindowLayout, quantization?: readonly ActivationRange[]): Uint8Array {
  return encodeOnnxModel(denseToOnnxGraph(model, name, layout, quantization), { producerName: 'linewatch', producerVersion: '0.1.0', opset: 13 });
}
