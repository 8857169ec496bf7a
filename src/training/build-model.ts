/**
 * Builds a shipped model from simulator data, reproducibly: record normal operation (seeded),
 * normalise, train a dense autoencoder with early stopping, export fp32 and int8 QDQ ONNX,
 * calibrate the threshold on held-out normal data, check int8 against fp32, and write the
 * manifest with sha256, golden window and the command that made it.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { PLAIN_FILE_NAME } from '../core/config-primitives.js';
import { dirname, join } from 'node:path';
import { quantile } from '../core/quantile.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { SIGNATURE_FILE, sha256Hex, type LoadedManifest, type ModelManifest } from '../inference/manifest.js';
import { normaliseInto } from './normalise.js';
import { DenseAutoencoder } from './dense-autoencoder.js';
import { pruneConvChannels, pruneHiddenUnits } from './prune.js';
import { ConvAutoencoder, CONV_KERNEL, CONV_PAD, CONV_STRIDE } from './conv-autoencoder.js';
import { exportConvOnnx } from './export-conv.js';
import { createSession, ort } from '../inference/onnx-session.js';
import { exportDenseOnnx } from './export-dense.js';
import {
  calibrateRanges,
  CHANNEL_OUTPUT,
  INPUT_NAME,
  SCORE_OUTPUT,
  type ActivationRange,
  type WindowLayout,
} from './scoring-graph.js';
import { sideBySide, throughput } from '../core/measure.js';
import type { Progress } from '../core/progress.js';
import type { FitCurve } from '../core/types.js';
import { splitAtJoins } from './segments.js';
import { calibrateAlarm, type CalibrationTarget, type CalibrationUnit } from './alarm-calibration.js';

export type Architecture = 'dense' | 'conv1d';
export const ARCHITECTURES: readonly Architecture[] = ['dense', 'conv1d'];

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

/** Writes a fitted model's folder: manifest.json, model.int8.onnx, model.fp32.onnx. */
/** The files a model folder's manifest names (its graphs), read loosely: none where there is no readable manifest. */
export async function modelFilesOf(dir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    return [m.file, m.fp32_file].filter((f): f is string => typeof f === 'string' && PLAIN_FILE_NAME.test(f));
  } catch {
    return [];
  }
}

/** Writes `bytes` to `path` through `path.partial`, renamed over it: a reader sees the old file or the new one. */
async function replaceFile(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(`${path}.partial`, bytes);
  await rename(`${path}.partial`, path);
}

/**
 * Writes a model folder, into a new or empty folder or over the model already there (train --force; train-options'
 * checkOut refuses a folder with other files). Each file is renamed into place, the graphs first and the manifest
 * last, so that a reader meets the old model, the new one, or an old manifest whose sha256 does not match a new graph
 * (refused, never scored); the old model's files the new one does not have (its signature, which no longer matches)
 * are removed after.
 */
export async function writeModelFolder(outDir: string, f: FittedModel): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const before = await modelFilesOf(outDir);
  const files = [f.manifest.file, ...(f.manifest.fp32_file ? [f.manifest.fp32_file] : [])];
  await replaceFile(join(outDir, f.manifest.file), f.int8);
  if (f.manifest.fp32_file) await replaceFile(join(outDir, f.manifest.fp32_file), f.fp32);
  await replaceFile(join(outDir, 'manifest.json'), `${JSON.stringify(f.manifest, null, 2)}\n`);
  for (const old of [...before.filter((b) => !files.includes(b)), SIGNATURE_FILE])
    await rm(join(outDir, old), { force: true });
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
  readonly mean: number[];
  readonly std: number[];
}

/**
 * Scores raw windows with model bytes through the same code the gateway runs (the golden window
 * is not checked: the manifest is still being written).
 */
export async function scoreWindows(
  manifest: ModelManifest,
  bytes: Uint8Array,
  modelPath: string,
  windows: readonly Float64Array[],
): Promise<number[]> {
  const loaded: LoadedManifest = {
    manifest: { ...manifest, golden: { ...manifest.golden, tolerance: Number.MAX_VALUE } },
    manifestPath: join(dirname(modelPath), 'manifest.json'),
    modelPath,
    modelBytes: bytes,
  };
  const probe = await AutoencoderModel.load(loaded, { asset: 'build' });
  const scores: number[] = [];
  try {
    for (let i = 0; i < windows.length; i += 256)
      for (const r of await probe.scoreRaw(windows.slice(i, i + 256))) scores.push(r.score);
  } finally {
    await probe.close();
  }
  return scores;
}

