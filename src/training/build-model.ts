/**
 * Builds a shipped model from simulator data, reproducibly: record normal operation (seeded),
 * normalise, train a dense autoencoder with early stopping, export fp32 and int8 QDQ ONNX,
 * calibrate the threshold on held-out normal data, check int8 against fp32, and write the
 * manifest with sha256, golden window and the command that made it.
 *
 * Its parts: the architectures (autoencoders.ts), the epochs and early stopping (fit-epochs.ts), pruning
 * (prune-fine-tune.ts), scoring the graphs and checking int8 (score-graphs.ts), the model folder (model-folder.ts);
 * this module fits (fitAutoencoderModel) and re-exports what it exported before.
 */
import { join } from 'node:path';
import { quantile } from '../core/quantile.js';
import type { Progress } from '../core/progress.js';
import type { FitCurve } from '../core/types.js';
import { sha256Hex, type ModelManifest } from '../inference/manifest.js';
import { calibrateAlarm, type CalibrationTarget, type CalibrationUnit } from './alarm-calibration.js';
import {
  denseFor,
  exportAutoencoder,
  describeArchitecture,
  weightScheme,
  type Architecture,
  type Autoencoder,
} from './autoencoders.js';
import { targetRecord } from './calibration-target.js';
import { ConvAutoencoder } from './conv-autoencoder.js';
import { epochReporter, PATIENCE, stillFalling } from './fit-epochs.js';
import { writeModelFolder } from './model-folder.js';
import { flattenNormalised, type NormalisationMethod } from './normalise.js';
import { pruneAndFineTune } from './prune-fine-tune.js';
import { calibrateRanges, CHANNEL_OUTPUT, INPUT_NAME, SCORE_OUTPUT } from './scoring-graph.js';
import { goldenTolerance, int8Agreement, scoreWindows } from './score-graphs.js';
import { splitAtJoins } from './segments.js';

export {
  ARCHITECTURES,
  describeArchitecture,
  exportAutoencoder,
  weightScheme,
  type Architecture,
  type Autoencoder,
} from './autoencoders.js';
export { targetOfRecord, targetRecord } from './calibration-target.js';
export { stillFalling } from './fit-epochs.js';
export { modelFilesOf, writeModelFolder } from './model-folder.js';
export { flattenNormalised } from './normalise.js';
export { goldenTolerance, int8Agreement, refuseInt8Alarms, scoreWindows } from './score-graphs.js';

export interface BuildOptions {
  /** dense (default): the set's hidden sizes; conv1d: `filters` channels after each strided convolution. */
  readonly architecture?: Architecture;
  readonly filters?: readonly [number, number];
  /** Remove this fraction of hidden units / conv channels (smallest L1 norm) after training, then fine-tune. */
  readonly prune?: number;
  readonly outDir: string;
  readonly seed: number;
  readonly epochs: number;
  readonly command: string;
  readonly log: (line: string) => void;
  /** A progress bar for the epochs (a terminal); without it every epoch is a log line. */
  readonly progress?: Progress;
  /**
   * Calibrate the alarm for a false-alarm budget on the held-out windows (alarm-calibration.ts);
   * without it (the simulator's shipped models) the threshold is 2 × the 99.9th percentile.
   */
  readonly calibration?: {
    readonly rowsPerDay: number;
    readonly target: CalibrationTarget;
    readonly unit?: CalibrationUnit;
  };
}

/** A fitted model before it is written: its manifest, both graphs, the loss curve and the held-out scores. */
export interface FittedModel {
  readonly manifest: ModelManifest;
  readonly int8: Uint8Array;
  readonly fp32: Uint8Array;
  readonly loss?: FitCurve;
  /** int8 scores of the held-out normal windows, in time order (what the threshold was calibrated on). */
  readonly heldOutScores: readonly number[];
  /** What heldOutScores are, for a person, where they are not held-out windows' (the hybrid's and stats' are every
   * window's, cross-fitted); by default "held-out normal windows". */
  readonly scoresAre?: string;
}

