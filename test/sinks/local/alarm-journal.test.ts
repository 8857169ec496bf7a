/**
 * The alarm journal's last state per alarm, as the gateway reads it at start: a transition is committed once
 * journaled() resolves (no flush: a crash right after keeps it), a shelve's end goes in and comes back,
 * each alarm's newest row outlives the retention, a store written before the journal held the end (no shelved_until
 * column) is upgraded in place, and one holding more columns (a newer version's) still takes rows.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournaledAlarm } from '../../../src/core/components.js';
import type { AlarmEvent } from '../../../src/core/types.js';
import { SqliteStore } from '../../../src/sinks/local/sqlite-store.js';
import { localStoreSchema } from '../../../src/sinks/local/schema.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

/** Times within the store's retention (older rows are pruned at each flush). */
const T = Date.now() - 60_000;

const newPath = () => join(mkdtempSync(join(tmpdir(), 'lw-journal-')), 'store.db');

/** A store on `path`, started; `act` runs on it, and it is closed after. */
async function withStore(
  path: string,
  act: (store: SqliteStore) => Promise<void>,
  o: { retentionHours?: number; now?: () => number } = {},
): Promise<void> {
  const store = new SqliteStore(localStoreSchema.parse({ path, retention_hours: o.retentionHours ?? 168 }), {
    logger: silentLogger(),
    metrics: new GatewayMetrics(),
    ...(o.now ? { now: o.now } : {}),
  });
  await store.start();
  try {
    await act(store);
  } finally {
    await store.close();
  }
}

/** Journals `alarms` and flushes them. */
async function journal(store: SqliteStore, alarms: AlarmEvent[]): Promise<void> {
  store.write({ samples: [], scores: [], alarms });
  await store.flush();
}

const byAsset = (rows: JournaledAlarm[]) => [...rows].sort((a, b) => a.asset.localeCompare(b.asset));

/** Runs SQL on the store's file from a second connection (an older or newer version, a hand edit). */
function onFile<T>(path: string, act: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return act(db);
  } finally {
    db.close();
  }
}

const OLD_JOURNAL =
  'CREATE TABLE alarm_journal (ts INTEGER NOT NULL, asset TEXT NOT NULL, alarm TEXT NOT NULL, priority TEXT NOT NULL, state TEXT NOT NULL, previous TEXT NOT NULL, cause TEXT NOT NULL, command TEXT, by TEXT, comment TEXT, condition_active INTEGER NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, top_channels TEXT NOT NULL, message TEXT NOT NULL)';

