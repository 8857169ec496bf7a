/**
 * At start, before any model is chosen: what becomes of a release that was being loaded or on probation when the
 * gateway ended without stopping (a crash, a kill, power lost; interrupted-probation.ts). It is said; one that was so
 * INTERRUPTIONS_TO_ROLL_BACK times in a row is rolled back for good, so a release that crashes the gateway, announced
 * by a retained notice, cannot crash it at every start.
 */
import type { Logger } from '../telemetry/logger.js';
import { INTERRUPTIONS_TO_ROLL_BACK } from './interrupted-probation.js';
import type { ModelStore } from './model-store.js';
import type { ModelUpdateEvent } from './update-outcome.js';

/** A rollback decided at start, to report once the updater has started (its version: the model the asset runs). */
export type RecoveredRollback = Omit<ModelUpdateEvent, 'version' | 'ts'>;

/** Says each interrupted probation on `assets`; rolls back (recorded, folder removed) those interrupted too often. */
export async function recoverInterrupted(
  store: ModelStore,
  assets: readonly string[],
  logger: Logger,
): Promise<RecoveredRollback[]> {
  const recovered: RecoveredRollback[] = [];
  for (const { asset, mark } of await store.takeInterruptedProbations(assets)) {
    const ends = `the gateway ended without stopping (a crash, a kill, power lost) while ${mark.version} was being loaded or on probation`;
    if (mark.interrupted < INTERRUPTIONS_TO_ROLL_BACK) {
      logger.warn(
        { component: 'model-updates', asset, version: mark.version },
        `asset ${asset}: ${ends}: it runs again only where its notice comes again, on probation anew, and is ` +
          `rolled back for good if the gateway ends so ${INTERRUPTIONS_TO_ROLL_BACK} times in a row`,
      );
      continue;
    }
    await store.recordRolledBack(asset, mark.version);
    await store.prune(asset, () => undefined); // its folder goes: nothing is on probation yet
    recovered.push({
      asset,
      model: mark.model,
      previousVersion: mark.version,
      outcome: 'rolled_back',
      reason: `${ends}, ${mark.interrupted} times in a row: not applied again (publish a new version)`,
    });
  }
  return recovered;
}