/** What a model is trained on: raw windows (time-major) of normal operation, and what they are. */
export interface TrainingSet {
  readonly name: string;
  readonly description: string;
  /** How the data was made, for the manifest. */
  readonly data: string;
  readonly channels: readonly { readonly name: string; readonly unit: string }[];
  readonly windowLength: number;
  readonly periodMs: number;
  readonly hidden: readonly number[];
  readonly train: readonly Float64Array[];
  readonly validation: readonly Float64Array[];
  /** The last row of each validation window, where the rows were learnt in segments (segments.ts): the calibration
   * cuts the windows' scores into runs where they are not consecutive rows, as no alarm's run goes on across a break.
   * Absent: one run. */
  readonly validationEnds?: readonly number[];
  readonly validationNote: string;
  /** Absent: zscore. part_curve: `mean` one per point and channel (time-major), `std` one per channel. */
  readonly method?: NormalisationMethod;
  /** A denoising fit's input noise, in the normalised units (FitOptions.inputNoise); absent: none. */
  readonly inputNoise?: number;
  readonly mean: number[];
  readonly std: number[];
}

/** What a fit needs to build an autoencoder model that it hands back instead of writing (fitDetector, fitPartModel). */
export function buildInMemory(
  o: {
    readonly arch: Architecture;
    readonly filters?: readonly [number, number];
    readonly prune?: number;
    readonly seed: number;
    readonly epochs: number;
    readonly command: string;
    readonly log: (line: string) => void;
    readonly progress?: Progress;
  },
  calibration: NonNullable<BuildOptions['calibration']>,
): BuildOptions {
  return {
    architecture: o.arch,
    ...(o.filters ? { filters: o.filters } : {}),
    ...(o.prune !== undefined ? { prune: o.prune } : {}),
    outDir: '.',
    seed: o.seed,
    epochs: o.epochs,
    command: o.command,
    log: o.log,
    ...(o.progress ? { progress: o.progress } : {}),
    calibration,
  };
}

export async function buildModel(set: TrainingSet, options: BuildOptions): Promise<ModelManifest> {
  const fitted = await fitAutoencoderModel(set, options);
  await writeModelFolder(options.outDir, fitted);
  return fitted.manifest;
}

