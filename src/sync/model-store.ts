/**
 * What the model updater keeps of each asset in its store (`<store>/<asset>/`), written so that a restart finds it:
 * the confirmed release and the two before it, and the sequence floor a local rollback left (active.json,
 * confirmed-release.ts), the versions rolled back there
 * (never applied again), the release on probation (crash-loop protection, interrupted-probation.ts), and the release
 * folders, pruned to those a restart can run (store-prune.ts). Every write is logged where it fails and never throws:
 * the gateway runs on with the model it has.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../telemetry/logger.js';
import {
  activeAfterRollback,
  activeJsonValue,
  activeReleaseFile,
  nextActiveFile,
  readActiveFile,
  readActiveJson,
  type ConfirmedRecord,
  type LocalRollbackRecord,
} from './confirmed-release.js';
import {
  clearProbation,
  countedEnd,
  markProbation,
  takeProbationMark,
  type ProbationMark,
} from './interrupted-probation.js';
import { pruneReleases, removeIncomplete } from './store-prune.js';
import { ROLLED_BACK_FILE, writeStoreJson } from './store-files.js';
import { z } from 'zod';
import { readJsonFile } from './json-file.js';

const LOG = { component: 'model-updates' } as const;

const rolledBackFile = (storeDir: string, asset: string) => join(storeDir, asset, ROLLED_BACK_FILE);

/** A larger rolled-back.json is not read: thousands of versions (each at most 128 characters). */
const MAX_ROLLED_BACK_BYTES = 1 << 20;
/** The file: a list, its texts the versions (anything else in it left out). */
const rolledBackSchema = z.array(z.unknown());

/** The versions rolled back on an asset, and why the list is unusable where it cannot be read (`<path>: …`). */
export interface RolledBackList {
  readonly versions: string[];
  readonly why?: string;
}

/**
 * Versions rolled back on an asset (`<store>/<asset>/rolled-back.json`): never applied or run at a restart again. Read
 * as the store's other files are (json-file.ts: a regular file only, bounded); none where there is no file. Where the
 * file is there but cannot be read (a FIFO, a disk fault, a hand edit), `why` says so: which versions were rolled back
 * is then unknown, and the updater applies none until it is put right (release-apply.ts).
 */
export async function readRolledBack(storeDir: string, asset: string): Promise<RolledBackList> {
  const read = readJsonFile(rolledBackFile(storeDir, asset), rolledBackSchema, MAX_ROLLED_BACK_BYTES);
  if ('value' in read) return { versions: read.value.filter((v): v is string => typeof v === 'string') };
  return 'why' in read ? { versions: [], why: read.why } : { versions: [] };
}

/** What an unreadable versions list (`why`, RolledBackList's) means for `asset`, as the log and refusals say it. */
export function rolledBackUnreadable(asset: string, why: string): string {
  return (
    `${why}: the versions rolled back on ${asset} cannot be read, so no release is applied there until the file is ` +
    'put right (fix or remove it)'
  );
}

export class ModelStore {
  /** Ends counted at start (takeInterruptedProbations), per asset. */
  private readonly interrupted = new Map<string, ProbationMark>();
  /** The operator's local rollback each asset's active.json records, as read at start and written since. */
  private readonly rollbacks = new Map<string, LocalRollbackRecord>();

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The asset's active.json (confirmed-release.ts), if any. */
  readonly active = (asset: string) => readActiveFile(this.dir, asset);

  /** The sequence floor a local rollback left on the asset (confirmed-release.ts), if any. */
  readonly floor = async (asset: string) => (await readActiveJson(this.dir, asset)).floor;

  /**
   * The operator's local rollback that left `asset` running what it runs at start (active.json's first release, or
   * the configured model), as recorded; none once a release is confirmed there. Read at start (readLocalRollbacks).
   */
  localRollback(asset: string): LocalRollbackRecord | undefined {
    return this.rollbacks.get(asset);
  }

  /** At start: reads the local rollback each asset's active.json records (localRollback). */
  async readLocalRollbacks(assets: readonly string[]): Promise<void> {
    for (const asset of assets) {
      const { rollback } = await readActiveJson(this.dir, asset);
      if (rollback) this.rollbacks.set(asset, rollback);
    }
  }

  /** Versions rolled back on an asset: a notice for one of them is not applied again. */
  rolledBack(asset: string): Promise<RolledBackList> {
    return readRolledBack(this.dir, asset);
  }

