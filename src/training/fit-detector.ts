/**
 * One way to fit every detector on rows of normal operation, used by `linewatch train --csv` and
 * `linewatch eval --arch` alike (so what eval measures is what train writes and the gateway runs):
 *
 *   hybrid  leave-one-out autoencoder residual + level + variability terms, one int8 graph (the default)
 *   stats   level + variability terms only (no autoencoder)
 *   dense   dense autoencoder, mean squared reconstruction error
 *   conv1d  1-D convolutional autoencoder, mean squared reconstruction error
 *
 * The last `validationFraction` of the rows is held out: the dense and conv1d autoencoders' early stopping and
 * calibration, the golden window and the int8 check; the stats and hybrid alarms are calibrated on cross-fitted scores
 * of every window (fit-statistical.ts).
 */
import { quantile } from '../core/quantile.js';
import type { Progress } from '../core/progress.js';
import { sha256Hex, type ModelManifest } from '../inference/manifest.js';
import { calibrateAlarm, type CalibrationTarget } from './alarm-calibration.js';
import {
  goldenTolerance,
  buildInMemory,
  fitAutoencoderModel,
  int8Agreement,
  refuseInt8Alarms,
  scoreWindows,
  targetRecord,
  type FittedModel,
} from './build-model.js';
import { DEFAULT_GEOMETRY, type DetectorGeometry } from './detector-features.js';
import { TERM_OUTPUT } from './detector-graph.js';
import { describeTerm, fitStatistical, termKinds, type NormalRows } from './fit-statistical.js';
import { CHANNEL_OUTPUT, INPUT_NAME, SCORE_OUTPUT } from './scoring-graph.js';
import { channelStats } from './sim-recording.js';
import { autoencoderWindows } from './segments.js';
import { refuseConstantChannels } from './constant-channels.js';
import { changeBeforeRows } from './residual-change.js';

export const DETECTOR_ARCHS = ['hybrid', 'stats', 'dense', 'conv1d'] as const;
export type DetectorArch = (typeof DETECTOR_ARCHS)[number];
/** The architecture the README recommends. */
export const DEFAULT_ARCH: DetectorArch = 'hybrid';
/** An operator's budget when none is given: one false alarm a day per model. */
export const DEFAULT_TARGET: CalibrationTarget = { falseAlarmsPerDay: 1 };

export interface NormalData extends NormalRows {
  /** The model name. */
  readonly name: string;
  /** Where the rows came from, for the manifest (file and rows). */
  readonly source: string;
  /** Each channel's unit, for the manifest, where known (a CSV has none). */
  readonly units?: readonly string[];
}

export interface DetectorOptions {
  readonly arch: DetectorArch;
  readonly seed: number;
  readonly epochs: number;
  readonly validationFraction: number;
  readonly target: CalibrationTarget;
  readonly geometry?: DetectorGeometry;
  readonly slowChannels?: readonly string[];
  /** dense: hidden sizes; conv1d: filters; both: pruning. */
  readonly hidden?: readonly number[];
  readonly filters?: readonly [number, number];
  readonly prune?: number;
  /** dense and conv1d: rows between training windows. */
  readonly hop?: number;
  readonly command: string;
  readonly log: (line: string) => void;
  readonly progress?: Progress;
  /** The rows are those where the machine runs (--running-when): its stops cannot have made channels slow. */
  readonly runningOnly?: boolean;
}

/** What the hybrid's and stats' calibration scores are (FittedModel.scoresAre): every window's, none held out. */
export const CROSS_FITTED_SCORES = 'normal windows, each scored out of fold (by a fit without it)';

/**
 * What the hybrid and stats fits do with their rows (fitStatistical), in words: none is held out; all are fitted on,
 * and the alarm is calibrated on every window's out-of-fold score; the `last` rows (the validation fraction: "last 100
 * rows") only check int8 against fp32 and give the golden window.
 */
export const termDetectorRowsText = (last: string): string =>
  `all fitted on, the alarm calibrated on every window's out-of-fold score; the ${last} also check int8 against fp32 ` +
  'and give the golden window';

/** The last rows of `rowCount` that fitDetector holds out (see above); it learns from the rest. */
export function heldOutRowsOf(rowCount: number, validationFraction: number): number {
  return Math.floor(rowCount * validationFraction);
}

