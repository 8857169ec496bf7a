/**
 * Fits the stats and hybrid detectors on rows of normal operation (pure apart from scoring the
 * candidate graphs in onnxruntime): split the rows into training and held-out parts, find the slow
 * channels, standardise every term on the training windows, fit the hybrid's leave-one-out linear
 * autoencoder on every row, export fp32 and int8 graphs, and return the cross-fitted scores
 * of every window for the threshold calibration (fit-detector.ts).
 */
import { channelResolution, levelMinSd, variabilityScale } from './channel-resolution.js';
import {
  chooseRidge,
  columnsOf,
  fitLeftOutFromKept,
  fitLeaveOneOutWithout,
  int8RoundingSpread,
  outOfFoldResiduals,
  ridgeCurve,
} from './leave-one-out.js';
import {
  jointOnChannels,
  jointResidual,
  autoencoderInput,
  centreAndSpread,
  levelFeature,
  normaliseRows,
  residualOverRows,
  slowChannels,
  typicalVariability,
  variabilityFeature,
  variabilityFloor,
  componentChannels,
  componentRows,
  meanOverRows,
  type ComponentChannels,
  type DetectorGeometry,
} from './detector-features.js';
import type { TermKind } from '../core/types.js';
import { detectorGraph, termKinds, type DetectorLayout } from './detector-graph.js';
import { encodeOnnxModel } from './onnx-writer.js';
import { DenseAutoencoder } from './dense-autoencoder.js';
import { roundToInt8Grid } from './weight-rounding.js';
import { channelStats } from './sim-recording.js';
import { changeBeforeRows, leftOutResiduals, residualChange } from './residual-change.js';

export interface NormalRows {
  readonly channels: readonly string[];
  readonly periodMs: number;
  /** Time-major rows × channels. */
  readonly rows: Float64Array;
  readonly rowCount: number;
}

export interface StatisticalFitOptions {
  readonly hybrid: boolean;
  readonly geometry: DetectorGeometry;
  /** Rows at the end held out for the golden window and the int8 check (the hybrid's autoencoder learns from them
   * too). */
  readonly heldOutRows: number;
  /** Names of channels to treat as slow instead of finding them from the data. */
  readonly slowChannels?: readonly string[];
}

export interface StatisticalFit {
  readonly layout: DetectorLayout;
  readonly mean: number[];
  readonly std: number[];
  readonly slowR2: number[];
  /** Per channel: spread of the level across the training span / median spread within a window (slow above 1). */
  readonly slowRatio: number[];
  /** Per channel: the level term's out-of-fold scale (outOfFoldScale), by which its in-sample sd is widened. */
  readonly levelScale: number[];
  readonly trainWindows: number;
  readonly heldOutEnds: readonly number[];
  /** The hybrid's autoencoder, described for the manifest, and its fit over the ridges tried (ridgeCurve). */
  readonly autoencoder?: {
    readonly architecture: string;
    readonly ridgeCurve?: { readonly ridge: number[]; readonly train: number[]; readonly validation: number[] };
  };
  /**
   * Out-of-sample scores of every window for the calibration, one array per block in time order:
   * the rows are cut into CROSS_FIT_BLOCKS blocks; each window's level and variability terms are
   * standardised on the windows that do not overlap it (crossFittedZ: a drift across the span shows,
   * as it will in operation), and each block's residuals come from autoencoders fitted on the other
   * blocks' windows that share no row with it.
   */
  readonly calibrationSegments: readonly Float64Array[];
  /** The term and window behind the largest of those scores: what sets how high the alarm must sit. */
  readonly largestNormalTerm: NamedTerm;
  /** Graph bytes for a given term range (int8) or none (fp32). */
  readonly encode: (name: string, int8TermRange?: number) => Uint8Array;
}

