/**
 * The models the assets start with, all taken from the session pool: an asset's confirmed
 * update (read again from the store and verified) or else its configured model. Assets that run
 * the same model file share one session and its batches, whichever way the file arrived; a
 * confirmed update that no longer loads falls back to the configured model, logged.
 */
import type { KeyObject } from 'node:crypto';
import type { LoadedManifest } from '../inference/manifest.js';
import type { PooledModel, SessionPool } from '../inference/session-pool.js';
import { readConfirmedRelease } from '../sync/confirmed-release.js';
import { readPublicKeys } from '../sync/release.js';
import type { ModelUpdatesConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';

/** Each asset's model, from the pool; on failure every model already taken is given back. */
export async function acquireAssetModels(
  pool: SessionPool,
  configured: ReadonlyMap<string, LoadedManifest>,
  assets: readonly string[],
  updates: ModelUpdatesConfig | undefined,
  logger: Logger,
): Promise<Map<string, PooledModel>> {
  const models = new Map<string, PooledModel>();
  try {
    const keys = updates ? await readPublicKeys(updates.public_key_file) : [];
    for (const asset of assets) {
      const own = configured.get(asset)!;
      const update = updates ? await confirmedModel(pool, asset, own, updates, keys, logger) : undefined;
      models.set(asset, update ?? (await pool.acquire(own)));
    }
  } catch (err) {
    for (const m of models.values()) await m.close();
    throw err;
  }
  logLoads(models, logger);
  return models;
}

async function confirmedModel(
  pool: SessionPool,
  asset: string,
  own: LoadedManifest,
  updates: ModelUpdatesConfig,
  keys: readonly KeyObject[],
  logger: Logger,
): Promise<PooledModel | undefined> {
  const limits = {
    manifestBytes: updates.max_manifest_bytes,
    signatureBytes: updates.max_signature_bytes,
    modelBytes: updates.max_model_bytes,
  };
  const confirmed = await readConfirmedRelease(updates.store_dir!, asset, own.manifest, keys, limits);
  if (confirmed.kind === 'none') return undefined;
  let reason = confirmed.kind === 'refused' ? confirmed.reason : '';
  if (confirmed.kind === 'ok') {
    try {
      const model = await pool.acquire(confirmed.loaded);
      logger.info(
        { asset, version: model.version },
        `asset ${asset}: running the confirmed model update ${model.name} ${model.version} from ${confirmed.dir}`,
      );
      return model;
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  logger.warn(
    { asset },
    `asset ${asset}: the confirmed model update in ${confirmed.dir} does not verify any more (${reason}); running the configured model`,
  );
  return undefined;
}

/** One line per model in use: the assets that share it, the provider, whether the optimised graph was cached. */
function logLoads(models: ReadonlyMap<string, PooledModel>, logger: Logger): void {
  const groups = new Map<string, { model: PooledModel; assets: string[] }>();
  for (const [asset, model] of models) {
    const key = `${model.sha256}\0${model.name}\0${model.version}`;
    const group = groups.get(key) ?? { model, assets: [] };
    group.assets.push(asset);
    groups.set(key, group);
  }
  for (const { model, assets } of groups.values())
    logger.info(
      {
        assets,
        model: model.name,
        version: model.version,
        provider: model.provider,
        optimised_from_cache: model.optimisedFromCache,
      },
      `model ${model.name} ${model.version} loaded on ${model.provider}${model.optimisedFromCache ? ' (optimised graph from the cache)' : ''} for ${assets.length > 1 ? `assets ${assets.join(', ')} (one session, shared batches)` : `asset ${assets[0]}`}`,
    );
}
