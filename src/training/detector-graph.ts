/**
 * The stats and hybrid detectors as one ONNX scoring graph each (same contract as the autoencoder
 * graphs: raw window in; `score` and `channel_error` out), plus `term_error`: every standardised
 * term, kind after kind ([batch, kinds × channels]), so a verdict can say which channel and which
 * kind of term (residual, level, variability) raised it. See detector-features.ts for the terms.
 *
 *   normalised  = (window − mean) / std                         (training rows' channel z-scores)
 *   residual    RMS over the last rows of (reconstruction error / the channel's RMS error out of fold), i.e.
 *               centre 0 and sd = that spread (max(0, …) keeps the form of a one-sided z), and the |signed mean| of the
 *               error in units of its own spread   hybrid only; the leave-one-out linear autoencoder rebuilds each
 *               channel of a row from the others (batch × rows); the joint residual (RMS over the channels of the
 *               residual z, standardised one-sided) joins it on each channel by its share of the largest; the channels
 *               left out of the autoencoder, predicted from the kept ones over the whole window, join it with the
 *               change of their residual (RMS over the last rows of it less its mean over as many rows before, / sd)
 *   level z     = |level − centre| / sd, the larger of it and the component level: |mean over the whole window of each
 *               component channel − centre| / sd, times each channel's part in that move (|weight × (its window mean −
 *               its level centre)| over the largest part)
 *   variability = |log(mean |difference| + floor) − centre| / sd (max(0, …) instead of |…| on a quantised channel
 *               that sat still for k rows in the training rows: channel-resolution.ts, calmUnreadable), the larger of
 *               it, the spread: the same over the
 *               whole window of each component channel (window × projection), times each channel's share of it, and
 *               the window variability: the same over the whole window of the channel itself
 *   channel_error = the largest term of the channel, score = the largest channel_error
 *
 * Centres and sds come from the training windows. In int8 the autoencoder's weights are int8 (per
 * output channel, a Cast and a Mul: ScoringGraphBuilder.weight) and the terms are quantized (uint8 over [0, range]) for
 * the score;
 * channel_error and term_error come from the terms before quantization, so a term above the range still ranks.
 */
import type { TermKind } from '../core/types.js';
import type { DenseAutoencoder } from './dense-autoencoder.js';
import {
  JOINT_SHARE_EPSILON,
  JOINT_Z_LIMIT,
  type ComponentChannels,
  type DetectorGeometry,
} from './detector-features.js';
import { denseLayers } from './export-dense.js';
import { CHANGE_Z_LIMIT, changeBeforeRows } from './residual-change.js';
import { TensorType, type OnnxGraph, type OnnxNode } from './onnx-writer.js';
import { CHANNEL_OUTPUT, INPUT_NAME, SCORE_OUTPUT, ScoringGraphBuilder, uint8Params } from './scoring-graph.js';

export const TERM_OUTPUT = 'term_error';

/** The least largest part of a component's move (component level): a window exactly at every centre shares nothing. */
const PART_FLOOR = 1e-12;

export interface Standardisation {
  readonly centre: readonly number[];
  readonly sd: readonly number[];
}

export interface DetectorLayout {
  readonly geometry: DetectorGeometry;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly slow: readonly boolean[];
  readonly level: Standardisation;
  /** `oneSided`: per channel, only a rise counts (channel-resolution.ts: calmUnreadable); absent, every channel |z|. */
  readonly variability: Standardisation & { readonly floor: readonly number[]; readonly oneSided?: readonly boolean[] };
  /** The hybrid's leave-one-out linear autoencoder (leave-one-out.ts; input: one row of channels, normalised, every
   * channel at its level; each channel rebuilt from the others) and its residual's standardisation. */
  readonly residual?: Standardisation & {
    readonly autoencoder: DenseAutoencoder;
    readonly int8Weights?: boolean;
    /** Spread of the signed mean error over the autoencoder rows: a persistent offset of a channel from what the
     * others predict shows in its mean long before in its RMS. */
    readonly meanSd?: readonly number[];
    /** The joint residual (detector-features.ts: the RMS over the channels of the residual z), standardised one-sided
     * and reported on the channels by their share of the largest residual z. */
    readonly joint?: { readonly centre: number; readonly sd: number };
    /** The channels left out of the autoencoder, predicted from the kept ones (`model`: c inputs, one output per
     * channel, in `channels` order) and scored on the change of their residual (residual-change.ts), in units of `sd`
     * (one per channel of `channels`); reported as their `residual` term. */
    readonly change?: {
      readonly model: DenseAutoencoder;
      readonly channels: readonly number[];
      readonly sd: readonly number[];
    };
  };
  /** The spread term: the component channels' variability over the whole window (log of the mean |row-to-row
   * difference| + floor, standardised), reported as `variability` on the channels by their share of each component. */
  readonly spread?: Standardisation & { readonly components: ComponentChannels; readonly floor: readonly number[] };
  /** The component level: the spread's component channels' mean over the whole window, standardised, reported as
   * `level` on the channels by their share of each component. */
  readonly componentLevel?: Standardisation;
  /** The window variability: each channel's variability over the whole window (window-variability.ts), joined to its
   * variability term. */
  readonly windowVariability?: Standardisation & { readonly floor: readonly number[] };
  /** int8: quantize the terms (uint8) over [0, termRange]. */
  readonly termRange?: number;
}