export function fitStatistical(data: NormalRows, o: StatisticalFitOptions): StatisticalFit {
  const g = o.geometry;
  const c = data.channels.length;
  const n = data.rowCount;
  const split = n - o.heldOutRows;
  const W = g.windowLength;
  if (split - (W - 1) < 20 || o.heldOutRows < 20) {
    throw new Error(
      `${n} rows of normal operation are too few: a window is ${W} rows, and both the ${split} training and the ${o.heldOutRows} held-out rows need at least 20 windows`,
    );
  }
  // Each window's terms are standardised on the windows that do not overlap it (crossFittedZ): at least 2 of them.
  const fewestRows = fewestWindowsToCompare(W) + W - 1;
  if (n < fewestRows) {
    throw new Error(
      `${n} rows of normal operation are too few: a window is ${W} rows, and each window is compared with the windows that do not overlap it, which needs at least ${fewestRows} rows`,
    );
  }
  // Normalisation, slow channels and the terms' standardisation use every row; only the
  // autoencoder holds rows out (it is fitted on the training part), and the calibration is cross-fitted.
  const { mean, std } = channelStats(data);
  const x = normaliseRows(data.rows, mean, std);
  const found = slowChannels(x, n, c, g.k, W);
  const slow = o.slowChannels ? data.channels.map((ch) => o.slowChannels!.includes(ch)) : found.slow;
  const trainEnds = Array.from({ length: split - (W - 1) }, (_, i) => W - 1 + i);
  const heldOutEnds = Array.from({ length: n - split }, (_, i) => split + i);
  const allEnds = [...trainEnds, ...heldOutEnds];
  const levels = allEnds.map((e) => levelFeature(x, e, c, g, slow));
  // Quantised channels (integer registers, status words): no term is known more finely than one step allows.
  const resolution = channelResolution(x, n, c);
  const { floor, minSd: variabilityLeast } = variabilityScale(typicalVariability(x, n, c, g), resolution, g.k);
  const least = [levelMinSd(resolution), variabilityLeast];
  const variabilities = allEnds.map((e) => variabilityFeature(x, e, c, g.k, floor));
  // The level term in units of its out-of-fold spread: a channel whose level wanders across the span is judged by how
  // far it wanders, so it neither sets the alarm for every other channel nor hides a fault on a steady one.
  // Each window's level and variability standardised on the windows that do not overlap it (the calibration's terms).
  const { z: levelZ, scale: levelScale, ...level } = outOfFoldLevel(W, levels, least[0]);
  const signedZ = [levelZ, crossFittedZ(W, variabilities, least[1])];
  const termScale = [levelScale];
  const variability = { floor, ...centreAndSpread(variabilities, least[1]) };
  const { spread: componentTerm, componentLevel, componentZ: spreadZ } = componentTerms(x, n, c, slow, g, allEnds);
  const base = {
    geometry: g,
    mean,
    std,
    slow,
    level,
    variability,
    ...(componentTerm ? { spread: componentTerm, componentLevel } : {}),
  };
  if (!o.hybrid) {
    const { segments: calibrationSegments, largest } = crossFitted(signedZ, spreadZ, termScale);
    return {
      layout: base,
      mean,
      std,
      slowR2: found.r2,
      slowRatio: found.ratio,
      levelScale,
      trainWindows: trainEnds.length,
      heldOutEnds,
      calibrationSegments,
      largestNormalTerm: nameLargest(largest, allEnds, data.channels, false, componentTerm?.components),
      encode: (name, range) => encode(name, { ...base, ...(range ? { termRange: range } : {}) }),
    };
  }
  const d = g.aeRows * c; // one window's autoencoder rows; the autoencoder runs row by row
  const aeInputs = (ends: readonly number[]) => {
    const out = new Float64Array(ends.length * d);
    ends.forEach((e, i) => autoencoderInput(x, e, c, g.aeRows, out, i * d));
    return out;
  };
  // The autoencoder learns from windows aeRows apart: every row once, as the graph feeds it. It learns from every
  // window, those the detector holds out included (they are held out for the golden window and the int8 check, which
  // compare the graphs, not for the fit): fitted on the first three quarters, it raised more false alarms on every
  // plant measured (docs/detection-history.md, "The deployed model on every row, its ridge chosen on every row").
  const apart = (ends: readonly number[]) => ends.filter((_, i) => i % g.aeRows === 0);
  const xAll = aeInputs(apart(allEnds));
  const allRows = xAll.length / c;
  // The leave-one-out linear autoencoder: each channel's ridge chosen on every row, as the wander test below reads
  // them (on the training part alone, 96 rows of a 160-row span, folds of 72 rows chose a ridge 100× too large for a
  // valve predicted from a pressure difference); channels whose residual wanders (the slow-channel test on its
  // out-of-fold residual: a level nothing else explains) are left out of it.
  const ridge = chooseRidge(x, c, crossFitBlocks(n));
  // Out of fold (each block of rows predicted by a fit on the others): a level that only wanders in time, like an
  // ageing sensor, is absorbed by a fit over the same rows but shows as block-to-block offsets here.
  const wandering = outOfFoldResiduals(x, c, ridge, crossFitBlocks(n));
  const spread = channelStats({ ...data, rows: wandering, rowCount: n });
  const wanders = slowChannels(normaliseRows(wandering, spread.mean, spread.std), n, c, g.k, W).slow;
  // One channel cannot be predicted from the others alone: with fewer than two kept, none is in the linear model
  // (a kept channel would copy itself, and its zero residual over a floored spread would read as an anomaly).
  const leftOut = wanders.filter((w) => !w).length < 2 ? wanders.map(() => true) : wanders;
  const linearFit = (rows: Float64Array) => fitLeaveOneOutWithout(rows, rows.length / c, c, ridge, leftOut);
  // For a person (the report): how the model's channels are predicted at each ridge tried, in sample and out of fold.
  const keptChannels = leftOut.flatMap((l, ch) => (l ? [] : [ch]));
  const curve =
    keptChannels.length >= 2
      ? ridgeCurve(columnsOf(x, c, keptChannels), keptChannels.length, crossFitBlocks(n))
      : undefined;
  // Out-of-fold residuals, as the level and variability terms are cross-fitted: for each block the model is fitted
  // on the windows of the other blocks and scores the block's windows. The residual spread of each channel and the
  // calibration scores come from these, so a residual is judged as on data the model never saw. Each fold learns
  // from 7/8 of the windows (RESIDUAL_FIT_BLOCKS), near the deployed model's every window: with 3/4, a 160-row span
  // left 120 rows a fold for 52 channels, whose poorer fits widened every residual's spread and hid compensated faults.
  const residuals: Float64Array[] = new Array(allEnds.length);
  const means: Float64Array[] = new Array(allEnds.length);
  // The left-out channels, predicted from the kept ones, scored on the change of their residual (residual-change.ts).
  const changeChannels =
    W > g.aeRows ? (keptChannels.length >= 2 ? leftOut.flatMap((l, ch) => (l ? [ch] : [])) : []) : [];
  const changeFit = (rows: Float64Array) =>
    changeChannels.length > 0 ? fitLeftOutFromKept(rows, rows.length / c, c, ridge, leftOut) : undefined;
  const changes: Float64Array[] = new Array(allEnds.length);
  crossFitBlocks(allEnds.length, RESIDUAL_FIT_BLOCKS).forEach(([from, to]) => {
    // The fold never sees the rows a residual of the block reads: its windows' last aeRows rows (a margin of W, as the
    // level's, left the middle blocks of a 160-row span 32 rows to fit 52 channels on, and their residuals' spread
    // then muted the residual term for every window).
    const xFold = aeInputs(apart(otherWindows(allEnds.length, from, to, g.aeRows).map((i) => allEnds[i])));
    const xBlock = aeInputs(allEnds.slice(from, to));
    const recon = linearFit(xFold).reconstruct(xBlock, (to - from) * g.aeRows);
    for (let i = from; i < to; i++) {
      residuals[i] = residualOverRows(xBlock, recon, (i - from) * d, g.aeRows, c);
      means[i] = residualOverRows(xBlock, recon, (i - from) * d, g.aeRows, c, 'mean');
    }
    const foldChange = changeFit(xFold);
    if (foldChange) {
      const errors = leftOutResiduals(foldChange, x, n, c, changeChannels);
      const before = changeBeforeRows(W, g.aeRows);
      for (let i = from; i < to; i++)
        changes[i] = residualChange(errors, allEnds[i], changeChannels.length, g.aeRows, before);
    }
  });
  // Each channel's residual in units of its own out-of-fold spread (RMS), so a noisy channel does not dominate; a
  // channel left out of the model has no residual (spread 1 keeps its zero a zero). A quantised channel's residual is
  // no better known than its step allows (least[0]: step/√12), as its level, and no channel's is known better than the
  // int8 graph's weights resolve it (their rounding's effect on the training rows; both graphs use the same spread).
  // The int8 graph's weights are rounded with the errors cancelled on those rows (weight-rounding.ts).
  const deployed = linearFit(xAll);
  const int8Model = DenseAutoencoder.fromLayers([
    { ...deployed.layers[0], weights: roundToInt8Grid(deployed.layers[0].weights, c, c, xAll, allRows) },
  ]);
  const rounding = int8RoundingSpread(deployed, int8Model.layers[0].weights, xAll, allRows, c);
  // What the model meets ahead of its rows: the last quarter of the windows predicted by a fit on the rest (their
  // past), each channel's mean residual there. A relation that drifts through the span (an ageing analyser that the
  // wander test does not flag) shows there as an offset, which the interpolating folds above do not see; it joins each
  // spread in quadrature, so the deployed model does not alarm on the drift it was shown.
  const quarters = crossFitBlocks(allEnds.length);
  const [lastFrom, lastTo] = quarters[quarters.length - 1];
  const xLast = aeInputs(allEnds.slice(lastFrom, lastTo));
  const lastRows = xLast.length / c;
  const xPast = aeInputs(apart(otherWindows(allEnds.length, lastFrom, lastTo, g.aeRows).map((i) => allEnds[i])));
  const ahead = residualOverRows(xLast, linearFit(xPast).reconstruct(xLast, lastRows), 0, lastRows, c, 'mean');
  const rmsSpread = (rs: readonly Float64Array[], ch: number) =>
    leftOut[ch] ? 1 : Math.hypot(Math.max(least[0][ch], rounding[ch], rmsOf(rs, ch)), ahead[ch]);
  const sd = Array.from({ length: c }, (_, ch) => rmsSpread(residuals, ch));
  const changeModel = changeFit(xAll);
  const int8ChangeModel =
    changeModel &&
    DenseAutoencoder.fromLayers([
      {
        ...changeModel.layers[0],
        weights: roundToInt8Grid(changeModel.layers[0].weights, c, changeChannels.length, xAll, allRows),
      },
    ]);
  const changeRounding =
    changeModel && int8RoundingSpread(changeModel, int8ChangeModel!.layers[0].weights, xAll, allRows, c);
  // Its spread: its own out-of-fold RMS, no finer than the channel's step or the int8 weights resolve it.
  const change = changeModel && {
    model: changeModel,
    channels: changeChannels,
    sd: changeChannels.map((ch, o) => Math.max(least[0][ch], changeRounding![o], rmsOf(changes, o))),
  };
  const meanSd = Array.from({ length: c }, (_, ch) => rmsSpread(means, ch));
  // The joint residual: the residual's z over all channels at once (none when no channel is in the model),
  // standardised on the windows that do not overlap each, reported on the channels by their share.
  const residualZs = residuals.map((r) => r.map((v, ch) => v / sd[ch]));
  const joint = leftOut.every((l) => l) ? undefined : jointStandardisation(residualZs.map(jointResidual), W);
  const residualZ = residualZs.map((z, i) => {
    const shared = joint ? jointOnChannels(z, joint.z[i]) : undefined;
    const own = z.map((v, ch) => Math.max(0, v, Math.abs(means[i][ch]) / meanSd[ch], shared?.[ch] ?? 0));
    change?.channels.forEach((ch, o) => (own[ch] = Math.max(own[ch], changes[i][o] / change.sd[o])));
    return own;
  });
  const { segments: calibrationSegments, largest } = crossFitted(
    signedZ,
    spreadZ ? residualZ.map((r, i) => Float64Array.of(...r, ...spreadZ[i])) : residualZ,
    termScale,
  );
  const layout: DetectorLayout = {
    ...base,
    residual: {
      centre: new Array<number>(c).fill(0),
      sd,
      meanSd,
      autoencoder: deployed,
      ...(joint ? { joint: { centre: joint.centre, sd: joint.sd } } : {}),
      ...(change ? { change } : {}),
    },
  };
  return {
    layout,
    mean,
    std,
    slowR2: found.r2,
    slowRatio: found.ratio,
    levelScale,
    trainWindows: trainEnds.length,
    heldOutEnds,
    calibrationSegments,
    largestNormalTerm: nameLargest(largest, allEnds, data.channels, true, componentTerm?.components),
    autoencoder: {
      architecture: `leave-one-out linear autoencoder per row (each channel rebuilt from the others: ridge regression with a zero diagonal, each channel's ridge ${ridgeRange(ridge)} × the mean variance, chosen by ${CROSS_FIT_BLOCKS}-block cross-validation; left out: ${data.channels.filter((_, i) => leftOut[i]).join(', ') || 'none'}), its residual RMS and signed mean over the last ${g.aeRows} rows, spread and calibration out of fold (${RESIDUAL_FIT_BLOCKS} blocks), the spread widened by the mean residual met on the last quarter predicted from the rest${joint ? `; the residual's RMS over all ${c} channels, those left out counting as zero (the joint residual) joins it on each channel by its share` : ''}${change ? `; the channels left out predicted from the kept ones, scored on how far their residual over the last ${g.aeRows} rows moves from its mean over the ${changeBeforeRows(W, g.aeRows)} rows before` : ''}`,
      ...(curve ? { ridgeCurve: curve } : {}),
    },
    encode: (name, range) =>
      encode(
        name,
        range
          ? {
              ...layout,
              termRange: range,
              residual: {
                ...layout.residual!,
                autoencoder: int8Model,
                int8Weights: true,
                ...(change ? { change: { ...change, model: int8ChangeModel! } } : {}),
              },
            }
          : layout,
      ),
  };
}