/** How closely int8 scores follow fp32 ones: mean relative difference, and verdicts at `threshold` that agree. */
export function int8Agreement(
  int8Scores: readonly number[],
  fp32Scores: readonly number[],
  threshold: number,
): { meanRel: number; agree: number } {
  const meanRel =
    int8Scores.reduce((a, s, i) => a + Math.abs(s - fp32Scores[i]) / Math.max(fp32Scores[i], 1e-9), 0) /
    int8Scores.length;
  const agree = int8Scores.filter((s, i) => s > threshold === fp32Scores[i] > threshold).length / int8Scores.length;
  return { meanRel, agree };
}

/**
 * The int8 graph must compute what was calibrated. On held-out normal windows its verdict can differ from the fp32
 * graph's only where a score lies within a quantization step of `on`, a window or two at most. A runtime that computes
 * the graph otherwise (onnxruntime-node once rounded the row autoencoder's inputs to int8 and put every window of a
 * Tennessee Eastman run above `on`), or weights that int8 cannot hold finely enough for this data, are refused here,
 * naming what they did, instead of shipping a model that alarms on normal operation.
 */
export function refuseInt8Alarms(int8: readonly number[], fp32: readonly number[], on: number, source: string): void {
  const int8Only = int8.filter((s, i) => s > on && !(fp32[i] > on)).length;
  if (int8Only <= Math.max(1, 0.01 * int8.length)) return;
  const worst = int8.reduce((w, s, i) => (s - fp32[i] > int8[w] - fp32[w] ? i : w), 0);
  throw new Error(
    `${source}: the int8 graph raises the alarm (above ${on.toFixed(3)}) on ${int8Only} of ${int8.length} held-out normal ` +
      `windows where the fp32 graph does not (the most: int8 ${int8[worst].toFixed(3)}, fp32 ${fp32[worst].toFixed(3)}); ` +
      'either this onnxruntime does not compute the int8 graph as written or its int8 weights cannot resolve this data ' +
      'as finely as the fp32 ones, so no model is written from it',
  );
}

/** Windows/s of two models at one batch, alternating short rounds (recorded in the manifest, not a test). */
async function compareSpeed(
  before: Uint8Array,
  after: Uint8Array,
  windows: readonly Float64Array[],
): Promise<{ before: number; after: number }> {
  const d = windows[0].length;
  const x = new Float32Array(windows.length * d);
  windows.forEach((w, i) => x.set(w, i * d));
  const [a, b] = await Promise.all([before, after].map(async (bytes) => (await createSession(bytes)).session));
  const feeds = { [INPUT_NAME]: new ort.Tensor('float32', x, [windows.length, d]) };
  try {
    const r = await sideBySide(
      () => throughput(() => a.run(feeds), 200, windows.length),
      () => throughput(() => b.run(feeds), 200, windows.length),
      3,
    );
    return { before: r.baseline, after: r.candidate };
  } finally {
    await Promise.all([a.release(), b.release()]);
  }
}

export function flattenNormalised(windows: readonly Float64Array[], mean: number[], std: number[]): Float64Array {
  const d = windows[0].length;
  const tmp = new Float32Array(d);
  const out = new Float64Array(windows.length * d);
  windows.forEach((w, i) => {
    normaliseInto(w, { mean, std }, tmp);
    out.set(tmp, i * d);
  });
  return out;
}

/** Reports each epoch: on the progress bar if there is one, else as a log line; records the curve if asked. */
function epochReporter(
  phase: string,
  epochs: number,
  options: Pick<BuildOptions, 'progress' | 'log'>,
  curve?: { train: number[]; validation: number[] },
): (epoch: number, trainLoss: number, validationLoss: number) => void {
  return (e, tl, vl) => {
    curve?.train.push(tl);
    curve?.validation.push(vl);
    const detail = `train ${tl.toFixed(4)}  validation ${vl.toFixed(4)}`;
    if (options.progress) options.progress.update(phase, e, epochs, detail);
    else options.log(`${phase} ${String(e).padStart(3)}/${epochs}  ${detail}`);
  };
}

/** Epochs without a better validation loss after which a fit stops (early stopping). */
const PATIENCE = 6;

