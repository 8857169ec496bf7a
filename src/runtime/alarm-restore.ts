/**
 * What a start takes from the local store's alarm journal: each asset's alarm as the journal left it (an
 * unacknowledged alarm stays to be acknowledged across a restart, one out of service stays out), and the hold counts
 * of assets no longer configured, deleted. Neither ever keeps the gateway from starting: a journal row it cannot use
 * starts that alarm normal, hold counts it cannot delete stay, unused.
 */
import type { Sink } from '../core/components.js';
import type { Logger } from '../telemetry/logger.js';
import { ANOMALY_ALARM, type AssetPipeline } from './asset-pipeline.js';

/** The sink whose journal a restart restores alarms from (the local store): it also keeps the holds' counts. */
export function restoreJournal(sinks: readonly Sink[]): Sink | undefined {
  return sinks.find((s) => s.lastAlarmStates !== undefined);
}

/**
 * Deletes the hold counts the journal keeps of assets no longer configured (nothing restores them), logging their
 * names; their journal stays.
 */
export function forgetRemovedAssetsHolds(
  journal: Sink | undefined,
  pipelines: readonly AssetPipeline[],
  logger: Logger,
): void {
  try {
    const removed = journal?.forgetAlarmHolds?.(pipelines.map((p) => p.config.name)) ?? [];
    if (removed.length > 0)
      logger.info(
        { assets: removed },
        `local store: deleted the alarm hold counts of ${removed.length} asset(s) no longer configured ` +
          `(${removed.join(', ')}); their alarm journal stays`,
      );
  } catch (err) {
    logger.warn(
      {},
      `local store: could not delete the alarm hold counts of assets no longer configured: ${(err as Error).message}`,
    );
  }
}

/** Restores each asset's alarm from its last journal row; nothing without a journal. */
export function restoreAlarms(journal: Sink | undefined, pipelines: readonly AssetPipeline[], logger: Logger): void {
  for (const last of journal?.lastAlarmStates?.() ?? []) {
    if (last.alarm !== ANOMALY_ALARM) continue;
    try {
      pipelines.find((p) => p.config.name === last.asset)?.restoreAlarm(last);
    } catch (err) {
      logger.error(
        { asset: last.asset },
        `asset ${last.asset}: its alarm's last journal row (${last.state} at ${last.ts}) could not be restored: ` +
          `${(err as Error).message}; the alarm starts normal`,
      );
    }
  }
}