/**
 * The component terms (detector-features.ts), standardised, with every window's z for the calibration (the spread's
 * then the level's, component by component).
 * - The spread: the component channels' variability over the whole window (W − 1 differences). Its centre is the mean
 *   over the training windows; its sd is the k-row variability's times √(k / (W − 1)), as for independent differences:
 *   a few hundred overlapping windows hold too few independent whole-window values to estimate it (estimated from
 *   them, the calibration put `on` at 8–10 z on some files).
 * - The level: their mean over the whole window, standardised as each channel's level (on the windows that do not
 *   overlap it, in units of its out-of-fold spread), so a component that wanders with a slow disturbance is judged by
 *   how far it wanders.
 */
function componentTerms(
  x: Float64Array,
  n: number,
  c: number,
  slow: readonly boolean[],
  g: DetectorGeometry,
  ends: readonly number[],
): {
  spread?: NonNullable<DetectorLayout['spread']>;
  componentLevel?: NonNullable<DetectorLayout['componentLevel']>;
  componentZ?: Float64Array[];
} {
  const components = componentChannels(x, n, c, slow);
  const m = components.count;
  if (m === 0) return {};
  const y = componentRows(x, n, c, components);
  const whole = g.windowLength - 1;
  const floor = variabilityFloor(y, n, m, { ...g, k: whole });
  const values = ends.map((e) => variabilityFeature(y, e, m, whole, floor));
  const shortFloor = variabilityFloor(y, n, m, g);
  const short = centreAndSpread(ends.map((e) => variabilityFeature(y, e, m, g.k, shortFloor)));
  const { centre } = centreAndSpread(values);
  const sd = short.sd.map((v) => v * Math.sqrt(g.k / whole));
  const {
    z: levelZ,
    scale: levelScale,
    ...componentLevel
  } = outOfFoldLevel(
    g.windowLength,
    ends.map((e) => meanOverRows(y, e, m, g.windowLength)),
  );
  return {
    spread: { components, floor, centre, sd },
    componentLevel,
    componentZ: values.map((v, w) =>
      Float64Array.of(
        ...v.map((value, i) => Math.abs(value - centre[i]) / sd[i]),
        ...levelZ[w].map((z, i) => z / levelScale[i]),
      ),
    ),
  };
}