/**
 * The first rows of `rowCount` whose spread a fit learns, where a channel constant there cannot be learnt: every row
 * for hybrid and stats (fitted and normalised on all of them), the rows before the held-out share for dense and conv1d
 * (normalised on those). Until 2026-12-07 every architecture read the first share only, so a channel that changed in
 * the last rows of the span (a setpoint moved) was left out of a hybrid model that would have learnt it.
 */
export function learntRowsOf(
  fit: { readonly arch: DetectorArch; readonly validationFraction: number },
  rowCount: number,
): number {
  return fit.arch === 'dense' || fit.arch === 'conv1d'
    ? rowCount - heldOutRowsOf(rowCount, fit.validationFraction)
    : rowCount;
}

export async function fitDetector(data: NormalData, o: DetectorOptions): Promise<FittedModel> {
  const geometry = o.geometry ?? DEFAULT_GEOMETRY;
  const heldOutRows = heldOutRowsOf(data.rowCount, o.validationFraction);
  const rowsPerDay = 86_400_000 / data.periodMs;
  refuseConstantChannels(data, learntRowsOf(o, data.rowCount));
  if (o.arch === 'dense' || o.arch === 'conv1d') {
    const c = data.channels.length;
    const split = data.rowCount - heldOutRows;
    const part = (from: number, to: number) => ({
      channels: data.channels,
      periodMs: data.periodMs,
      rows: data.rows.subarray(from * c, to * c),
      rowCount: to - from,
    });
    const W = geometry.windowLength;
    const starts = data.segmentStarts ?? [];
    const windows = autoencoderWindows(
      data.rows,
      c,
      data.rowCount,
      { length: W, split, heldOutFrom: split, hop: o.hop ?? 1 },
      starts,
    );
    if (split < W || heldOutRows < W || windows.train.length === 0 || windows.validation.length === 0)
      throw new Error(
        `${data.source}: ${data.rowCount} rows give ${split} training and ${heldOutRows} held-out rows; each needs at least one window of ${W}${starts.length > 0 ? ' rows in a row (no window spans a break)' : ''}`,
      );
    const { mean, std } = channelStats(part(0, split));
    return fitAutoencoderModel(
      {
        name: data.name,
        description: `${o.arch} autoencoder over ${W}-row windows of ${c} channels, int8 QDQ; the graph normalises raw windows and outputs the score and per-channel errors.`,
        data: `${data.source}: ${split} rows for training, the last ${heldOutRows} held out, sample period ${data.periodMs} ms`,
        channels: data.channels.map((name, i) => ({ name, unit: data.units?.[i] ?? '' })),
        windowLength: W,
        periodMs: data.periodMs,
        hidden: o.hidden ?? [32, 6, 32],
        ...windows,
        validationNote: `the last ${heldOutRows} rows of ${data.source}`,
        mean,
        std,
      },
      buildInMemory({ ...o, arch: o.arch }, { rowsPerDay, target: o.target }),
    );
  }
  return fitTermDetector(data, o, geometry, heldOutRows, rowsPerDay);
}

