/**
 * A model folder on disk: the graphs its manifest names, and writing one so that a reader meets the old model or the
 * new one, never a mix it would score.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAIN_FILE_NAME } from '../core/config-primitives.js';
import { replaceFile } from '../core/replace-file.js';
import { SIGNATURE_FILE, type ModelManifest } from '../inference/manifest.js';

/** The files a model folder's manifest names (its graphs), read loosely: none where there is no readable manifest. */
export async function modelFilesOf(dir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    return [m.file, m.fp32_file].filter((f): f is string => typeof f === 'string' && PLAIN_FILE_NAME.test(f));
  } catch {
    return [];
  }
}

/**
 * Writes a model folder, into a new or empty folder or over the model already there (train --force; train-options'
 * checkOut refuses a folder with other files). Each file is renamed into place, the graphs first and the manifest
 * last, so that a reader meets the old model, the new one, or an old manifest whose sha256 does not match a new graph
 * (refused, never scored); the old model's files the new one does not have (its signature, which no longer matches)
 * are removed after.
 */
export async function writeModelFolder(
  outDir: string,
  f: { readonly manifest: ModelManifest; readonly int8: Uint8Array; readonly fp32: Uint8Array },
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const before = await modelFilesOf(outDir);
  const files = [f.manifest.file, ...(f.manifest.fp32_file ? [f.manifest.fp32_file] : [])];
  await replaceFile(join(outDir, f.manifest.file), f.int8);
  if (f.manifest.fp32_file) await replaceFile(join(outDir, f.manifest.fp32_file), f.fp32);
  await replaceFile(join(outDir, 'manifest.json'), `${JSON.stringify(f.manifest, null, 2)}\n`);
  for (const old of [...before.filter((b) => !files.includes(b)), SIGNATURE_FILE])
    await rm(join(outDir, old), { force: true });
}