/**
 * A level term in units of its out-of-fold spread (a channel's, or a component's): each window's |z| against the
 * windows that do not overlap it (crossFittedZ, for the calibration), its out-of-fold scale (outOfFoldScale), and the
 * graph's standardisation: the in-sample centre, and the in-sample sd (at least `minSd`) widened by that scale.
 */
function outOfFoldLevel(
  windowLength: number,
  levels: readonly Float64Array[],
  minSd?: readonly number[],
): { centre: number[]; sd: number[]; z: Float64Array[]; scale: number[] } {
  const z = crossFittedZ(windowLength, levels, minSd);
  const scale = outOfFoldScale(z);
  const inSample = centreAndSpread(levels, minSd);
  return { centre: inSample.centre, sd: inSample.sd.map((v, i) => v * scale[i]), z, scale };
}

/** The per-channel ridges for a person: one value, or the range. */
function ridgeRange(ridge: readonly number[]): string {
  const [low, high] = [Math.min(...ridge), Math.max(...ridge)];
  return low === high ? `${low}` : `${low} to ${high}`;
}

/** Blocks the rows are cut into for the cross-fitted calibration scores. */
export const CROSS_FIT_BLOCKS = 4;

/** Blocks of the leave-one-out model's cross-fitted residuals: each fold learns from 7/8 of the windows. */
export const RESIDUAL_FIT_BLOCKS = 8;

