/**
 * The hybrid detector's residual (pure): the leave-one-out linear autoencoder fitted on normal rows, the channels left
 * out of it (their residual wanders), its residual's spreads cross-fitted, the joint residual, the left-out channels'
 * residual change, and every window's residual term out of fold for the threshold calibration (fit-statistical.ts
 * fits the rest of the detector around it).
 */
import { channelStats } from './sim-recording.js';
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
  autoencoderInput,
  jointOnChannels,
  jointResidual,
  normaliseRows,
  residualOverRows,
  slowChannels,
  type DetectorGeometry,
} from './detector-features.js';
import type { DetectorLayout } from './detector-graph.js';
import { DenseAutoencoder } from './dense-autoencoder.js';
import { roundToInt8Grid } from './weight-rounding.js';
import { changeBeforeRows, leftOutResiduals, residualChange } from './residual-change.js';
import {
  CROSS_FIT_BLOCKS,
  RESIDUAL_FIT_BLOCKS,
  crossFitBlocks,
  jointStandardisation,
  otherWindows,
  rmsOf,
} from './cross-fit.js';

export type ResidualLayout = NonNullable<DetectorLayout['residual']>;

export interface ResidualFit {
  /** The layout's residual, with the fp32 weights. */
  readonly residual: ResidualLayout;
  /** The same with the int8 graph's weights (rounded with their errors made up, weight-rounding.ts). */
  readonly int8: ResidualLayout;
  /** Every window's residual term per channel, out of fold (the calibration's). */
  readonly z: Float64Array[];
  /** The model described for the manifest, and its fit over the ridges tried (ridgeCurve), for the report. */
  readonly architecture: string;
  readonly ridgeCurve?: { readonly ridge: number[]; readonly train: number[]; readonly validation: number[] };
}

/**
 * Fits the residual on normalised rows `x` (n × c, time-major) for the windows ending at `allEnds` (every window of the
 * span, those held out included); `least`: per channel, the finest spread its resolution allows (levelMinSd).
 */
export function fitResidual(
  x: Float64Array,
  n: number,
  channels: readonly string[],
  g: DetectorGeometry,
  allEnds: readonly number[],
  least: readonly number[],
  /** Rows that start a segment (segments.ts): no level or window of the wander test spans one. */
  segmentStarts: readonly number[] = [],
): ResidualFit {
  const c = channels.length;
  const W = g.windowLength;
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
  const spread = channelStats({ channels, periodMs: 0, rows: wandering, rowCount: n });
  const wanders = slowChannels(normaliseRows(wandering, spread.mean, spread.std), n, c, g.k, W, segmentStarts).slow;
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
  // The left-out channels, predicted from the kept ones, scored on the change of their residual (residual-change.ts;
  // none when the window holds no rows before the last aeRows, or fewer than two channels are kept).
  const changeChannels = W > g.aeRows ? leftOut.flatMap((l, ch) => (l ? [ch] : [])) : [];
  const changeBefore = changeBeforeRows(W, g.aeRows);
  const changeFit = (rows: Float64Array) =>
    changeChannels.length > 0 ? fitLeftOutFromKept(rows, rows.length / c, c, ridge, leftOut) : undefined;
  const changes: Float64Array[] = new Array(allEnds.length);
  crossFitBlocks(allEnds.length, RESIDUAL_FIT_BLOCKS).forEach(([from, to]) => {
    // The fold never sees the rows a residual of the block reads: its windows' last aeRows rows (a margin of W, as the
    // level's, left the middle blocks of a 160-row span 32 rows to fit 52 channels on, and their residuals' spread
    // then muted the residual term for every window). The residual change reads aeRows rows more, before those: the
    // fold may have seen them for the block's first windows (on a test plant a margin of 2·aeRows moved the spread by
    // 0.1 %).
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
      for (let i = from; i < to; i++)
        changes[i] = residualChange(errors, allEnds[i], changeChannels.length, g.aeRows, changeBefore);
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
    leftOut[ch] ? 1 : Math.hypot(Math.max(least[ch], rounding[ch], rmsOf(rs, ch)), ahead[ch]);
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
    sd: changeChannels.map((ch, o) => Math.max(least[ch], changeRounding![o], rmsOf(changes, o))),
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
  const residual: ResidualLayout = {
    centre: new Array<number>(c).fill(0),
    sd,
    meanSd,
    autoencoder: deployed,
    ...(joint ? { joint: { centre: joint.centre, sd: joint.sd } } : {}),
    ...(change ? { change } : {}),
  };
  return {
    residual,
    int8: {
      ...residual,
      autoencoder: int8Model,
      int8Weights: true,
      ...(change ? { change: { ...change, model: int8ChangeModel! } } : {}),
    },
    z: residualZ,
    architecture: `leave-one-out linear autoencoder per row (each channel rebuilt from the others: ridge regression with a zero diagonal, each channel's ridge ${ridgeRange(ridge)} × the mean variance, chosen by ${CROSS_FIT_BLOCKS}-block cross-validation; left out: ${channels.filter((_, i) => leftOut[i]).join(', ') || 'none'}), its residual RMS and signed mean over the last ${g.aeRows} rows, spread and calibration out of fold (${RESIDUAL_FIT_BLOCKS} blocks), the spread widened by the mean residual met on the last quarter predicted from the rest${joint ? `; the residual's RMS over all ${c} channels, those left out counting as zero (the joint residual) joins it on each channel by its share` : ''}${change ? `; the channels left out predicted from the kept ones, scored on how far their residual over the last ${g.aeRows} rows moves from its mean over the ${changeBefore} rows before` : ''}`,
    ...(curve ? { ridgeCurve: curve } : {}),
  };
}

/** The per-channel ridges for a person: one value, or the range. */
function ridgeRange(ridge: readonly number[]): string {
  const [low, high] = [Math.min(...ridge), Math.max(...ridge)];
  return low === high ? `${low}` : `${low} to ${high}`;
}
