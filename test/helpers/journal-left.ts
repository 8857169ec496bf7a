/** A local store's journal as a previous run left it, for a gateway to restore its alarms from. */
import { localStoreSchema } from '../../src/config/schema.js';
import type { AlarmEvent, AlarmStateName } from '../../src/core/types.js';
import { SqliteStore } from '../../src/sinks/local/sqlite-store.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

/** A started store on `path` (a new file, or one left before). */
export async function openStore(path: string): Promise<SqliteStore> {
  const store = new SqliteStore(localStoreSchema.parse({ path }), {
    logger: silentLogger(),
    metrics: new GatewayMetrics(),
  });
  await store.start();
  return store;
}

/**
 * A store whose journal's last row for pump-1's alarm is `state` (a previous run's), with `fields`, a second after
 * the alarm was raised a minute ago; resolves with when it was raised.
 */
export async function journalLeft(path: string, state: AlarmStateName, fields: Partial<AlarmEvent>): Promise<number> {
  const store = await openStore(path);
  const ts = Date.now() - 60_000;
  store.write({
    samples: [],
    scores: [],
    alarms: [
      anomalyEvent('unack_active', { ts: ts - 1000 }),
      anomalyEvent(state, { ts, previous: 'unack_active', ...fields }),
    ],
  });
  await store.close();
  return ts - 1000;
}

/** A journal that leaves pump-1's alarm in rtn_unack (raised, cleared, unacknowledged), as a run left it. */
export const journalLeftUnacknowledged = (path: string) => journalLeft(path, 'rtn_unack', { conditionActive: false });