  /** Records `version` as rolled back on `asset` (not applied again), and that it is no more on probation. */
  async recordRolledBack(asset: string, version: string): Promise<void> {
    try {
      const refused = await this.rolledBack(asset);
      if (refused.why !== undefined)
        // Rewritten, the list would lose the versions it held, and a retained notice of one would apply it again.
        this.logger.error(
          { ...LOG, asset },
          `cannot record the rollback of ${version}: ${rolledBackUnreadable(asset, refused.why)}; left as it is`,
        );
      else {
        await mkdir(join(this.dir, asset), { recursive: true });
        // Never in place: an update reads the list while a rollback, which does not wait for it, records one more.
        await writeStoreJson(rolledBackFile(this.dir, asset), [...new Set([...refused.versions, version])]);
      }
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
    this.rollbacks.delete(asset); // the release confirmed runs now, whatever a rollback left before
    if (!onProbation()) await this.clearProbation(asset);
    try {
      const before = await readActiveJson(this.dir, asset);
      await writeStoreJson(file, nextActiveFile(record, before.active, before.floor));
    } catch (err) {
      this.logger.error(
        { ...LOG, asset },
        `cannot record the confirmed release of ${asset} in ${file}: ${(err as Error).message}; a restart will load ` +
          'the release confirmed before it, or the configured model',
      );
      return;
    }
    await this.prune(asset, onProbation);
  }

  /**
   * Records an operator's local rollback (local-rollback.ts) from `from`, a release active.json records, to `to`, one
   * recorded after it (undefined: the configured model): `from` as rolled back (its notice is not applied again), then
   * active.json with `to` first, the sequence floor kept (activeAfterRollback) and the rollback (`from`, when, by whom:
   * what runs after a restart says why), then the folders no restart runs removed. Logged where it fails: a restart
   * then passes `from` over all the same, as rolled back.
   */
  async recordLocalRollback(
    asset: string,
    from: string,
    to: string | undefined,
    how: { readonly at: number; readonly by?: string },
  ): Promise<void> {
    const rollback: LocalRollbackRecord = {
      version: from,
      at: new Date(how.at).toISOString(),
      ...(how.by ? { by: how.by } : {}),
    };
    this.rollbacks.set(asset, rollback);
    await this.recordRolledBack(asset, from);
    const file = activeReleaseFile(this.dir, asset);
    try {
      const after = activeAfterRollback(await readActiveJson(this.dir, asset), to);
      await writeStoreJson(file, activeJsonValue({ ...after, rollback }));
    } catch (err) {
      this.logger.error(
        { ...LOG, asset },
        `cannot record the rollback of ${asset} to ${to ?? 'the configured model'} in ${file}: ` +
          `${(err as Error).message}; a restart passes ${from} over, as rolled back`,
      );
      return;
    }
    await this.prune(asset, () => undefined); // on the updates' chain: no release is on probation
  }

  /**
   * Removes the asset's release folders no restart runs (store-prune.ts): all but those active.json records, and the
   * one on probation (`onProbation`, asked when the folders are listed); logged, a failure too.
   */
  async prune(asset: string, onProbation: () => string | undefined): Promise<void> {
    try {
      const active = await readActiveFile(this.dir, asset);
      const keep = active ? [active.dir, ...(active.earlier ?? []).map((r) => r.dir)] : [];
      const newer = onProbation();
      const removed = await pruneReleases(join(this.dir, asset), newer ? [...keep, newer] : keep);
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

  /**
   * Marks a release on probation on `asset` (interrupted-probation.ts), from its load on, with the ends the start
   * counted for that same release (0 for any other).
   */
  async markProbation(asset: string, model: string, version: string): Promise<void> {
    const counted = this.interrupted.get(asset);
    const interrupted = counted && counted.model === model && counted.version === version ? counted.interrupted : 0;
    try {
      await markProbation(this.dir, asset, { model, version, interrupted });
    } catch (err) {
      this.logger.warn(
        { ...LOG, asset },
        `asset ${asset}: cannot mark ${version} on probation in the store (${(err as Error).message}): ` +
          'a crash during its probation will not count against it',
      );
    }
  }

  /** The asset's release is off probation: confirmed, rolled back, refused, or the gateway stops in order. */
  async clearProbation(asset: string): Promise<void> {
    await clearProbation(this.dir, asset).catch(() => undefined);
  }

  /**
   * At start, before any model is chosen: the configured assets whose last run ended while a release was being
   * loaded or on probation there, each such end counted (the marks are taken; a mark for the release the asset
   * confirmed, left by an end during its confirmation, counts for nothing). Folders a release was being written into
   * when the gateway ended are removed.
   */
  async takeInterruptedProbations(assets: readonly string[]): Promise<{ asset: string; mark: ProbationMark }[]> {
    const found: { asset: string; mark: ProbationMark }[] = [];
    for (const asset of assets) {
      await removeIncomplete(join(this.dir, asset));
      const before = await takeProbationMark(this.dir, asset).catch(() => undefined);
      const mark = before && countedEnd(before, (await readActiveFile(this.dir, asset))?.version);
      if (!mark) continue;
      this.interrupted.set(asset, mark);
      found.push({ asset, mark });
    }
    return found;
  }
}
