/**
 * What the model updater keeps of each asset in its store (`<store>/<asset>/`), written so that a restart finds it:
 * the confirmed release and the two before it (active.json, confirmed-release.ts), the versions rolled back there
 * (never applied again), the release on probation (crash-loop protection, interrupted-probation.ts), and the release
 * folders, pruned to those a restart can run (store-prune.ts). Every write is logged where it fails and never throws:
 * the gateway runs on with the model it has.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../telemetry/logger.js';
import { activeReleaseFile, nextActiveFile, readActiveFile, type ConfirmedRecord } from './confirmed-release.js';
import { clearProbation, countInterruptedProbations, markProbation } from './interrupted-probation.js';
import { pruneReleases } from './store-prune.js';
import { ACTIVE_TMP_FILE, ROLLED_BACK_FILE } from './store-files.js';

const LOG = { component: 'model-updates' } as const;

export class ModelStore {
  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The asset's active.json (confirmed-release.ts), if any. */
  readonly active = (asset: string) => readActiveFile(this.dir, asset);

  private rolledBackFile(asset: string): string {
    return join(this.dir, asset, ROLLED_BACK_FILE);
  }

  /** Versions rolled back on an asset: a notice for one of them is not applied again. */
  async rolledBack(asset: string): Promise<string[]> {
    try {
      return JSON.parse(await readFile(this.rolledBackFile(asset), 'utf8')) as string[];
    } catch {
      return [];
    }
  }

  /** Records `version` as rolled back on `asset` (not applied again), and that it is no more on probation. */
  async recordRolledBack(asset: string, version: string): Promise<void> {
    try {
      const refused = await this.rolledBack(asset);
      await mkdir(join(this.dir, asset), { recursive: true });
      await writeFile(this.rolledBackFile(asset), JSON.stringify([...new Set([...refused, version])]));
      await clearProbation(this.dir, asset);
    } catch (err) {
      this.logger.error({ ...LOG, asset }, `cannot record the rollback of ${version}: ${(err as Error).message}`);
    }
  }

  /**
   * Atomically records the confirmed release (write, then rename), so a restart runs it, with the ones confirmed
   * before it, which a restart runs where it no longer verifies; then removes the release folders no restart runs, and
   * the probation mark. `onProbation` says, when asked, the folder of a release on probation on the asset by then (a
   * newer one may come while this writes): its folder and mark stay.
   */
  async recordConfirmed(asset: string, record: ConfirmedRecord, onProbation: () => string | undefined): Promise<void> {
    const file = activeReleaseFile(this.dir, asset);
    try {
      const active = nextActiveFile(record, await readActiveFile(this.dir, asset));
      const tmp = join(this.dir, asset, ACTIVE_TMP_FILE);
      await writeFile(tmp, JSON.stringify(active));
      await rename(tmp, file);
      const keep = [active.dir, ...(active.earlier ?? []).map((r) => r.dir)];
      const newer = onProbation();
      await this.prune(asset, newer ? [...keep, newer] : keep);
    } catch (err) {
      this.logger.error(
        { ...LOG, asset },
        `cannot record the confirmed release of ${asset} in ${file}: ${(err as Error).message}; a restart will load ` +
          'the release confirmed before it, or the configured model',
      );
    }
    if (!onProbation()) await this.clearProbation(asset);
  }

  /** Removes the asset's release folders not in `keep` (store-prune.ts), logged; a failure too. */
  private async prune(asset: string, keep: readonly string[]): Promise<void> {
    try {
      const removed = await pruneReleases(join(this.dir, asset), keep);
      if (removed.length > 0)
        this.logger.info(
          { ...LOG, asset, removed },
          `asset ${asset}: removed the stored releases no restart runs any more: ${removed.join(', ')}`,
        );
    } catch (err) {
      this.logger.warn(
        { ...LOG, asset },
        `asset ${asset}: cannot remove old releases from the store: ${(err as Error).message}`,
      );
    }
  }

  /** Marks `version` on probation on `asset` (interrupted-probation.ts). */
  async markProbation(asset: string, model: string, version: string): Promise<void> {
    try {
      await markProbation(this.dir, asset, model, version);
    } catch (err) {
      this.logger.warn(
        { ...LOG, asset },
        `asset ${asset}: cannot mark ${version} on probation in the store (${(err as Error).message}): ` +
          'a crash during its probation will not count against it',
      );
    }
  }

  /** The asset's release is off probation: confirmed, rolled back, or the gateway stops in order. */
  async clearProbation(asset: string): Promise<void> {
    await clearProbation(this.dir, asset).catch(() => undefined);
  }

  /** At start: the assets whose last run ended during a release's probation, each end counted. */
  readonly interruptedProbations = () => countInterruptedProbations(this.dir);
}
