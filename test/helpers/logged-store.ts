/** A local store on `path` with its own metrics and a log the test reads; flushes only when told (no timer). */
import type { AlarmJournalGap } from '../../src/core/components.js';
import type { Schedule } from '../../src/sinks/local/group-commit.js';
import { localStoreSchema } from '../../src/sinks/local/schema.js';
import { SqliteStore } from '../../src/sinks/local/sqlite-store.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from './log-lines.js';

/**
 * Not started: the caller starts it (or watches a start that fails). `more`: its clock, and who hears of the gaps it
 * records in its journal.
 */
export function loggedStore(
  path: string,
  scheduleJournal?: Schedule,
  more: { now?: () => number; journalGapRecorded?: (gap: AlarmJournalGap) => void } = {},
) {
  const metrics = new GatewayMetrics();
  const log = logLines();
  const store = new SqliteStore(localStoreSchema.parse({ path }), {
    logger: log.logger,
    metrics,
    flushIntervalMs: 3_600_000,
    ...(scheduleJournal ? { scheduleJournal } : {}),
    ...more,
  });
  return { store, log, metrics };
}