async function fitTermDetector(
  data: NormalData,
  o: DetectorOptions,
  geometry: DetectorGeometry,
  heldOutRows: number,
  rowsPerDay: number,
): Promise<FittedModel> {
  const hybrid = o.arch === 'hybrid';
  const fit = fitStatistical(data, {
    hybrid,
    geometry,
    heldOutRows,
    ...(o.slowChannels ? { slowChannels: o.slowChannels } : {}),
  });
  /** A per-channel figure for the manifest, by channel name, to 3 decimals. */
  const byChannel = (values: readonly number[]) =>
    Object.fromEntries(data.channels.map((ch, i) => [ch, Number(values[i].toFixed(3))]));
  const c = data.channels.length;
  const W = geometry.windowLength;
  const window = (end: number) => data.rows.slice((end - W + 1) * c, (end + 1) * c);
  const heldOut = fit.heldOutEnds.map(window);
  const graphName = data.name.replace(/[^A-Za-z0-9_]/g, '_');
  const fp32 = fit.encode(`${graphName}_fp32`);
  const kinds = termKinds(fit.layout);
  const slowNames = data.channels.filter((_, i) => fit.layout.slow[i]);
  const base: ModelManifest = {
    schema_version: 1,
    name: data.name,
    version: '1.0.0',
    description: `${hybrid ? 'Hybrid autoencoder' : 'Statistical detector'} over ${W}-row windows of ${c} channels: the largest standardised ${kinds.join(', ')} term of any channel.`,
    file: 'model.int8.onnx',
    sha256: sha256Hex(fp32),
    fp32_file: 'model.fp32.onnx',
    fp32_sha256: sha256Hex(fp32),
    input: {
      name: INPUT_NAME,
      layout: 'batch,time*channel',
      channels: data.channels.map((name, i) => ({ name, unit: data.units?.[i] ?? '' })),
      window_length: W,
      sample_period_ms: data.periodMs,
    },
    output: { score: SCORE_OUTPUT, channel_error: CHANNEL_OUTPUT, terms: { name: TERM_OUTPUT, kinds } },
    normalisation: { method: 'zscore', applied: 'in-graph', mean: fit.mean, std: fit.std },
    score: { function: 'max_term_z', threshold: 1, calibration: 'pending' },
    quantization: {},
    training: {},
    metrics: {},
    golden: { input: Array.from(heldOut[0]), score: 0, tolerance: 1 },
  };
  const score = (bytes: Uint8Array) =>
    scoreWindows({ ...base, sha256: sha256Hex(bytes) }, bytes, `${data.name} (in memory)`, heldOut);
  const fp32Scores = await score(fp32);
  // Terms above the int8 range saturate: cover twice the largest held-out score, and at least 32 z (a step of 1/8 z).
  let termRange = Math.max(32, 2 * Math.max(...fp32Scores));
  let int8 = fit.encode(`${graphName}_int8`, termRange);
  let int8Scores = await score(int8);
  // Calibrated on the cross-fitted scores of every window (fit-statistical.ts), not only the few held-out ones.
  const calibrate = () => {
    try {
      return calibrateAlarm(fit.calibrationSegments, rowsPerDay, o.target, 'rows', 'out-of-fold normal scores');
    } catch (err) {
      throw new Error(`${data.source}: ${(err as Error).message}`, { cause: err });
    }
  };
  let alarm = calibrate();
  if (alarm.on > termRange / 2) {
    termRange = 2 * alarm.on;
    int8 = fit.encode(`${graphName}_int8`, termRange);
    int8Scores = await score(int8);
    alarm = calibrate();
  }
  const { meanRel, agree } = int8Agreement(int8Scores, fp32Scores, alarm.on);
  refuseInt8Alarms(int8Scores, fp32Scores, alarm.on, data.source);
  const largest = fit.largestNormalTerm;
  /** The largest normal score's row as the file has it (1-based; rows left out for lack of a reading counted). */
  const largestRow = (data.sourceRows?.[largest.row] ?? largest.row) + 1;
  const change = fit.layout.residual?.change;
  const manifest: ModelManifest = {
    ...base,
    sha256: sha256Hex(int8),
    score: {
      function: 'max_term_z',
      threshold: alarm.on,
      off_threshold: alarm.off,
      ...(alarm.clear !== undefined ? { clear_threshold: alarm.clear } : {}),
      calibration: alarm.method,
      target: targetRecord(o.target),
      details: {
        ...alarm.details,
        largest_score_term: describeTerm(largest),
        largest_score_row: largestRow,
      },
    },
    quantization: {
      scheme: 'static QDQ, opset 13',
      ...(fit.autoencoder
        ? {
            weights:
              'int8 symmetric, per output channel, dequantized by a Cast and a Mul (a DequantizeLinear would be fused with its MatMul into a kernel that rounds the fp32 input to int8 at default session settings)',
            activations:
              'fp32 (uint8 activations add reconstruction noise of the size of the residual the detector reads)',
          }
        : {}),
      terms: `uint8 over [0, ${termRange.toFixed(3)}] z`,
      fp32_agreement: { windows: heldOut.length, mean_relative_score_difference: meanRel, verdict_agreement: agree },
      size_bytes: { int8: int8.length, fp32: fp32.length },
    },
    training: {
      command: o.command,
      data: `${data.source}: ${data.rowCount} rows, ${termDetectorRowsText(`last ${heldOutRows} rows`)}, sample period ${data.periodMs} ms`,
      architecture: `${o.arch}: ${kinds.join(' + ')} terms${fit.autoencoder ? `; autoencoder ${fit.autoencoder.architecture}` : ''}`,
      spread_components: fit.layout.spread
        ? `${fit.layout.spread.components.count} principal components of the fast channels (above the mean variance); their variability over the whole window joins the variability term, their mean over it the level term`
        : 'none (fewer than two fast channels)',
      window_variability: fit.layout.windowVariability
        ? `each channel's variability over the whole window (${W - 1} row-to-row differences) joins its variability term`
        : 'none',
      variability_one_sided: fit.layout.variability.oneSided
        ? `${data.channels.filter((_, i) => fit.layout.variability.oneSided![i]).join(', ')}: quantised, and still for ${geometry.k} rows in the training rows, so only a rise of their variability counts`
        : 'none',
      geometry: {
        window_rows: W,
        level_rows: geometry.k,
        slow_lag_rows: geometry.lag,
        autoencoder_rows: geometry.aeRows,
      },
      slow_channels: o.slowChannels
        ? `given: ${slowNames.join(', ') || 'none'}`
        : `found from the training rows (level spread across the span > within a window): ${slowNames.join(', ') || 'none'}`,
      level_spread_ratio: byChannel(fit.slowRatio),
      level_out_of_fold_scale: byChannel(fit.levelScale),
      ...(fit.layout.residual?.joint
        ? {
            joint_residual: `RMS over the channels of the leave-one-out residual's z, one-sided: centre ${fit.layout.residual.joint.centre.toFixed(4)}, sd ${fit.layout.residual.joint.sd.toFixed(4)} (out of fold)`,
          }
        : {}),
      ...(change
        ? {
            residual_change: `the channels left out of the leave-one-out model, predicted from the kept ones: RMS over the last ${geometry.aeRows} rows of their residual less its mean over the ${changeBeforeRows(W, geometry.aeRows)} rows before, in units of its spread (out of fold): ${change.channels.map((ch, o) => `${data.channels[ch]} ${change.sd[o].toFixed(4)}`).join(', ')}`,
          }
        : {}),
      level_trend_r2: byChannel(fit.slowR2),
      training_windows: fit.trainWindows,
    },
    metrics: {
      validation_score_p50: quantile(int8Scores, 0.5),
      validation_score_max: Math.max(...int8Scores),
    },
    golden: { input: Array.from(heldOut[0]), score: int8Scores[0], tolerance: goldenTolerance(int8Scores[0]) },
  };
  o.log(
    `${data.name}: ${o.arch}, ${fit.trainWindows + heldOut.length} windows of ${W}×${c}, ${termDetectorRowsText(`${heldOut.length} windows in the last ${heldOutRows} rows`)}; slow channels ${slowNames.join(', ') || 'none'}; ` +
      `alarm on ${alarm.on.toFixed(3)}, off ${alarm.off.toFixed(3)}; int8/fp32 verdict agreement ${(agree * 100).toFixed(2)} %`,
  );
  if (!o.slowChannels && slowNames.length > c / 2)
    o.log(
      `most channels (${slowNames.length} of ${c}) were found slow: their level moves more across the training rows ` +
        `than within a window, so each is scored on its change over ${geometry.lag} rows, not on its level, and a ` +
        "level that stays off is seen only as it moves. On a short recording that may be the recording's own drift: " +
        'train on a longer span of normal operation, or name the channels that drift with --slow-channels a,b ' +
        '(--slow-channels none: every channel is scored on its level, none on its change)' +
        (o.runningOnly
          ? ''
          : "; where the machine stopped in the recording, its stops move every channel's level: learn only the rows " +
            "where it runs with --running-when (a run bit or mode, 'running=1', or a speed, 'speed>100')"),
    );
  const above = fit.calibrationSegments.reduce((a, s) => a + s.filter((v) => v >= alarm.on).length, 0);
  o.log(
    `largest score on the normal rows (each quarter scored against the rest): ${largest.z.toFixed(2)}, ${describeTerm(largest)} over the ${W} rows up to row ${largestRow}; ` +
      (above === 0
        ? 'the alarm sits above it, so if those rows were not normal operation, train without them'
        : `${above} normal windows score at or above the alarm, as the budget allows`),
  );
  return {
    manifest,
    int8,
    fp32,
    ...(fit.autoencoder?.ridgeCurve
      ? {
          loss: {
            train: fit.autoencoder.ridgeCurve.train,
            validation: fit.autoencoder.ridgeCurve.validation,
            x: fit.autoencoder.ridgeCurve.ridge.map(Math.log10),
            xCaption: 'log10 ridge (× the mean variance)',
            label:
              'leave-one-out fit, mean squared error per ridge tried, in sample and out of fold (each channel takes ' +
              'the ridge of its least out-of-fold error)',
            names: { train: 'in sample (fitted on every window)', validation: 'out of fold (cross-validated)' },
            yCaption: 'mean squared error per value',
          },
        }
      : {}),
    heldOutScores: fit.calibrationSegments.flatMap((s) => Array.from(s)),
    scoresAre: CROSS_FITTED_SCORES,
  };
}
