/**
 * The models the assets start with, all taken from the session pool: an asset's confirmed
 * update (read again from the store and verified) or else its configured model. Assets that run
 * the same model file share one session and its batches, whichever way the file arrived; a
 * confirmed update that no longer verifies or loads falls back to the one confirmed before it, or else to the
 * configured model: logged, and said in the asset's status until another update is applied.
 */
import type { KeyObject } from 'node:crypto';
import type { LoadedManifest } from '../inference/manifest.js';
import type { PooledModel, SessionPool } from '../inference/session-pool.js';
import { readActiveJson, readConfirmedRelease, type LocalRollbackRecord } from '../sync/confirmed-release.js';
import { readRolledBack, rolledBackUnreadable } from '../sync/model-store.js';
import { downloadLimitsOf } from '../sync/release-reader.js';
import type { ModelUpdatesConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';

export interface AssetModels {
  readonly models: Map<string, PooledModel>;
  /** Assets that do not run their newest confirmed update, because it no longer verifies or loads: why, and what
   * they run instead (the asset's status says so). */
  readonly fallbacks: Map<string, string>;
  /** Assets that run a confirmed update, not their configured model: the update's folder in the store. */
  readonly updateDirs: Map<string, string>;
}

/**
 * Each asset's model, from the pool; on failure every model already taken is given back. A confirmed update is
 * verified against `keys`, the public keys `updates` configures.
 */
export async function acquireAssetModels(
  pool: SessionPool,
  configured: ReadonlyMap<string, LoadedManifest>,
  assets: readonly string[],
  updates: ModelUpdatesConfig | undefined,
  keys: readonly KeyObject[],
  logger: Logger,
): Promise<AssetModels> {
  const models = new Map<string, PooledModel>();
  const fallbacks = new Map<string, string>();
  const updateDirs = new Map<string, string>();
  try {
    for (const asset of assets) {
      const own = configured.get(asset)!;
      const update = updates ? await confirmedModel(pool, asset, own, updates, keys, logger) : {};
      if (update.fallback) fallbacks.set(asset, update.fallback);
      if (update.dir) updateDirs.set(asset, update.dir);
      models.set(asset, update.model ?? (await pool.acquire(own)));
    }
  } catch (err) {
    for (const m of models.values()) await m.close();
    throw err;
  }
  logLoads(models, logger);
  return { models, fallbacks, updateDirs };
}

/**
 * The newest confirmed update of `asset` that verifies and loads, if any; and where that is not the newest one, why
 * (logged here, once per refused release).
 */
async function confirmedModel(
  pool: SessionPool,
  asset: string,
  own: LoadedManifest,
  updates: ModelUpdatesConfig,
  keys: readonly KeyObject[],
  logger: Logger,
): Promise<{ model?: PooledModel; dir?: string; fallback?: string }> {
  const limits = downloadLimitsOf(updates);
  const rolledBack = await readRolledBack(updates.store_dir!, asset);
  if (rolledBack.why !== undefined)
    logger.error({ asset }, `asset ${asset}: ${rolledBackUnreadable(asset, rolledBack.why)}`);
  const found = await readConfirmedRelease(
    updates.store_dir!,
    asset,
    own.manifest,
    keys,
    (loaded) => pool.acquire(loaded),
    { limits, rolledBack: rolledBack.versions },
  );
  for (const r of found.passed)
    logger.info(
      { asset, version: r.version },
      `asset ${asset}: the confirmed model update ${r.version} in ${r.dir} is passed over: ${r.reason}`,
    );
  for (const r of found.refused)
    logger.warn(
      { asset, version: r.version },
      `asset ${asset}: the confirmed model update ${r.version} in ${r.dir} does not verify or load any more: ${r.reason}`,
    );
  const ok = found.ok;
  // An operator's local rollback that left the asset so (active.json): said with what runs, and why.
  const { active, rollback, problem } = await readActiveJson(updates.store_dir!, asset);
  if (problem) logger.warn({ asset }, `asset ${asset}: ${problem}; no confirmed model update is taken from it`);
  const why = (runs: boolean) => (rollback && runs ? `: ${rolledBackBy(rollback, asset)}` : '');
  if (ok)
    logger.info(
      { asset, version: ok.version },
      `asset ${asset}: running the ${ok.newest ? '' : 'earlier '}confirmed model update ${ok.value.name} ${ok.version} from ${ok.dir}` +
        why(ok.newest && ok.version === active?.version),
    );
  else if (found.newest)
    logger.warn({ asset }, `asset ${asset}: no confirmed model update verifies: running the configured model`);
  else if (rollback && !active)
    logger.info(
      { asset, version: own.manifest.version },
      `asset ${asset}: running the configured model ${own.manifest.name} ${own.manifest.version}${why(true)}`,
    );
  const chosen = ok ? { model: ok.value, dir: ok.dir } : {};
  if (!found.newest || ok?.newest) return chosen;
  const newest = found.refused[0];
  const instead = ok ? `the earlier confirmed update ${ok.version}` : `the configured model ${own.manifest.version}`;
  return {
    ...chosen,
    fallback:
      `runs ${instead}, not its confirmed update ${newest.version}: ${newest.reason} ` +
      '(publish that release again, or a newer one)',
  };
}

/** Who rolled what back when, as a start says it. */
function rolledBackBy(r: LocalRollbackRecord, asset: string): string {
  return (
    `${r.by ?? 'an operator'} rolled back ${r.version} at ${r.at} (POST /api/models/${asset}/rollback), ` +
    `${r.version} is not applied again`
  );
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