describe('the alarm journal', () => {
  it("gives back each alarm's newest state, with a shelve's end", () =>
    withStore(newPath(), async (store) => {
      await journal(store, [
        anomalyEvent('unack_active', { ts: T + 1000 }),
        anomalyEvent('shelved', { ts: T + 2000, previous: 'unack_active', shelvedUntil: T + 9000 }),
        anomalyEvent('ack_active', { ts: T + 1500, asset: 'press-1' }),
      ]);
      expect(byAsset(store.lastAlarmStates())).toEqual([
        { asset: 'press-1', alarm: 'anomaly', state: 'ack_active', ts: T + 1500, since: T + 1500 },
        { asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T + 2000, shelvedUntil: T + 9000, since: T + 1000 },
      ]);
    }));

  it('gives since when each alarm has been active: its raise after its last return to normal, acknowledged or not', () =>
    withStore(newPath(), async (store) => {
      await journal(store, [
        anomalyEvent('unack_active', { ts: T }),
        anomalyEvent('ack_active', { ts: T + 1000, previous: 'unack_active' }),
        anomalyEvent('normal', { ts: T + 2000, previous: 'ack_active' }),
        anomalyEvent('unack_active', { ts: T + 3000 }),
        anomalyEvent('rtn_unack', { ts: T + 4000, previous: 'unack_active' }),
        anomalyEvent('unack_active', { ts: T + 4500, previous: 'rtn_unack' }),
        anomalyEvent('ack_active', { ts: T + 5000, previous: 'unack_active' }),
        anomalyEvent('unack_active', { ts: T, asset: 'press-1' }),
        anomalyEvent('normal', { ts: T + 1000, asset: 'press-1', previous: 'unack_active' }),
      ]);
      expect(byAsset(store.lastAlarmStates())).toEqual([
        { asset: 'press-1', alarm: 'anomaly', state: 'normal', ts: T + 1000 },
        // A re-raise out of rtn_unack is a new activation (it was T + 3000, the raise before the return).
        { asset: 'pump-1', alarm: 'anomaly', state: 'ack_active', ts: T + 5000, since: T + 4500 },
      ]);
    }));

  it('gives a returned alarm waiting for its acknowledgement the raise of the activation it ended', () =>
    withStore(newPath(), async (store) => {
      await journal(store, [
        anomalyEvent('unack_active', { ts: T }),
        anomalyEvent('rtn_unack', { ts: T + 1000, previous: 'unack_active' }),
        anomalyEvent('unack_active', { ts: T + 2000, previous: 'rtn_unack' }),
        anomalyEvent('rtn_unack', { ts: T + 3000, previous: 'unack_active' }),
      ]);
      expect(store.lastAlarmStates()).toEqual([
        { asset: 'pump-1', alarm: 'anomaly', state: 'rtn_unack', ts: T + 3000, since: T + 2000 },
      ]);
    }));

  it('upgrades a store from before shelves were journaled, keeping its rows', async () => {
    const path = newPath();
    onFile(path, (db) => {
      db.exec(OLD_JOURNAL);
      db.prepare('INSERT INTO alarm_journal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        ...[T + 1000, 'pump-1', 'anomaly', 'high', 'shelved', 'normal', 'operator', 'shelve', 'ann', null],
        ...[0, 1, 2, '', ''],
      );
    });
    await withStore(path, async (store) => {
      expect(store.lastAlarmStates()).toEqual([{ asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T + 1000 }]);
      await journal(store, [anomalyEvent('shelved', { ts: T + 3000, shelvedUntil: T + 7000 })]);
      expect(store.lastAlarmStates()).toEqual([
        { asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T + 3000, shelvedUntil: T + 7000 },
      ]);
    });
  });

  it("upgrades a store from before the off delay's count was kept, keeping its hold counts", async () => {
    const path = newPath();
    onFile(path, (db) => {
      db.exec(
        'CREATE TABLE alarm_holds (asset TEXT NOT NULL, alarm TEXT NOT NULL, ts INTEGER NOT NULL, ms INTEGER, PRIMARY KEY (asset, alarm))',
      );
      db.prepare('INSERT INTO alarm_holds VALUES (?, ?, ?, ?)').run('pump-1', 'anomaly', T + 2000, 1500);
    });
    await withStore(path, async (store) => {
      await journal(store, [anomalyEvent('unack_active', { ts: T })]);
      expect(store.lastAlarmStates()).toEqual([expect.objectContaining({ hold: { ms: 1500, ts: T + 2000 } })]);
      const hold = { asset: 'pump-1', alarm: 'anomaly', ts: T + 3000, ms: 2500, belowMs: 1000 };
      store.write({ samples: [], scores: [], alarms: [], alarmHolds: [hold] });
      await store.flush();
      expect(store.lastAlarmStates()).toEqual([
        expect.objectContaining({ hold: { ms: 2500, ts: T + 3000, belowMs: 1000 } }),
      ]);
    });
  });

  it("restores no off delay's count where the version before wrote the hold's count over it (a rollback, then the upgrade again)", async () => {
    const path = newPath();
    await withStore(path, async (store) => {
      await journal(store, [anomalyEvent('unack_active', { ts: T })]);
      store.write({
        samples: [],
        scores: [],
        alarms: [],
        alarmHolds: [{ asset: 'pump-1', alarm: 'anomaly', ts: T + 3000, ms: 2500, belowMs: 2000 }],
      });
      await store.flush();
    });
    // The version before the off delay's count was kept, as its upsertHold writes a count: ts and ms, nothing else.
    onFile(path, (db) =>
      db
        .prepare(
          `INSERT INTO alarm_holds (asset, alarm, ts, ms) VALUES (?, ?, ?, ?)
           ON CONFLICT (asset, alarm) DO UPDATE SET ts = excluded.ts, ms = excluded.ms`,
        )
        .run('pump-1', 'anomaly', T + 9000, 8000),
    );
    await withStore(path, async (store) => {
      // Before: belowMs 2000 came back with the older version's count, though its score may have been above where the
      // alarm clears since (the off delay then ended 2 s early, or at once).
      expect(store.lastAlarmStates()).toEqual([expect.objectContaining({ hold: { ms: 8000, ts: T + 9000 } })]);
    });
  });

  it('forgets the hold counts of assets not kept, naming them, and keeps their journal', () =>
    withStore(newPath(), async (store) => {
      const hold = (asset: string) => ({ asset, alarm: 'anomaly', ts: T + 2000, ms: 1000 });
      await journal(store, [
        anomalyEvent('unack_active', { ts: T }),
        anomalyEvent('ack_active', { ts: T, asset: 'a' }),
      ]);
      store.write({ samples: [], scores: [], alarms: [], alarmHolds: ['pump-1', 'b', 'a'].map(hold) });
      await store.flush();
      expect(store.forgetAlarmHolds(['pump-1', 'c'])).toEqual(['a', 'b']);
      expect(byAsset(store.lastAlarmStates())).toEqual([
        expect.not.objectContaining({ hold: expect.anything() }),
        expect.objectContaining({ asset: 'pump-1', hold: { ms: 1000, ts: T + 2000 } }),
      ]);
      expect(
        store
          .lastAlarmStates()
          .map((a) => a.asset)
          .sort(),
      ).toEqual(['a', 'pump-1']);
      expect(store.forgetAlarmHolds(['pump-1'])).toEqual([]);
    }));

  it("keeps each alarm's newest row past the retention, and prunes the older ones", async () => {
    let now = T;
    const path = newPath();
    await withStore(
      path,
      async (store) => {
        await journal(store, [
          anomalyEvent('unack_active', { ts: T }),
          anomalyEvent('out_of_service', { ts: T + 500, asset: 'press-1' }),
          anomalyEvent('rtn_unack', { ts: T + 1000 }),
        ]);
        now = T + 10 * 3_600_000; // ten hours on, nothing new: every row is past the hour's retention
        await store.flush();
        expect(byAsset(store.lastAlarmStates())).toEqual([
          { asset: 'press-1', alarm: 'anomaly', state: 'out_of_service', ts: T + 500 },
          { asset: 'pump-1', alarm: 'anomaly', state: 'rtn_unack', ts: T + 1000 },
        ]);
      },
      { retentionHours: 1, now: () => now },
    );
    expect(onFile(path, (db) => db.prepare('SELECT COUNT(*) AS n FROM alarm_journal').get())).toEqual({ n: 2 });
  });

  it('takes rows from a store that holds more columns (a newer version, or a rollback after an upgrade)', async () => {
    const path = newPath();
    await withStore(path, async () => {});
    onFile(path, (db) => {
      for (const table of ['samples', 'scores', 'alarm_journal', 'parts'])
        db.exec(`ALTER TABLE ${table} ADD COLUMN added_later TEXT`);
    });
    await withStore(path, async (store) => {
      await journal(store, [anomalyEvent('ack_active', { ts: T })]);
      expect(store.lastAlarmStates()).toEqual([
        { asset: 'pump-1', alarm: 'anomaly', state: 'ack_active', ts: T, since: T },
      ]);
    });
  });

  it("restores nothing from a row whose time is no time, and no shelve's end that is none", async () => {
    const path = newPath();
    await withStore(path, async (store) => {
      await journal(store, [
        anomalyEvent('shelved', { ts: T, shelvedUntil: T + 1000 }),
        anomalyEvent('shelved', { ts: T, asset: 'press-1', shelvedUntil: T + 1000 }),
        anomalyEvent('unack_active', { ts: T, asset: 'mixer-1' }),
      ]);
      onFile(path, (db) => {
        db.exec("UPDATE alarm_journal SET shelved_until = 9e15 WHERE asset = 'pump-1'");
        db.exec("UPDATE alarm_journal SET shelved_until = 'soon' WHERE asset = 'press-1'");
        db.exec("UPDATE alarm_journal SET ts = 'yesterday' WHERE asset = 'mixer-1'");
      });
      expect(byAsset(store.lastAlarmStates())).toEqual([
        { asset: 'press-1', alarm: 'anomaly', state: 'shelved', ts: T },
        { asset: 'pump-1', alarm: 'anomaly', state: 'shelved', ts: T },
      ]);
    });
  });

  it('commits an alarm transition once journaled() resolves, with what was pending, no flush needed', () => {
    const path = newPath();
    return withStore(path, async (store) => {
      const score = { ts: T, asset: 'pump-1', model: 'm', modelVersion: '1', score: 2, threshold: 1, anomalous: true };
      store.write({ samples: [], scores: [{ ...score, contributions: [] }], alarms: [] });
      store.write({ samples: [], scores: [], alarms: [anomalyEvent('normal', { ts: T, by: 'op3', command: 'ack' })] });
      await store.journaled();
      // Another connection (what the next start reads) sees both while the store still runs.
      expect(onFile(path, (db) => db.prepare('SELECT by, command FROM alarm_journal').all())).toEqual([
        { by: 'op3', command: 'ack' },
      ]);
      expect(onFile(path, (db) => db.prepare('SELECT COUNT(*) AS n FROM scores').get())).toEqual({ n: 1 });
    });
  });
});