/** The [from, to) index ranges of the cross-fit blocks of n windows. */
export function crossFitBlocks(n: number, blocks = CROSS_FIT_BLOCKS): [number, number][] {
  const size = Math.ceil(n / blocks);
  const out: [number, number][] = [];
  for (let b = 0; b < blocks; b++) if (b * size < n) out.push([b * size, Math.min(n, (b + 1) * size)]);
  return out;
}

/** Where the largest cross-fitted score came from: the window (index into the ends), the feature (an index into the
 * signed features' z, or their count for the fixed terms) and its entry (a channel, or a fixed term's index). */
export interface LargestTerm {
  readonly window: number;
  readonly feature: number;
  readonly entry: number;
  readonly z: number;
}

/**
 * The fewest windows (hop 1) of `windowLength` rows in which every window has at least 2 others ending more than
 * windowLength rows from it (crossFittedZ's reference): the middle window leaves out itself and windowLength windows on
 * each side.
 */
export function fewestWindowsToCompare(windowLength: number): number {
  return 2 * windowLength + 3;
}

/**
 * A signed feature's z of every window, standardised on every window that does not overlap it (a window ending
 * more than windowLength rows before or after it; the one ending exactly windowLength rows away shares no row either,
 * but is left out as otherWindows leaves it out): leave one window out, not a block. Each sd is at least `minSd` (per
 * channel: what a quantised channel's step allows). Blocks of windows (as the autoencoder's cross-fit must use, one
 * fit per block) would leave out a whole block and its margins: on a 160-row span the middle blocks' references are
 * 32 windows, whose sd's own noise then reads as z of 6-10 in normal rows and sets the alarm level. Sums over the
 * references come from prefix sums: O(windows x channels).
 */
