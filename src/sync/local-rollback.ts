/**
 * An operator's rollback where no update is on probation (POST /api/models/{asset}/rollback): the asset goes back
 * from the confirmed release it runs to the one confirmed before it that active.json keeps, or, where none is left,
 * to the model it is configured with. The release gone back to is verified again from its folder exactly as at start
 * (confirmed-release.ts: signature, model hash, version and sequence as recorded); one that no longer verifies or
 * loads is refused, naming it, and the asset runs on as it was. Swapped in between two scoring runs as an update is,
 * reported as `rolled_back` with who asked, and recorded (model-store.ts): the version left as rolled back (its
 * notice, retained or polled, is not applied again), active.json with the release gone back to first, so a restart
 * runs it, and the highest sequence confirmed before kept as the floor, so the rollback lets no older signed release
 * back in from the network.
 *
 * It runs on the updates' chain (model-updater.ts): no update is applied, confirmed or put on probation meanwhile.
 */
import type { KeyObject } from 'node:crypto';
import type { Model } from '../core/components.js';
import type { SessionPool } from '../inference/session-pool.js';
import { activeReleaseFile, readConfirmedRelease, recordsOf } from './confirmed-release.js';
import { downloadLimitsOf } from './release-reader.js';
import type { UpdaterParts } from './update-host.js';
import type { ModelUpdateEvent } from './update-outcome.js';

export class LocalRollback {
  constructor(
    private readonly deps: UpdaterParts & {
      /** The configured public keys a release must be signed with (one of them). */
      keys: () => readonly KeyObject[];
      pool: SessionPool;
    },
  ) {}

  /** Puts back the model before the confirmed release `asset` runs; throws why not (nothing earlier, damaged). */
  async rollback(asset: string, reason: string, by?: string): Promise<ModelUpdateEvent> {
    const { host, store, config } = this.deps;
    const current = host.currentModel(asset);
    const configured = host.configuredModel(asset);
    if (!current || !configured) throw new Error(`asset ${asset}: no model runs there to roll back`);
    if (!recordsOf(await store.active(asset)).some((r) => r.version === current.version))
      throw new Error(
        `asset ${asset}: no model update to roll back: it runs ${current.name} ${current.version}, ` +
          (current.version === configured.manifest.version
            ? 'the model it is configured with, and there is nothing earlier to go back to (rollback is possible ' +
              'while an update is on probation, or from a confirmed update)'
            : `which ${activeReleaseFile(store.dir, asset)} does not record as confirmed`),
      );
    const found = await readConfirmedRelease(
      store.dir,
      asset,
      configured.manifest,
      this.deps.keys(),
      (loaded) => this.deps.pool.acquire(loaded),
      {
        limits: downloadLimitsOf(config),
        rolledBack: (await store.rolledBack(asset)).versions,
        after: current.version,
        firstOnly: true,
      },
    );
    const earlier = found.refused[0];
    if (earlier)
      throw new Error(
        `asset ${asset}: cannot roll back to ${earlier.version}, confirmed before ${current.version}: its release in ` +
          `${earlier.dir} does not verify or load any more: ${earlier.reason}; ${asset} runs ${current.version} still`,
      );
    const model: Model = found.ok?.value ?? (await this.deps.pool.acquire(configured));
    let previous: Model;
    try {
      previous = host.swapModel(asset, model);
    } catch (err) {
      await model.close();
      throw err;
    }
    const event = this.deps.outcomes.report({
      asset,
      model: model.name,
      version: model.version,
      previousVersion: current.version,
      outcome: 'rolled_back',
      reason,
      ...(by ? { by } : {}),
      ts: this.deps.now(),
    });
    await store.recordLocalRollback(asset, current.version, found.ok?.version, { at: event.ts, ...(by ? { by } : {}) });
    // The model swapped out may be scoring a window still: it closes once that run has ended.
    await host.runsEnded(asset);
    await previous.close().catch(() => undefined);
    return event;
  }
}
