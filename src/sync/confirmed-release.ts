/**
 * The release an asset confirmed before a restart (`<store>/<asset>/active.json`), read from the
 * store and verified again as any release is (signature by a configured key, manifest, hash,
 * inputs, model name), so a restart runs it instead of the configured model. Loads nothing: the
 * caller takes the model from the session pool like any other.
 */
import type { KeyObject } from 'node:crypto';
import type { LoadedManifest, ModelManifest } from '../inference/manifest.js';
import { activeReleaseDir } from './model-updater.js';
import { checkInputs, verifySigned } from './release.js';
import { readReleaseDir, type DownloadLimits } from './release-reader.js';

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