export function crossFittedZ(
  windowLength: number,
  feature: readonly Float64Array[],
  minSd?: readonly number[],
  /** Keep the sign (a one-sided term); by default |z|. */
  signed = false,
): Float64Array[] {
  const n = feature.length;
  if (n < fewestWindowsToCompare(windowLength))
    throw new Error(
      `${n} windows of ${windowLength} rows leave some window fewer than 2 others to compare with (at least ${fewestWindowsToCompare(windowLength)} are needed)`,
    );
  const c = feature[0].length;
  // Sums of the feature less its mean (so the squares do not cancel), from window 0 up to each window.
  const offset = Array.from({ length: c }, (_, ch) => feature.reduce((a, f) => a + f[ch], 0) / n);
  const sum = Array.from({ length: c }, () => new Float64Array(n + 1));
  const squares = Array.from({ length: c }, () => new Float64Array(n + 1));
  feature.forEach((f, i) =>
    f.forEach((v, ch) => {
      sum[ch][i + 1] = sum[ch][i] + (v - offset[ch]);
      squares[ch][i + 1] = squares[ch][i] + (v - offset[ch]) ** 2;
    }),
  );
  return feature.map((f, i) => {
    // The reference: windows [0, before) and [after, n).
    const before = Math.max(0, i - windowLength);
    const after = Math.min(n, i + 1 + windowLength);
    const m = before + n - after;
    return f.map((v, ch) => {
      const mean = (sum[ch][before] + sum[ch][n] - sum[ch][after]) / m;
      const sq = squares[ch][before] + squares[ch][n] - squares[ch][after];
      const sd = Math.max(Math.sqrt(Math.max(0, sq - m * mean * mean) / (m - 1)), minSd?.[ch] ?? 1e-6);
      const z = (v - offset[ch] - mean) / sd;
      return signed ? z : Math.abs(z);
    });
  });
}