/** The kinds of term a layout computes, in the order of `term_error`. */
export function termKinds(layout: Pick<DetectorLayout, 'residual'>): TermKind[] {
  return layout.residual ? ['residual', 'level', 'variability'] : ['level', 'variability'];
}

export function detectorGraph(name: string, l: DetectorLayout): OnnxGraph {
  const c = l.mean.length;
  const { windowLength: W, k, lag, aeRows } = l.geometry;
  if (W < k + lag || W < k + 1 || W < aeRows)
    throw new RangeError(
      `window of ${W} rows is shorter than the level (${k} + ${lag}), the variability (${k + 1}) or the autoencoder (${aeRows}) need`,
    );
  const g = new ScoringGraphBuilder({ windowLength: W, mean: l.mean, std: l.std }, W * c);
  const f32 = (name: string, values: readonly number[]) =>
    g.initializers.push({ name, type: TensorType.FLOAT, dims: [values.length], data: Float32Array.from(values) });
  const i64 = (name: string, values: number[]) =>
    g.initializers.push({
      name,
      type: TensorType.INT64,
      dims: [values.length],
      data: BigInt64Array.from(values.map(BigInt)),
    });
  const node = (op: string, name: string, inputs: string[], extra: Partial<OnnxNode> = {}) =>
    g.nodes.push({ op, name, inputs, outputs: [name], ...extra });
  const mean1 = { intsAttributes: { axes: [1] }, intAttributes: { keepdims: 0 } };
  const keep1 = { intsAttributes: { axes: [1] }, intAttributes: { keepdims: 1 } };
  const slice = (name: string, from: number, to: number, input = 'rows') => {
    i64(`${name}_from`, [from]);
    i64(`${name}_to`, [to]);
    node('Slice', name, [input, `${name}_from`, `${name}_to`, 'axis_time']);
  };
  i64('shape_rows', [-1, W, c]);
  i64('axis_time', [1]);
  node('Reshape', 'rows', ['normalised', 'shape_rows']);

  // Level: mean of the last k rows, minus the earlier mean for slow channels.
  f32(
    'slow_mask',
    l.slow.map((s) => (s ? 1 : 0)),
  );
  slice('rows_now', W - k, W);
  node('ReduceMean', 'level_now', ['rows_now'], mean1);
  slice('rows_past', W - k - lag, W - lag);
  node('ReduceMean', 'level_past', ['rows_past'], mean1);
  node('Mul', 'past_of_slow', ['level_past', 'slow_mask']);
  node('Sub', 'level', ['level_now', 'past_of_slow']);
  const standardised = (term: string, s: Standardisation) => {
    f32(`${term}_centre`, s.centre);
    f32(
      `${term}_inv_sd`,
      s.sd.map((v) => 1 / v),
    );
    node('Sub', `${term}_centred`, [term, `${term}_centre`]);
    node('Mul', `${term}_z_signed`, [`${term}_centred`, `${term}_inv_sd`]);
  };
  standardised('level', l.level);
  node('Abs', 'level_z', ['level_z_signed']);

  /** |log(mean |row-to-row difference| over the last `rows` rows of `input` + floor) − centre| / sd. */
  const variabilityZ = (
    term: string,
    input: string,
    rows: number,
    s: Standardisation & { floor: readonly number[]; oneSided?: readonly boolean[] },
  ) => {
    slice(`${term}_rows_now`, W - rows, W, input);
    slice(`${term}_rows_before`, W - rows - 1, W - 1, input);
    node('Sub', `${term}_differences`, [`${term}_rows_now`, `${term}_rows_before`]);
    node('Abs', `${term}_abs_differences`, [`${term}_differences`]);
    node('ReduceMean', `${term}_mean_abs_difference`, [`${term}_abs_differences`], mean1);
    f32(`${term}_floor`, s.floor);
    node('Add', `${term}_floored`, [`${term}_mean_abs_difference`, `${term}_floor`]);
    node('Log', term, [`${term}_floored`]);
    standardised(term, s);
    if (s.oneSided) {
      // |z| on two-sided channels, max(z, 0) on one-sided ones: max(z, −z × two-sided).
      f32(
        `${term}_two_sided`,
        s.oneSided.map((o) => (o ? 0 : 1)),
      );
      node('Neg', `${term}_z_negated`, [`${term}_z_signed`]);
      node('Mul', `${term}_z_lower`, [`${term}_z_negated`, `${term}_two_sided`]);
      g.nodes.push({
        op: 'Max',
        name: `${term}_z`,
        inputs: [`${term}_z_signed`, `${term}_z_lower`],
        outputs: [`${term}_z`],
      });
    } else node('Abs', `${term}_z`, [`${term}_z_signed`]);
    return `${term}_z`;
  };
  // Variability: over the last k rows.
  variabilityZ('variability', 'rows', k, l.variability);

  let variabilityTerm = 'variability_z';
  let levelTerm = 'level_z';
  if (l.spread && l.spread.components.count > 0) {
    const m = l.spread.components.count;
    g.initializers.push(
      {
        name: 'component_projection',
        type: TensorType.FLOAT,
        dims: [c, m],
        data: Float32Array.from(l.spread.components.projection),
      },
      {
        name: 'component_share',
        type: TensorType.FLOAT,
        dims: [m, c],
        data: Float32Array.from(l.spread.components.share),
      },
    );
    node('MatMul', 'component_rows', ['rows', 'component_projection']);
    i64('component_axes', [2]);
    /** A component term `z` ([batch, m]) on the channels by their share of each component ([batch, m, 1] × share
     * [m, c] → the largest over the components), merged into the channel term `own`; returns the merged term. */
    const joinOnChannels = (z: string, own: string, merged: string, share = 'component_share') => {
      node('Unsqueeze', `${z}_3d`, [z, 'component_axes']);
      node('Mul', `${z}_on_channels`, [`${z}_3d`, share]);
      node('ReduceMax', `${z}_by_channel`, [`${z}_on_channels`], mean1);
      g.nodes.push({ op: 'Max', name: merged, inputs: [own, `${z}_by_channel`], outputs: [merged] });
      return merged;
    };
    variabilityZ('spread', 'component_rows', W - 1, l.spread);
    variabilityTerm = joinOnChannels('spread_z', 'variability_z', 'variability_or_spread');
    if (l.componentLevel) {
      node('ReduceMean', 'component_level', ['component_rows'], mean1);
      standardised('component_level', l.componentLevel);
      node('Abs', 'component_level_z', ['component_level_z_signed']);
      // On the channels by their part in this window's move of each component: |weight × (the channel's mean over the
      // window − its level centre)| over the largest part, not by the weight alone, which put a vibration's rise on
      // a speed that weighed as much in a component of noise and never moved (newcomer walk, 2026-12-07). The
      // channel with the largest part carries the whole z, so the score is the same.
      const weights = new Float32Array(m * c);
      for (let ch = 0; ch < c; ch++)
        for (let k = 0; k < m; k++) weights[k * c + ch] = l.spread.components.projection[ch * m + k];
      g.initializers.push({ name: 'component_weight', type: TensorType.FLOAT, dims: [m, c], data: weights });
      node('ReduceMean', 'window_mean', ['rows'], mean1);
      f32('window_mean_centre', l.level.centre);
      node('Sub', 'window_mean_centred', ['window_mean', 'window_mean_centre']);
      i64('part_axes', [1]);
      node('Unsqueeze', 'window_mean_3d', ['window_mean_centred', 'part_axes']);
      node('Mul', 'component_parts_signed', ['window_mean_3d', 'component_weight']);
      node('Abs', 'component_parts', ['component_parts_signed']);
      node('ReduceMax', 'component_largest_part', ['component_parts'], {
        intsAttributes: { axes: [2] },
        intAttributes: { keepdims: 1 },
      });
      f32('component_part_floor', [PART_FLOOR]);
      node('Max', 'component_largest_part_floored', ['component_largest_part', 'component_part_floor']);
      node('Div', 'component_level_share', ['component_parts', 'component_largest_part_floored']);
      levelTerm = joinOnChannels('component_level_z', 'level_z', 'level_or_component_level', 'component_level_share');
    }
  }
  if (l.windowVariability) {
    variabilityZ('window_variability', 'rows', W - 1, l.windowVariability);
    const merged = 'variability_or_window';
    g.nodes.push({ op: 'Max', name: merged, inputs: [variabilityTerm, 'window_variability_z'], outputs: [merged] });
    variabilityTerm = merged;
  }
  const terms = [levelTerm, variabilityTerm];
  /** The left-out channels' residual change (residual-change.ts) over the whole window, in units of its spread,
   * placed on its channels ([batch, c], zero elsewhere); returns its name. */
  const residualChangeOnChannels = (change: NonNullable<NonNullable<DetectorLayout['residual']>['change']>) => {
    const m = change.channels.length;
    if (W <= aeRows)
      throw new RangeError(`window of ${W} rows leaves no rows before the last ${aeRows} to compare with`);
    if (change.model.inputSize !== c || change.model.layers[0].outputs !== m)
      throw new RangeError(`residual change model maps ${change.model.inputSize} values to ${m}, the layout has ${c}`);
    i64('shape_change_input', [-1, c]);
    node('Reshape', 'change_input', ['rows', 'shape_change_input']);
    denseLayers(g, change.model, 'change_input', undefined, l.residual?.int8Weights === true, 'change_');
    i64('change_channels', [...change.channels]);
    node('Gather', 'change_actual', ['change_input', 'change_channels'], { intAttributes: { axis: 1 } });
    node('Sub', 'change_error', ['change_reconstruction', 'change_actual']);
    i64('shape_change_rows', [-1, W, m]);
    node('Reshape', 'change_error_rows', ['change_error', 'shape_change_rows']);
    slice('change_before', W - aeRows - changeBeforeRows(W, aeRows), W - aeRows, 'change_error_rows');
    node('ReduceMean', 'change_before_mean', ['change_before'], keep1);
    slice('change_now', W - aeRows, W, 'change_error_rows');
    node('Sub', 'change_moved', ['change_now', 'change_before_mean']);
    node('Mul', 'change_squared', ['change_moved', 'change_moved']);
    node('ReduceMean', 'change_mean_squared', ['change_squared'], mean1);
    node('Sqrt', 'change_rms', ['change_mean_squared']);
    f32(
      'change_inv_sd',
      change.sd.map((v) => 1 / v),
    );
    node('Mul', 'change_z', ['change_rms', 'change_inv_sd']);
    f32('change_z_limit', [CHANGE_Z_LIMIT]);
    node('Min', 'change_bounded_z', ['change_z', 'change_z_limit']);
    const placement = new Float32Array(m * c);
    change.channels.forEach((ch, o) => (placement[o * c + ch] = 1));
    g.initializers.push({ name: 'change_placement', type: TensorType.FLOAT, dims: [m, c], data: placement });
    node('MatMul', 'change_on_channels', ['change_bounded_z', 'change_placement']);
    return 'change_on_channels';
  };
  if (l.residual) {
    const r = l.residual;
    if (r.autoencoder.inputSize !== c)
      throw new RangeError(`autoencoder takes ${r.autoencoder.inputSize} values, the layout has ${c} channels`);
    slice('ae_rows', W - aeRows, W);
    i64('shape_ae', [-1, c]);
    node('Reshape', 'ae_input', ['ae_rows', 'shape_ae']);
    // int8 weights, fp32 activations: uint8 activations add reconstruction noise of the size of a good
    // row autoencoder's residual, which the residual term would read as anomaly (int8 F1 0.05 off fp32 on SKAB).
    denseLayers(g, r.autoencoder, 'ae_input', undefined, r.int8Weights === true, 'linear_');
    i64('shape_ae_rows', [-1, aeRows, c]);
    node('Sub', 'linear_ae_error', ['linear_reconstruction', 'ae_input']);
    node('Reshape', 'linear_ae_error_rows', ['linear_ae_error', 'shape_ae_rows']);
    node('Mul', 'linear_ae_squared_error', ['linear_ae_error_rows', 'linear_ae_error_rows']);
    node('ReduceMean', 'linear_ae_mean_squared_error', ['linear_ae_squared_error'], mean1);
    node('Sqrt', 'linear_residual', ['linear_ae_mean_squared_error']);
    standardised('linear_residual', r);
    node('Relu', 'linear_residual_z', ['linear_residual_z_signed']);
    const inputs = ['linear_residual_z'];
    if (r.meanSd) {
      node('ReduceMean', 'linear_mean_error', ['linear_ae_error_rows'], mean1);
      node('Abs', 'linear_abs_mean_error', ['linear_mean_error']);
      f32(
        'linear_mean_inv_sd',
        r.meanSd.map((v) => 1 / v),
      );
      node('Mul', 'linear_mean_z', ['linear_abs_mean_error', 'linear_mean_inv_sd']);
      inputs.push('linear_mean_z');
    }
    if (r.joint) {
      f32('joint_z_limit', [JOINT_Z_LIMIT]);
      node('Min', 'linear_bounded_z', ['linear_residual_z', 'joint_z_limit']);
      node('Mul', 'linear_squared_z', ['linear_bounded_z', 'linear_bounded_z']);
      node('ReduceMean', 'linear_mean_squared_z', ['linear_squared_z'], keep1);
      node('Sqrt', 'joint_residual', ['linear_mean_squared_z']);
      standardised('joint_residual', { centre: [r.joint.centre], sd: [r.joint.sd] });
      node('Relu', 'joint_residual_z', ['joint_residual_z_signed']);
      node('ReduceMax', 'linear_largest_z', ['linear_bounded_z'], keep1);
      f32('joint_share_epsilon', [JOINT_SHARE_EPSILON]);
      node('Add', 'linear_largest_z_safe', ['linear_largest_z', 'joint_share_epsilon']);
      node('Div', 'joint_share', ['linear_bounded_z', 'linear_largest_z_safe']);
      node('Mul', 'joint_on_channels', ['joint_residual_z', 'joint_share']);
      inputs.push('joint_on_channels');
    }
    if (r.change) inputs.push(residualChangeOnChannels(r.change));
    g.nodes.push({ op: 'Max', name: 'residual_z', inputs, outputs: ['residual_z'] });
    terms.unshift('residual_z');
  }
  g.nodes.push({ op: 'Concat', name: 'terms', inputs: terms, outputs: ['terms'], intAttributes: { axis: 1 } });
  let termsOut = 'terms';
  if (l.termRange) {
    const q = uint8Params({ min: 0, max: l.termRange });
    g.initializers.push(
      { name: 'term_scale', type: TensorType.FLOAT, dims: [], data: Float32Array.of(q.scale) },
      { name: 'term_zero_point', type: TensorType.UINT8, dims: [], data: Uint8Array.of(q.zeroPoint) },
    );
    node('QuantizeLinear', 'terms_q', ['terms', 'term_scale', 'term_zero_point']);
    node('DequantizeLinear', 'terms_dq', ['terms_q', 'term_scale', 'term_zero_point']);
    termsOut = 'terms_dq';
  }
  // Which channel and term: from the terms before quantization, so that terms above the int8 range keep their order
  // (a strong fault saturates several channels at the range's top, and their shares would tie); the score, the
  // verdict, is the quantized terms' largest.
  g.nodes.push({ op: 'Identity', name: 'term_output', inputs: ['terms'], outputs: [TERM_OUTPUT] });
  i64('shape_kinds', [-1, terms.length, c]);
  node('Reshape', 'terms_by_kind', ['terms', 'shape_kinds']);
  g.nodes.push({
    op: 'ReduceMax',
    name: 'largest_term',
    inputs: ['terms_by_kind'],
    outputs: [CHANNEL_OUTPUT],
    ...mean1,
  });
  let scored = CHANNEL_OUTPUT;
  if (termsOut !== 'terms') {
    node('Reshape', 'terms_q_by_kind', [termsOut, 'shape_kinds']);
    g.nodes.push({
      op: 'ReduceMax',
      name: 'largest_term_q',
      inputs: ['terms_q_by_kind'],
      outputs: ['channel_q'],
      ...mean1,
    });
    scored = 'channel_q';
  }
  g.nodes.push({
    op: 'ReduceMax',
    name: 'largest_channel',
    inputs: [scored],
    outputs: [SCORE_OUTPUT],
    ...mean1,
  });
  return {
    name,
    nodes: g.nodes,
    initializers: g.initializers.filter((t) => t.name !== 'error_shape'),
    inputs: [{ name: INPUT_NAME, type: TensorType.FLOAT, shape: ['batch', W * c] }],
    outputs: [
      { name: SCORE_OUTPUT, type: TensorType.FLOAT, shape: ['batch'] },
      { name: CHANNEL_OUTPUT, type: TensorType.FLOAT, shape: ['batch', c] },
      { name: TERM_OUTPUT, type: TensorType.FLOAT, shape: ['batch', terms.length * c] },
    ],
  };
}
