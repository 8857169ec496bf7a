/**
 * The release an asset confirmed before a restart (`<store>/<asset>/active.json`), read from the
 * store and verified again as any release is (signature by a configured key, manifest, hash,
 * inputs, model name), so a restart runs it instead of the configured model. Loads nothing: the
 * caller takes the model from the session pool like any other.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedManifest, ModelManifest } from '../inference/manifest.js';
import { checkInputs, verifySigned } from './release.js';
import { readReleaseDir, type DownloadLimits } from './release-reader.js';
import { ACTIVE_FILE } from './store-files.js';

/** `<store>/<asset>/active.json`: the confirmed release a restart loads instead of the configured model. */
export function activeReleaseFile(storeDir: string, asset: string): string {
  return join(storeDir, asset, ACTIVE_FILE);
}

/** The release sequence an asset last confirmed (0: none). */
export async function confirmedSequence(storeDir: string, asset: string): Promise<number> {
  try {
    const { sequence } = JSON.parse(await readFile(activeReleaseFile(storeDir, asset), 'utf8')) as {
      sequence?: unknown;
    };
    return typeof sequence === 'number' && Number.isInteger(sequence) ? sequence : 0;
  } catch {
    return 0;
  }
}

/** The confirmed release folder of an asset, if any. */
export async function activeReleaseDir(storeDir: string, asset: string): Promise<string | undefined> {
  try {
    const { dir } = JSON.parse(await readFile(activeReleaseFile(storeDir, asset), 'utf8')) as { dir?: string };
    return typeof dir === 'string' ? dir : undefined;
  } catch {
    return undefined;
  }
}

export type ConfirmedRelease =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly loaded: LoadedManifest; readonly dir: string }
  | { readonly kind: 'refused'; readonly dir: string; readonly reason: string };

/** The confirmed release of `asset`, checked against the model it is configured with. */
export async function readConfirmedRelease(
  storeDir: string,
  asset: string,
  configured: ModelManifest,
  keys: readonly KeyObject[],
  limits?: DownloadLimits,
): Promise<ConfirmedRelease> {
  const dir = await activeReleaseDir(storeDir, asset);
  if (!dir) return { kind: 'none' };
  try {
    const loaded = verifySigned(await readReleaseDir(dir, limits), keys);
    const expected = {
      channels: configured.input.channels.map((c) => c.name),
      windowLength: configured.input.window_length,
      samplePeriodMs: configured.input.sample_period_ms,
    };
    checkInputs(loaded.manifest, expected, dir);
    if (loaded.manifest.name !== configured.name)
      return {
        kind: 'refused',
        dir,
        reason: `it is model ${loaded.manifest.name}, the asset is configured with ${configured.name}`,
      };
    return { kind: 'ok', loaded, dir };
  } catch (err) {
    return { kind: 'refused', dir, reason: (err as Error).message };
  }
}
