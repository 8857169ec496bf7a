/** A local store's journal as a previous run left it, for a gateway to restore its alarms from. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { localStoreSchema } from '../../src/config/schema.js';
import type { AlarmEvent, AlarmStateName } from '../../src/core/types.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { SqliteStore } from '../../src/sinks/local/sqlite-store.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from './cli.js';

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

/** The operator token the demo daemon of `demoOnUnacknowledgedJournal` takes. */
export const DEMO_TOKEN = 'operator-token-0123456789';

/**
 * The demo gateway (config/demo.yaml against an in-process simulator) started on a new store in a temporary folder
 * whose journal leaves pump-1's alarm rtn_unack, as a previous run left it; `configure` changes its configuration
 * before it starts (another sink). The caller stops the daemon and the simulator.
 */
export async function demoOnUnacknowledgedJournal(prefix: string, configure?: (config: Config) => void) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const storePath = join(dir, 'store.db');
  await journalLeftUnacknowledged(storePath);
  const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
    LINEWATCH_API_TOKEN: DEMO_TOKEN,
  });
  loaded.config.storage.local!.path = storePath;
  configure?.(loaded.config);
  const daemon = await startDaemon(loaded, silentLogger());
  return { storePath, sim, daemon };
}

/** An operator's command on pump-1's alarm through the API on `port` (the demo daemon's) by op3; a shelve for 600 s. */
export function demoCommand(port: number, name: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/alarms/pump-1/anomaly/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ by: 'op3', duration_s: 600 }),
  });
}

/**
 * While the journal cannot be written: the ack of pump-1's alarm left rtn_unack, then 5,001 shelves and unshelves,
 * 10,003 transitions, past the backlog's bound of 10,000 (its 3 oldest go); resolves with the answers' statuses other
 * than 503 (none, where every command was answered that it is not journaled).
 */
export async function commandsPastTheBound(port: number): Promise<number[]> {
  const other: number[] = [];
  const note = (res: Response) => res.status !== 503 && other.push(res.status);
  note(await demoCommand(port, 'ack'));
  for (let i = 0; i < 5_001; i++) {
    note(await demoCommand(port, 'shelve'));
    note(await demoCommand(port, 'unshelve'));
  }
  return other;
}
