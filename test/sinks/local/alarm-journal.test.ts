/**
 * The alarm journal's last state per alarm, as the gateway reads it at start: a shelve's end goes in and comes back,
 * and a store written before the journal held it (no shelved_until column) is upgraded in place, its rows kept.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/sinks/local/sqlite-store.js';
import { localStoreSchema } from '../../../src/sinks/local/schema.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

const open = (path: string) =>
  new SqliteStore(localStoreSchema.parse({ path }), { logger: silentLogger(), metrics: new GatewayMetrics() });

/** The journal's table as stores made before 2026-12-05 created it. */
/** The journal's rows, read from the store's file by a second connection. */
function journalRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM alarm_journal').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Times within the store's retention (older rows are pruned at each flush). */
const T = Date.now() - 60_000;

const OLD_JOURNAL =
  'CREATE TABLE alarm_journal (ts INTEGER NOT NULL, asset TEXT NOT NULL, alarm TEXT NOT NULL, priority TEXT NOT NULL, state TEXT NOT NULL, previous TEXT NOT NULL, cause TEXT NOT NULL, command TEXT, by TEXT, comment TEXT, condition_active INTEGER NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, top_channels TEXT NOT NULL, message TEXT NOT NULL)';

describe('the alarm journal', () => {
  it("gives back each alarm's newest state, with a shelve's end", async () => {
    const store = open(join(mkdtempSync(join(tmpdir(), 'lw-journal-')), 'store.db'));
    await store.start();
    try {
      store.write({
        samples: [],
        scores: [],
        alarms: [
          anomalyEvent('unack_active', { ts: T + 1000 }),
          anomalyEvent('shelved', { ts: T + 2000, previous: 'unack_active', shelvedUntil: T + 9000 }),
          anomalyEvent('ack_active', { ts: T + 1500, asset: 'press-1' }),
        ],
      });
      await store.flush();
      expect(store.lastAlarmStates().sort((a, b) => a.asset.localeCompare(b.asset))).toEqual([
        { asset: 'press-1', alarm: 'anomaly', state: 'ack_active', ts: T + 1500 },
        { asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T + 2000, shelvedUntil: T + 9000 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('upgrades a store from before shelves were journaled, keeping its rows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-journal-')), 'store.db');
    const old = new Database(path);
    old.exec(OLD_JOURNAL);
    old
      .prepare('INSERT INTO alarm_journal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        T + 1000,
        'pump-1',
        'anomaly',
        'high',
        'shelved',
        'normal',
        'operator',
        'shelve',
        'ann',
        null,
        0,
        1,
        2,
        '',
        '',
      );
    old.close();
    const store = open(path);
    await store.start();
    try {
      expect(store.lastAlarmStates()).toEqual([{ asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T + 1000 }]);
      store.write({
        samples: [],
        scores: [],
        alarms: [anomalyEvent('shelved', { ts: T + 3000, shelvedUntil: T + 7000 })],
      });
      await store.flush();
      expect(store.lastAlarmStates()).toEqual([
        { asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T + 3000, shelvedUntil: T + 7000 },
      ]);
    } finally {
      await store.close();
    }
  });

  it("keeps each alarm's newest row past the retention, and prunes the older ones", async () => {
    let now = T;
    const path = join(mkdtempSync(join(tmpdir(), 'lw-journal-')), 'store.db');
    const store = new SqliteStore(localStoreSchema.parse({ path, retention_hours: 1 }), {
      logger: silentLogger(),
      metrics: new GatewayMetrics(),
      now: () => now,
    });
    await store.start();
    try {
      store.write({
        samples: [],
        scores: [],
        alarms: [anomalyEvent('unack_active', { ts: T }), anomalyEvent('rtn_unack', { ts: T + 1000 })],
      });
      await store.flush();
      now = T + 10 * 3_600_000; // ten hours on, nothing new: both rows are past the hour's retention
      await store.flush();
      expect(store.lastAlarmStates()).toEqual([
        { asset: 'pump-1', alarm: 'anomaly', state: 'rtn_unack', ts: T + 1000 },
      ]);
      expect(journalRows(path)).toBe(1);
    } finally {
      await store.close();
    }
  });
});
