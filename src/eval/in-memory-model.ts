/**
 * A fitted model's graph of either precision as the gateway would load it, without a model folder: the int8 graph
 * with its manifest, or the fp32 one with its twin's.
 */
import { sha256Hex, type LoadedManifest, type ModelManifest } from '../inference/manifest.js';
import type { FittedModel } from '../training/build-model.js';

export type Precision = 'int8' | 'fp32';

/**
 * The manifest of a model's fp32 twin: its file and hash; the golden window (the int8 graph's
 * score) is not checked against it.
 */
export function fp32Manifest(m: ModelManifest, fp32Sha256: string): ModelManifest {
  return { ...m, file: m.fp32_file!, sha256: fp32Sha256, golden: { ...m.golden, tolerance: Number.MAX_VALUE } };
}

/** A fitted model's graph of the given precision, as the gateway would load it. */
export function inMemoryModel(f: FittedModel, precision: Precision, where: string): LoadedManifest {
  const bytes = precision === 'int8' ? f.int8 : f.fp32;
  const manifest = precision === 'int8' ? f.manifest : fp32Manifest(f.manifest, sha256Hex(bytes));
  return { manifest, manifestPath: `${where} (in memory)`, modelPath: `${where} (in memory)`, modelBytes: bytes };
}