/**
 * A note where a fit ran to its epoch limit with the validation loss still falling: early stopping had not ended it
 * (its best epoch is within the last PATIENCE), and over those epochs the loss fell by more than all its rises added
 * up (a trend, not an epoch-to-epoch wobble); undefined otherwise. `validation`: the loss after each epoch.
 */
export function stillFalling(validation: readonly number[], epochs: number): string | undefined {
  const last = validation.length;
  if (last < epochs || last <= PATIENCE) return undefined;
  const from = validation[last - 1 - PATIENCE];
  const recent = validation.slice(last - PATIENCE);
  const best = Math.min(...recent);
  let rises = 0;
  for (let e = last - PATIENCE; e < last; e++) rises += Math.max(0, validation[e] - validation[e - 1]);
  if (!(from - best > rises)) return undefined;
  return (
    `note: the fit stopped at its epoch limit (${epochs} of ${epochs}) with the validation loss still falling: ` +
    `${from.toPrecision(3)} at epoch ${last - PATIENCE}, ${best.toPrecision(3)} at epoch ${last - PATIENCE + recent.indexOf(best) + 1} ` +
    `(${((100 * (best - from)) / from).toFixed(0)} % in ${PATIENCE} epochs); a longer fit may reconstruct normal data ` +
    `closer and lower its scores: train again with more epochs (--epochs ${2 * epochs})`
  );
}

/** Either autoencoder: both train, calibrate, prune and export the same way. */
export type Autoencoder = DenseAutoencoder | ConvAutoencoder;

/** A dense autoencoder d → hidden → d: ReLU on every hidden layer but the middle (bottleneck) one. */
function denseFor(d: number, hidden: readonly number[], seed: number): DenseAutoencoder {
  const sizes = [d, ...hidden, d];
  const relu = sizes.slice(1).map((_, i) => i < sizes.length - 2 && i !== Math.floor((sizes.length - 2) / 2));
  return new DenseAutoencoder(sizes, relu, seed);
}

export function exportAutoencoder(
  ae: Autoencoder,
  name: string,
  layout: WindowLayout,
  quantization?: readonly ActivationRange[],
): Uint8Array {
  return ae instanceof ConvAutoencoder
    ? exportConvOnnx(ae, name, layout, quantization)
    : exportDenseOnnx(ae, name, layout, quantization);
}

/** The manifest's architecture line, e.g. "dense 140-32-6-32-140" or "conv1d 8ch x 20: conv 16, conv 8, deconv 16,
 * deconv 8 (kernel 4, stride 2, pad 1)". */
export function describeArchitecture(ae: Autoencoder): string {
  if (ae instanceof ConvAutoencoder)
    return `conv1d ${ae.channels}ch x ${ae.windowLength}: ${ae.layers.map((l) => `${l.kind} ${l.outputs}`).join(', ')} (kernel ${CONV_KERNEL}, stride ${CONV_STRIDE}, pad ${CONV_PAD})`;
  return `dense ${[ae.inputSize, ...ae.layers.map((l) => l.outputs)].join('-')}`;
}

