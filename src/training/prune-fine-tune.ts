/**
 * Pruning a trained autoencoder for `train --prune`: the hidden units or conv channels with the smallest L1 norm
 * removed (prune.ts), the smaller model fine-tuned, and what it changed (parameters, int8 size, speed, validation
 * loss) recorded for the manifest.
 */
import { sideBySide, throughput } from '../core/measure.js';
import type { Progress } from '../core/progress.js';
import { createSession, ort } from '../inference/onnx-session.js';
import type { Autoencoder } from './autoencoders.js';
import { ConvAutoencoder } from './conv-autoencoder.js';
import { epochReporter } from './fit-epochs.js';
import { pruneConvChannels, pruneHiddenUnits } from './prune.js';
import { INPUT_NAME } from './scoring-graph.js';

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

/** A pruned and fine-tuned autoencoder, its int8 graph, and the manifest's record of the pruning. */
export interface PrunedModel {
  readonly model: Autoencoder;
  readonly int8: Uint8Array;
  readonly record: Record<string, unknown>;
}

/**
 * Prunes `fraction` of a trained autoencoder's hidden units (dense) or conv channels, fine-tunes it on the same
 * windows, and compares its int8 graph with the unpruned one's (`encodeInt8`: the fit's own export).
 */
export async function pruneAndFineTune(
  trained: Autoencoder,
  fraction: number,
  data: {
    readonly xTrain: Float64Array;
    readonly xVal: Float64Array;
    readonly valWindows: readonly Float64Array[];
    /** The trained model's validation loss. */
    readonly validationLoss: number;
    /** The fit's denoising input noise, kept in the fine-tune (FitOptions.inputNoise). */
    readonly inputNoise?: number;
  },
  encodeInt8: (net: Autoencoder) => Uint8Array,
  options: {
    readonly epochs: number;
    readonly seed: number;
    readonly log: (line: string) => void;
    readonly progress?: Progress;
  },
): Promise<PrunedModel> {
  const { xTrain, xVal, valWindows } = data;
  const { log } = options;
  const conv = trained instanceof ConvAutoencoder;
  const { model, hiddenBefore, hiddenAfter } =
    trained instanceof ConvAutoencoder ? pruneConvChannels(trained, fraction) : pruneHiddenUnits(trained, fraction);
  log(
    `pruning ${fraction}: ${conv ? 'conv channels' : 'hidden units'} ${hiddenBefore.join('-')} → ${hiddenAfter.join('-')}, fine-tuning`,
  );
  const tuneEpochs = Math.max(5, Math.ceil(options.epochs / 3));
  const tuned = model.fit(xTrain, xVal, {
    epochs: tuneEpochs,
    batchSize: 64,
    learningRate: 1e-3,
    patience: 4,
    seed: options.seed + 1,
    ...(data.inputNoise ? { inputNoise: data.inputNoise } : {}),
    onEpoch: epochReporter('fine-tune', tuneEpochs, options),
  });
  options.progress?.end();
  const before = encodeInt8(trained);
  const after = encodeInt8(model);
  const speed = await compareSpeed(before, after, valWindows.slice(0, 64));
  const record = {
    fraction,
    method: conv
      ? 'conv channels with the smallest L1 norm (kernels into + out of the channel) removed from both layers, then fine-tuned'
      : 'hidden units with the smallest L1 norm (incoming + outgoing weights) removed, then fine-tuned',
    hidden_before: hiddenBefore,
    hidden_after: hiddenAfter,
    parameters: { before: trained.parameterCount, after: model.parameterCount },
    int8_bytes: { before: before.length, after: after.length },
    windows_per_s_batch_64: speed,
    validation_loss: { before: data.validationLoss, after: tuned.validationLoss },
    fine_tune_epochs: tuned.epochs,
  };
  log(
    `pruned: ${trained.parameterCount} → ${model.parameterCount} parameters, int8 ${before.length} → ${after.length} B, ${Math.round(speed.before)} → ${Math.round(speed.after)} windows/s at batch 64, validation loss ${data.validationLoss.toFixed(4)} → ${tuned.validationLoss.toFixed(4)}`,
  );
  return { model, int8: after, record };
}