/**
 * The joint residual's standardisation (one value per window, detector-features.ts: jointResidual): one-sided, each
 * window against every window that does not overlap it (crossFittedZ), in units of the RMS of those z (at least 1, as
 * the level's out-of-fold scale). The graph's centre and sd are the values' mean and sd, the sd times that scale; `z`
 * is every window's cross-fitted value for the calibration.
 */
export function jointStandardisation(
  values: readonly number[],
  windowLength: number,
): { centre: number; sd: number; z: Float64Array } {
  const rows = values.map((v) => Float64Array.of(v));
  const signed = crossFittedZ(windowLength, rows, undefined, true);
  const [scale] = outOfFoldScale(signed);
  const {
    centre: [centre],
    sd: [sd],
  } = centreAndSpread(rows);
  return { centre, sd: sd * scale, z: Float64Array.from(signed, ([z]) => Math.max(0, z) / scale) };
}

/**
 * The indices i of the windows (of n, hop 1) with i < from − margin or i ≥ to + margin: outside the block [from, to)
 * and, with `margin` the rows a term reads (windowLength for the level and variability, aeRows for the residual's
 * folds), reading no row the block's windows read.
 */
export function otherWindows(n: number, from: number, to: number, margin: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (i < from - margin || i >= to + margin) out.push(i);
  return out;
}

/** Root mean square of entry `ch` over the rows. */
function rmsOf(rows: readonly Float64Array[], ch: number): number {
  return Math.sqrt(rows.reduce((a, r) => a + r[ch] ** 2, 0) / rows.length);
}

/**
 * Per channel, the RMS of a cross-fitted z (crossFittedZ), at least 1: how much wider the term spreads on data its
 * standardisation did not see than on the data it did. About 1 for a stationary channel (never below: no term is made
 * more sensitive than its in-sample spread says); above 1 for a level that leaves its range for a while (a slow process
 * variation the in-sample sd of a few hundred rows understates: measured against the windows that do not overlap
 * it, a stretch of a few window lengths away from the rest reads as large z), without bound: such a level is heard
 * that much less, and the manifest lists every channel's scale (training.level_out_of_fold_scale).
 */