/** The manifest's description of the int8 weights. */
export function weightScheme(ae: Autoencoder): string {
  return ae instanceof ConvAutoencoder
    ? 'int8 symmetric, per output channel (DequantizeLinear axis=0 for Conv, axis=1 for ConvTranspose)'
    : 'int8 symmetric, per output channel (DequantizeLinear axis=1)';
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
    onEpoch: epochReporter('epoch', options.epochs, options, curve),
  });
  options.progress?.end();
  log(`best epoch ${fit.bestEpoch}: validation loss ${fit.validationLoss.toFixed(4)}`);
  const falling = stillFalling(curve.validation, options.epochs);
  if (falling) log(falling);

  const layout = { windowLength: set.windowLength, mean, std };
  const graphName = set.name.replace(/-/g, '_');
  const encode = (net: Autoencoder, tag: string, quantized: boolean) =>
    exportAutoencoder(
      net,
      `${graphName}_${tag}`,
      layout,
      quantized ? calibrateRanges(net, xTrain, trainWindows.length) : undefined,
    );
  let ae: Autoencoder = trained;
  let pruning: Record<string, unknown> | undefined;
  let prunedInt8: Uint8Array | undefined;
  if (options.prune) {
    const { model, hiddenBefore, hiddenAfter } =
      trained instanceof ConvAutoencoder
        ? pruneConvChannels(trained, options.prune)
        : pruneHiddenUnits(trained, options.prune);
    log(
      `pruning ${options.prune}: ${conv ? 'conv channels' : 'hidden units'} ${hiddenBefore.join('-')} → ${hiddenAfter.join('-')}, fine-tuning`,
    );
    const tuneEpochs = Math.max(5, Math.ceil(options.epochs / 3));
    const tuned = model.fit(xTrain, xVal, {
      epochs: tuneEpochs,
      batchSize: 64,
      learningRate: 1e-3,
      patience: 4,
      seed: options.seed + 1,
      onEpoch: epochReporter('fine-tune', tuneEpochs, options),
    });
    options.progress?.end();
    const before = encode(trained, 'int8', true);
    const after = encode(model, 'int8', true);
    const speed = await compareSpeed(before, after, valWindows.slice(0, 64));
    pruning = {
      fraction: options.prune,
      method: conv
        ? 'conv channels with the smallest L1 norm (kernels into + out of the channel) removed from both layers, then fine-tuned'
        : 'hidden units with the smallest L1 norm (incoming + outgoing weights) removed, then fine-tuned',
      hidden_before: hiddenBefore,
      hidden_after: hiddenAfter,
      parameters: { before: trained.parameterCount, after: model.parameterCount },
      int8_bytes: { before: before.length, after: after.length },
      windows_per_s_batch_64: speed,
      validation_loss: { before: fit.validationLoss, after: tuned.validationLoss },
      fine_tune_epochs: tuned.epochs,
    };
    log(
      `pruned: ${trained.parameterCount} → ${model.parameterCount} parameters, int8 ${before.length} → ${after.length} B, ${Math.round(speed.before)} → ${Math.round(speed.after)} windows/s at batch 64, validation loss ${fit.validationLoss.toFixed(4)} → ${tuned.validationLoss.toFixed(4)}`,
    );
    ae = model;
    prunedInt8 = after;
  }
  const fp32 = encode(ae, 'fp32', false);
  const int8 = prunedInt8 ?? encode(ae, 'int8', true);

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
    normalisation: { method: 'zscore', applied: 'in-graph', mean, std },
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
  const alarm = options.calibration
    ? calibrateAlarm(
        set.validationEnds ? splitAtJoins([Float64Array.from(int8Scores)], set.validationEnds) : [int8Scores],
        options.calibration.rowsPerDay,
        options.calibration.target,
        options.calibration.unit,
      )
    : undefined;
  const threshold = alarm ? alarm.on : 2 * p999;
  const { meanRel, agree } = int8Agreement(int8Scores, fp32Scores, threshold);
  const calibration = alarm
    ? {
        threshold,
        off_threshold: alarm.off,
        ...(alarm.clear !== undefined ? { clear_threshold: alarm.clear } : {}),
        calibration: alarm.method,
        target: targetRecord(options.calibration!.target),
        details: alarm.details,
      }
    : {
        threshold,
        calibration: `2 × the 99.9th percentile (${p999.toFixed(4)}) of int8 scores on ${valWindows.length} held-out normal windows (${set.validationNote})`,
      };

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
      ...(pruning ? { pruning } : {}),
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
 * How far another machine's score of the golden window may be from this one's: int8 kernels differ
 * between CPUs (AVX2's saturating u8×s8 multiply-add against VNNI's exact one): 0.7 % was seen for
 * the shipped pump model on an AVX2-only AMD EPYC. 5 % still refuses a wrong model or a broken runtime.
 */
export function goldenTolerance(score: number): number {
  return Math.max(1e-6, Math.abs(score) * 0.05);
}

/** The manifest's record of a calibration target. */
export function targetRecord(t: CalibrationTarget): Record<string, number> {
  return t.falseAlarmsPerDay !== undefined ? { false_alarms_per_day: t.falseAlarmsPerDay } : { quantile: t.quantile! };
}

/** A manifest's record of its target (targetRecord's) as the CalibrationTarget it records. */
export function targetOfRecord(r: Readonly<Record<string, number>>): CalibrationTarget {
  return r.false_alarms_per_day !== undefined
    ? { falseAlarmsPerDay: r.false_alarms_per_day }
    : { quantile: r.quantile };
}
