/**
 * A statistical detector as one ONNX scoring graph, the same contract as the autoencoder graphs
 * (raw window in; `score` and `channel_error` out), so the gateway and `linewatch eval` run it
 * with the same code:
 *
 *   level channels   z = |mean of the last k rows − centre| / sd       (a shift of the level)
 *   slow channels    z = |mean of the last k rows − mean of the k rows `lag` rows earlier − centre| / sd
 *                    (thermal channels drift in normal operation: score how fast they move,
 *                    not where they are)
 *   channel_error = weight × z, score = the largest channel_error.
 *
 * Centres and sds come from normal training rows. In int8 the per-channel z values are quantized
 * (uint8, per tensor, QDQ) before scoring.
 */
import { TensorType, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-writer.js';
import { CHANNEL_OUTPUT, INPUT_NAME, SCORE_OUTPUT, uint8Params } from './scoring-graph.js';

export interface StatsDetectorLayout {
  readonly channels: number;
  readonly windowLength: number;
  /** Rows averaged for the current level. */
  readonly k: number;
  /** Rows back for the slow channels' earlier level. */
  readonly lag: number;
  readonly slow: readonly boolean[];
  readonly centre: readonly number[];
  readonly sd: readonly number[];
  readonly weight: readonly number[];
  /** Quantize the features to uint8 over this range of z (e.g. ±64). */
  readonly int8Range?: number;
  /**
   * A second, longer level for the level channels (rows averaged), with its own centre and sd:
   * averaging more rows shrinks the noise, so a slow drift of the level (a valve closing) reaches
   * the threshold sooner than in the short mean (as an EWMA chart beats a Shewhart chart on small
   * shifts). The channel's z is the larger of the two.
   */
  readonly long?: { readonly k: number; readonly centre: readonly number[]; readonly sd: readonly number[]; readonly weight: number };
}

export function statsDetectorGraph(name: string, l: StatsDetectorLayout): OnnxGraph {
  const c = l.channels;
  if (l.windowLength < l.k + l.lag) throw new RangeError(`window of ${l.windowLength} rows is shorter than k + lag = ${l.k + l.lag}`);
  if (l.long && l.windowLength < l.long.k) throw new RangeError(`window of ${l.windowLength} rows is shorter than the long level's ${l.long.k} rows`);
  const i64 = (name: string, values: number[]): OnnxTensor => ({ name, type: TensorType.INT64, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
  const f32 = (name: string, values: readonly number[]): OnnxTensor => ({ name, type: TensorType.FLOAT, dims: [values.length], data: Float32Array.from(values) });
  const W = l.windowLength;
  const initializers: OnnxTensor[] = [
    i64('shape_rows', [-1, W, c]),
    i64('now_start', [W - l.k]),
    i64('now_end', [W]),
    i64('past_start', [W - l.k - l.lag]),
    i64('past_end', [W - l.lag]),
    i64('axis_time', [1]),
    f32('slow_mask', l.slow.map((s) => (s ? 1 : 0))),
    f32('centre', l.centre),
    f32('inv_sd', l.sd.map((s) => 1 / s)),
    f32('weight', l.weight),
  ];
  const nodes: OnnxNode[] = [
    { op: 'Reshape', name: 'rows', inputs: [INPUT_NAME, 'shape_rows'], outputs: ['rows'] },
    { op: 'Slice', name: 'slice_now', inputs: ['rows', 'now_start', 'now_end', 'axis_time'], outputs: ['rows_now'] },
    { op: 'ReduceMean', name: 'level_now', inputs: ['rows_now'], outputs: ['level_now'], intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } },
    { op: 'Slice', name: 'slice_past', inputs: ['rows', 'past_start', 'past_end', 'axis_time'], outputs: ['rows_past'] },
    { op: 'ReduceMean', name: 'level_past', inputs: ['rows_past'], outputs: ['level_past'], intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } },
    { op: 'Mul', name: 'past_of_slow', inputs: ['level_past', 'slow_mask'], outputs: ['past_of_slow'] },
    { op: 'Sub', name: 'feature', inputs: ['level_now', 'past_of_slow'], outputs: ['feature'] },
    { op: 'Sub', name: 'centred', inputs: ['feature', 'centre'], outputs: ['centred'] },
    { op: 'Mul', name: 'z_signed', inputs: ['centred', 'inv_sd'], outputs: ['z_signed'] },
  ];
  let z = 'z_signed';
  if (l.int8Range) {
    const q = uint8Params({ min: -l.int8Range, max: l.int8Range });
    initializers.push({ name: 'z_scale', type: TensorType.FLOAT, dims: [], data: Float32Array.of(q.scale) }, { name: 'z_zero_point', type: TensorType.UINT8, dims: [], data: Uint8Array.of(q.zeroPoint) });
    nodes.push(
      { op: 'QuantizeLinear', name: 'quantize_z', inputs: [z, 'z_scale', 'z_zero_point'], outputs: ['z_q'] },
      { op: 'DequantizeLinear', name: 'dequantize_z', inputs: ['z_q', 'z_scale', 'z_zero_point'], outputs: ['z_dq'] },
    );
    z = 'z_dq';
  }
  nodes.push({ op: 'Abs', name: 'z_short', inputs: [z], outputs: ['z_short'] });
  let zAbs = 'z_short';
  if (l.long) {
    initializers.push(
      i64('long_start', [W - l.long.k]),
      f32('level_mask', l.slow.map((s) => (s ? 0 : l.long!.weight))),
      f32('centre_long', l.long.centre),
      f32('inv_sd_long', l.long.sd.map((s) => 1 / s)),
    );
    nodes.push(
      { op: 'Slice', name: 'slice_long', inputs: ['rows', 'long_start', 'now_end', 'axis_time'], outputs: ['rows_long'] },
      { op: 'ReduceMean', name: 'level_long', inputs: ['rows_long'], outputs: ['level_long'], intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } },
      { op: 'Sub', name: 'centred_long', inputs: ['level_long', 'centre_long'], outputs: ['centred_long'] },
      { op: 'Mul', name: 'z_long_signed', inputs: ['centred_long', 'inv_sd_long'], outputs: ['z_long_signed'] },
      ...(l.int8Range
        ? [
            { op: 'QuantizeLinear', name: 'quantize_z_long', inputs: ['z_long_signed', 'z_scale', 'z_zero_point'], outputs: ['z_long_q'] },
            { op: 'DequantizeLinear', name: 'dequantize_z_long', inputs: ['z_long_q', 'z_scale', 'z_zero_point'], outputs: ['z_long_dq'] },
          ]
        : []),
      { op: 'Abs', name: 'z_long_abs', inputs: [l.int8Range ? 'z_long_dq' : 'z_long_signed'], outputs: ['z_long_abs'] },
      { op: 'Mul', name: 'z_long', inputs: ['z_long_abs', 'level_mask'], outputs: ['z_long'] },
      { op: 'Max', name: 'z', inputs: ['z_short', 'z_long'], outputs: ['z'] },
    );
    zAbs = 'z';
  }
  nodes.push(
    { op: 'Mul', name: 'weighted', inputs: [zAbs, 'weight'], outputs: [CHANNEL_OUTPUT] },
    { op: 'ReduceMax', name: 'largest', inputs: [CHANNEL_OUTPUT], outputs: [SCORE_OUTPUT], intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } },
  );
  return {
    name,
    nodes,
    initializers,
    inputs: [{ name: INPUT_NAME, type: TensorType.FLOAT, shape: ['batch', W * c] }],
    outputs: [
      { name: SCORE_OUTPUT, type: TensorType.FLOAT, shape: ['batch'] },
      { name: CHANNEL_OUTPUT, type: TensorType.FLOAT, shape: ['batch', c] },
    ],
  };
}

/** The same features in plain JS, for fitting centres and sds on training rows (time-major rows × channels). */
export function statsFeatures(rows: ArrayLike<number>, end: number, channels: number, k: number, lag: number, slow: readonly boolean[]): Float64Array {
  const out = new Float64Array(channels);
  for (let ch = 0; ch < channels; ch++) {
    let now = 0;
    let past = 0;
    for (let r = end - k + 1; r <= end; r++) now += rows[r * channels + ch];
    for (let r = end - lag - k + 1; r <= end - lag; r++) past += rows[r * channels + ch];
    out[ch] = now / k - (slow[ch] ? past / k : 0);
  }
  return out;
}