export function outOfFoldScale(z: readonly Float64Array[]): number[] {
  return Array.from({ length: z[0].length }, (_, ch) => Math.max(1, rmsOf(z, ch)));
}

/**
 * Scores of every window, one array per cross-fit block: the largest of the signed features' cross-fitted z
 * (crossFittedZ, per feature and window), each divided by `scale[f]` where given (per channel: the graph's extra
 * standardisation of that term), and the `fixed` terms (already standardised) as they are. Also says which term of
 * which window gave the largest score.
 */
export function crossFitted(
  zs: readonly (readonly Float64Array[])[],
  fixed?: readonly Float64Array[],
  scale?: readonly (readonly number[] | undefined)[],
): { segments: Float64Array[]; largest: LargestTerm } {
  const segments: Float64Array[] = [];
  let largest: LargestTerm = { window: 0, feature: 0, entry: 0, z: -Infinity };
  const offer = (window: number, feature: number, entry: number, z: number) => {
    if (z > largest.z) largest = { window, feature, entry, z };
  };
  for (const [from, to] of crossFitBlocks(zs[0].length)) {
    const scores = new Float64Array(to - from);
    zs.forEach((z, f) => {
      for (let i = from; i < to; i++)
        z[i].forEach((v, ch) => {
          const t = v / (scale?.[f]?.[ch] ?? 1);
          scores[i - from] = Math.max(scores[i - from], t);
          offer(i, f, ch, t);
        });
    });
    if (fixed)
      for (let i = from; i < to; i++)
        fixed[i].forEach((v, entry) => {
          scores[i - from] = Math.max(scores[i - from], v);
          offer(i, zs.length, entry, v);
        });
    segments.push(scores);
  }
  return { segments, largest };
}

/** The largest normal score named for a person: which channel's term, and the last row of its window. */
export interface NamedTerm {
  /** The channel; for a component's term, the channel that weighs most in the component. */
  readonly channel: string;
  readonly kind: TermKind;
  /** 0-based index of the window's last row among the rows fitted on. */
  readonly row: number;
  readonly z: number;
  /** 0-based index of the principal component whose term it is (the spread or the component level), if it is one. */
  readonly component?: number;
}

/** The term in words: "Current level", or for a component's term "level of the channels that move with Current
 * (principal component 2)". */
export function describeTerm(term: Pick<NamedTerm, 'channel' | 'kind' | 'component'>): string {
  return term.component === undefined
    ? `${term.channel} ${term.kind}`
    : `${term.kind} of the channels that move with ${term.channel} (principal component ${term.component + 1})`;
}

/**
 * Names the largest cross-fitted term: level and variability by their channel; the fixed terms are the residual's
 * channels (hybrid), then the spread's components (variability) and the components' levels (level), a component named
 * by the channel that weighs most in it.
 */
function nameLargest(
  largest: LargestTerm,
  ends: readonly number[],
  channels: readonly string[],
  hybrid: boolean,
  components?: ComponentChannels,
): NamedTerm {
  const row = ends[largest.window];
  const c = channels.length;
  if (largest.feature < 2)
    return {
      channel: channels[largest.entry],
      kind: largest.feature === 0 ? 'level' : 'variability',
      row,
      z: largest.z,
    };
  if (hybrid && largest.entry < c) return { channel: channels[largest.entry], kind: 'residual', row, z: largest.z };
  const entry = largest.entry - (hybrid ? c : 0);
  const m = components?.count ?? 0;
  const component = entry % Math.max(1, m);
  const share = components ? components.share.slice(component * c, (component + 1) * c) : [];
  const heaviest = share.indexOf(Math.max(...share));
  return {
    channel: channels[Math.max(0, heaviest)],
    kind: entry < m ? 'variability' : 'level',
    row,
    z: largest.z,
    component,
  };
}

function encode(name: string, layout: DetectorLayout): Uint8Array {
  return encodeOnnxModel(detectorGraph(name, layout), {
    producerName: 'linewatch',
    producerVersion: '0.1.0',
    opset: 13,
  });
}

export { termKinds };