/** Trains, exports, quantizes and calibrates an autoencoder; writes nothing. */
export async function fitAutoencoderModel(set: TrainingSet, options: BuildOptions): Promise<FittedModel> {
  const { log } = options;
  const curve = { train: [] as number[], validation: [] as number[] };
  const { mean, std, channels } = set;
  const c = channels.length;
  const d = c * set.windowLength;
  const trainWindows = set.train;
  const valWindows = set.validation;
  log(
    `${set.name}: ${trainWindows.length} training and ${valWindows.length} validation windows of ${set.windowLength}×${c}`,
  );

  const xTrain = flattenNormalised(trainWindows, mean, std);
  const xVal = flattenNormalised(valWindows, mean, std);
  const conv = options.architecture === 'conv1d';
  const trained = conv
    ? new ConvAutoencoder(c, set.windowLength, options.filters ?? [16, 8], options.seed)
    : denseFor(d, set.hidden, options.seed);
  const fit = trained.fit(xTrain, xVal, {
    epochs: options.epochs,
    batchSize: 64,
    learningRate: 2e-3,
    patience: PATIENCE,
    seed: options.seed,
    ...(set.inputNoise ? { inputNoise: set.inputNoise } : {}),
    onEpoch: epochReporter('epoch', options.epochs, options, curve),
  });
  options.progress?.end();
  log(`best epoch ${fit.bestEpoch}: validation loss ${fit.validationLoss.toFixed(4)}`);
  const falling = stillFalling(curve.validation, options.epochs);
  if (falling) log(falling);

  const layout = { windowLength: set.windowLength, mean, std, ...(set.method ? { method: set.method } : {}) };
  const graphName = set.name.replace(/-/g, '_');
  const encode = (net: Autoencoder, tag: string, quantized: boolean) =>
    exportAutoencoder(
      net,
      `${graphName}_${tag}`,
      layout,
      quantized ? calibrateRanges(net, xTrain, trainWindows.length) : undefined,
    );
  const pruned = options.prune
    ? await pruneAndFineTune(
        trained,
        options.prune,
        { xTrain, xVal, valWindows, validationLoss: fit.validationLoss, inputNoise: set.inputNoise },
        (net) => encode(net, 'int8', true),
        options,
      )
    : undefined;
  const ae: Autoencoder = pruned?.model ?? trained;
  const fp32 = encode(ae, 'fp32', false);
  const int8 = pruned?.int8 ?? encode(ae, 'int8', true);

  const base: ModelManifest = {
    schema_version: 1,
    name: set.name,
    version: `1.0.0+seed${options.seed}`,
    description: set.description,
    file: 'model.int8.onnx',
    sha256: sha256Hex(int8),
    fp32_file: 'model.fp32.onnx',
    fp32_sha256: sha256Hex(fp32),
    input: {
      name: INPUT_NAME,
      layout: 'batch,time*channel',
      channels: [...channels],
      window_length: set.windowLength,
      sample_period_ms: set.periodMs,
    },
    output: { score: SCORE_OUTPUT, channel_error: CHANNEL_OUTPUT },
    normalisation: { method: set.method ?? 'zscore', applied: 'in-graph', mean, std },
    score: { function: 'mse', threshold: 1, calibration: 'pending' },
    quantization: {},
    training: {},
    metrics: {},
    golden: { input: Array.from(valWindows[0]), score: 0, tolerance: 1 },
  };
  const score = (bytes: Uint8Array, file: string) =>
    scoreWindows({ ...base, sha256: sha256Hex(bytes) }, bytes, join(options.outDir, file), valWindows);
  const int8Scores = await score(int8, 'model.int8.onnx');
  const fp32Scores = await score(fp32, 'model.fp32.onnx');
  const p999 = quantile(int8Scores, 0.999);
  const calibration = scoreCalibration(int8Scores, set, options.calibration);
  const { threshold } = calibration;
  const { meanRel, agree } = int8Agreement(int8Scores, fp32Scores, threshold);

  const manifest: ModelManifest = {
    ...base,
    score: { function: 'mse', ...calibration },
    quantization: {
      scheme: 'static QDQ, opset 13',
      weights: weightScheme(ae),
      activations: 'uint8 asymmetric, per tensor, min/max calibrated on the training windows',
      calibration_windows: trainWindows.length,
      fp32_agreement: { windows: valWindows.length, mean_relative_score_difference: meanRel, verdict_agreement: agree },
      size_bytes: { int8: int8.length, fp32: fp32.length },
    },
    training: {
      command: options.command,
      data: set.data,
      architecture: describeArchitecture(ae),
      ...(pruned ? { pruning: pruned.record } : {}),
      epochs_run: fit.epochs,
      best_epoch: fit.bestEpoch,
      optimiser: 'Adam lr 0.002, batch 64, early stopping patience 6',
    },
    metrics: {
      train_loss: fit.trainLoss,
      validation_loss: fit.validationLoss,
      validation_score_p50: quantile(int8Scores, 0.5),
      validation_score_p999: p999,
    },
    golden: { input: Array.from(valWindows[0]), score: int8Scores[0], tolerance: goldenTolerance(int8Scores[0]) },
  };
  log(
    `threshold ${threshold.toFixed(4)}; int8 ${int8.length} B vs fp32 ${fp32.length} B; int8/fp32 mean relative score difference ${(meanRel * 100).toFixed(2)} %, verdict agreement ${(agree * 100).toFixed(2)} %`,
  );
  return { manifest, int8, fp32, loss: curve, heldOutScores: int8Scores };
}

/**
 * The manifest's score calibration from the int8 scores of the held-out normal windows: for a false-alarm budget
 * (alarm-calibration.ts), else 2 × their 99.9th percentile. What train sets and quantize sets again on the int8 graph
 * it writes (a part model).
 */
export function scoreCalibration(
  int8Scores: readonly number[],
  set: Pick<TrainingSet, 'validationEnds' | 'validationNote'>,
  target: BuildOptions['calibration'],
): Omit<ModelManifest['score'], 'function'> & { threshold: number } {
  const alarm = target
    ? calibrateAlarm(
        set.validationEnds ? splitAtJoins([Float64Array.from(int8Scores)], set.validationEnds) : [int8Scores],
        target.rowsPerDay,
        target.target,
        target.unit,
      )
    : undefined;
  if (!alarm) {
    const p999 = quantile(int8Scores, 0.999);
    return {
      threshold: 2 * p999,
      calibration: `2 × the 99.9th percentile (${p999.toFixed(4)}) of int8 scores on ${int8Scores.length} held-out normal windows (${set.validationNote})`,
    };
  }
  return {
    threshold: alarm.on,
    off_threshold: alarm.off,
    ...(alarm.clear !== undefined ? { clear_threshold: alarm.clear } : {}),
    calibration: alarm.method,
    target: targetRecord(target!.target),
    details: alarm.details,
  };
}
