/**
 * A fitted model's graphs scored before they ship, through the code the gateway runs: raw windows scored with model
 * bytes, the int8 graph checked against the fp32 one (agreement, and a refusal where int8 alone alarms), and the
 * golden window's tolerance.
 */
import { dirname, join } from 'node:path';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import type { LoadedManifest, ModelManifest } from '../inference/manifest.js';

/**
 * Scores raw windows with model bytes through the same code the gateway runs (the golden window
 * is not checked: the manifest is still being written). `unread`: each window's points not read (CsvParts.unreadPoints;
 * absent, none).
 */
export async function scoreWindows(
  manifest: ModelManifest,
  bytes: Uint8Array,
  modelPath: string,
  windows: readonly Float64Array[],
  unread?: readonly (readonly number[])[],
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
      for (const r of await probe.scoreRaw(windows.slice(i, i + 256), unread?.slice(i, i + 256))) scores.push(r.score);
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

/**
 * How far another machine's score of the golden window may be from this one's: int8 kernels differ
 * between CPUs (AVX2's saturating u8×s8 multiply-add against VNNI's exact one): 0.7 % was seen for
 * the shipped pump model on an AVX2-only AMD EPYC. 5 % still refuses a wrong model or a broken runtime.
 */
export function goldenTolerance(score: number): number {
  return Math.max(1e-6, Math.abs(score) * 0.05);
}
