/**
 * An alarm across a gateway restart: the local store's journal left pump-1's alarm unacknowledged; the gateway starts
 * with it so (still to be acknowledged, its stack light on), and the pump's normal scores then return it to
 * rtn_unack, as after any alarm whose condition clears. A shelved alarm stays shelved until its shelve's end, and
 * starts normal where that end passed while the gateway was stopped.
 */
import Database from 'better-sqlite3';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import type { AlarmEvent, AlarmStateName } from '../../src/core/types.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';
import { journalLeft, openStore } from '../helpers/journal-left.js';
import type { SqliteStore } from '../../src/sinks/local/sqlite-store.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';

/** The demo gateway, a stack light on coil 0, on a store whose journal left pump-1's alarm `state`, and its PLC;
 * `alsoLeft` writes more in the store before the gateway starts. */
async function restartedOn(
  state: AlarmStateName,
  fields: Partial<AlarmEvent> = {},
  alsoLeft?: (store: SqliteStore) => Promise<void>,
) {
  const dir = await mkdtemp(join(tmpdir(), 'lw-restore-'));
  const storePath = join(dir, 'store.db');
  const raisedAt = await journalLeft(storePath, state, fields);
  if (alsoLeft) {
    const store = await openStore(storePath);
    await alsoLeft(store);
    await store.close();
  }
  const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  loaded.config.storage.local!.path = storePath;
  loaded.config.assets[0].alarm.actions = alarmActionSchema
    .array()
    .parse([{ type: 'modbus_write', name: 'stack-light', source: 'pump-plc', table: 'coil', address: 0 }]);
  const daemon = await startDaemon(loaded, silentLogger());
  return {
    sim,
    daemon,
    raisedAt,
    storePath,
    close: async () => {
      await daemon.stop();
      await sim.close();
    },
  };
}

describe('an alarm across a restart', () => {
  it('stays unacknowledged, with its output on, until the operator acknowledges it', async () => {
    const { sim, daemon, storePath, close } = await restartedOn('unack_active');
    try {
      const alarm = () => daemon.gateway.status().assets[0].alarm;
      expect(alarm()).toMatchObject({ asset: 'pump-1', state: 'unack_active', conditionActive: true });
      // The pump runs normally: its condition clears after the off delay, and the alarm waits for its acknowledgement.
      const cleared = await nextEvent(daemon.gateway.events, 'alarm');
      expect([cleared.previous, cleared.state, cleared.cause]).toEqual(['unack_active', 'rtn_unack', 'condition']);
      // The stack light followed the restored state at start (on), and the cleared one after.
      expect(sim.sim.coils.get(1)![0]).toBe(true);
    } finally {
      await close();
    }
    // The gateway kept the hold's count in the store as it ran (alarm_holds), none once the condition cleared: a
    // restart now restores no count.
    const db = new Database(storePath, { readonly: true });
    try {
      expect(db.prepare("SELECT alarm, ms FROM alarm_holds WHERE asset = 'pump-1'").all()).toEqual([
        { alarm: 'anomaly', ms: null },
      ]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('deletes the hold counts of an asset no longer configured at start, keeping its journal', async () => {
    const now = Date.now();
    const { storePath, close } = await restartedOn('unack_active', {}, async (store) => {
      // press-9 ran before, its alarm held; the demo's configuration has only pump-1 now.
      store.write({
        samples: [],
        scores: [],
        alarms: [anomalyEvent('unack_active', { asset: 'press-9', ts: now - 30_000 })],
        alarmHolds: [
          { asset: 'press-9', alarm: 'anomaly', ts: now - 20_000, ms: 5000, belowMs: 2000 },
          { asset: 'pump-1', alarm: 'anomaly', ts: now - 50_000, ms: 3000 },
        ],
      });
      await store.flush();
    });
    await close();
    const db = new Database(storePath, { readonly: true });
    try {
      expect(db.prepare('SELECT asset FROM alarm_holds ORDER BY asset').all()).toEqual([{ asset: 'pump-1' }]);
      expect(db.prepare("SELECT state FROM alarm_journal WHERE asset = 'press-9'").all()).toEqual([
        { state: 'unack_active' },
      ]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('says since when it has been active: its raise, not its acknowledgement', async () => {
    const { daemon, raisedAt, close } = await restartedOn('ack_active', { cause: 'operator', command: 'ack' });
    try {
      const res = await fetch(`http://127.0.0.1:${daemon.http!.port}/api/alarms`);
      expect((await res.json())[0]).toMatchObject({ asset: 'pump-1', state: 'ack_active', since: raisedAt });
    } finally {
      await close();
    }
  }, 60_000);

  it('stays shelved until the shelve ends', async () => {
    const shelvedUntil = Date.now() + 3_600_000;
    const { daemon, close } = await restartedOn('shelved', { shelvedUntil });
    try {
      expect(daemon.gateway.status().assets[0].alarm).toMatchObject({ state: 'shelved', shelvedUntil });
    } finally {
      await close();
    }
  }, 60_000);

  it('starts normal where the shelve ended while the gateway was stopped', async () => {
    const { daemon, close } = await restartedOn('shelved', { shelvedUntil: Date.now() - 1000 });
    try {
      expect(daemon.gateway.status().assets[0].alarm.state).toBe('normal');
    } finally {
      await close();
    }
  }, 60_000);
});
