/**
 * The alarm journal says where its history has a gap (the review's finding: once the journal recovered after the
 * backlog's bound dropped transitions, nothing said so: /api/status no longer mentioned the drops and the journal had
 * no marker, so its history looked complete). The drops are recorded in the journal, per alarm, with the first commit
 * that works (table alarm_journal_gaps, never read as a transition by the restore), and /api/status keeps saying
 * the gap since the start. The fault is a real SQLite failure, a trigger added from a second connection to the file.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlarmJournalGap } from '../../../src/core/components.js';
import { loggedStore } from '../../helpers/logged-store.js';
import { SinkWatch } from '../../../src/runtime/sink-watch.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';
import { INJECTED, sqliteFault } from '../../helpers/sqlite-fault.js';

function open(path: string, more: Parameters<typeof loggedStore>[2] = {}) {
  const { store, log, metrics } = loggedStore(path, undefined, more);
  return { store, log, watch: new SinkWatch(store, undefined, metrics) };
}

/** The gap rows as another connection (an auditor, the next start) reads them. */
function gapRows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT asset, alarm, dropped, from_ts, to_ts, message FROM alarm_journal_gaps').all();
  } finally {
    db.close();
  }
}

/** pump-2's transitions, raise and clear in turn, with times `from`, `from + 1`... */
const flood = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    anomalyEvent(i % 2 === 0 ? 'unack_active' : 'normal', { asset: 'pump-2', ts: from + i }),
  );

describe("the alarm journal's gap", () => {
  it('is recorded in the journal once it writes again, per alarm, and /api/status keeps saying it; restores are as before', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-gap-')), 'store.db');
    const { store, watch } = open(path);
    await store.start();
    try {
      const fault = sqliteFault(path, 'alarm_journal').failInserts();
      store.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { asset: 'pump-1', ts: 1 })] });
      store.write({ samples: [], scores: [], alarms: flood(2, 6_000) });
      await expect(store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
      // 10,051 waiting past the bound: pump-2's 51 oldest go (a newer one of pump-2 supersedes them)
      store.write({ samples: [], scores: [], alarms: flood(6_002, 4_050) });
      await expect(store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
      expect(gapRows(path)).toEqual([]); // the commit that would record it failed: kept for the next
      fault.heal();
      await store.flush();
      const recorded = [
        {
          asset: 'pump-2',
          alarm: 'anomaly',
          dropped: 51,
          from_ts: 2,
          to_ts: 52,
          message:
            '51 transition(s) of pump-2/anomaly from 1970-01-01T00:00:00.002Z to 1970-01-01T00:00:00.052Z are not ' +
            'journaled: dropped while the journal could not be written (past 10000 transitions or 16 MiB waiting)',
        },
      ];
      expect(gapRows(path)).toEqual(recorded);
      // Recovered: reachable, and the gap since the start still said (before: { name: 'local', reachable: true })
      expect(watch.status()).toEqual({
        name: 'local',
        reachable: true,
        journalGap: { dropped: 51, alarms: 1, from: 2, to: 52 },
      });
      await store.flush();
      expect(gapRows(path)).toEqual(recorded); // recorded once
    } finally {
      await store.close();
    }
    // The next start: the journal keeps the gap, the restore reads transitions only, the status counts from the start.
    const next = open(path);
    await next.store.start();
    try {
      expect(gapRows(path)).toHaveLength(1);
      expect(next.store.lastAlarmStates().map((a) => [a.asset, a.state, a.ts])).toEqual([
        ['pump-1', 'unack_active', 1],
        ['pump-2', 'normal', 10_051],
      ]);
      expect(next.watch.status()).toEqual({ name: 'local', reachable: true });
    } finally {
      await next.store.close();
    }
  });

  it('a store closed before it could record the gap says so in its log', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-gap-')), 'store.db');
    const { store, log } = open(path);
    await store.start();
    sqliteFault(path, 'alarm_journal').failInserts(); // never healed: the file is thrown away
    store.write({ samples: [], scores: [], alarms: flood(1, 10_003) });
    await expect(store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
    await store.close();
    expect(log.at(50)).toContain(
      `local store ${path}: closed before it could record in the journal (alarm_journal_gaps) that 3 alarm ` +
        'transition(s) were dropped unjournaled; only this log says so',
    );
    expect(gapRows(path)).toEqual([]);
  });

  it('is told, per alarm, once the commit that recorded it is on disk: not for a commit that failed, and once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-gap-')), 'store.db');
    const told: AlarmJournalGap[] = [];
    const clock = { now: 1_000_000 };
    const { store } = open(path, { now: () => clock.now, journalGapRecorded: (gap) => told.push(gap) });
    await store.start();
    try {
      const fault = sqliteFault(path, 'alarm_journal').failInserts();
      // pump-2 and pump-3 in turn, two transitions each: the 10 oldest of 10,010 go, 6 of pump-2's and 4 of pump-3's
      const turns = Array.from({ length: 10_010 }, (_, i) =>
        anomalyEvent(i % 2 === 0 ? 'unack_active' : 'normal', { asset: `pump-${2 + (Math.floor(i / 2) % 2)}`, ts: i }),
      );
      store.write({ samples: [], scores: [], alarms: turns });
      await expect(store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
      await store.flush(); // fails again: nothing recorded, nothing told
      expect(told).toEqual([]);
      fault.heal();
      clock.now = 2_000_000;
      await store.flush();
      expect(told).toEqual([
        { asset: 'pump-2', alarm: 'anomaly', dropped: 6, from: 0, to: 9, ts: 2_000_000, message: expect.any(String) },
        { asset: 'pump-3', alarm: 'anomaly', dropped: 4, from: 2, to: 7, ts: 2_000_000, message: expect.any(String) },
      ]);
      // What it is told is what the journal's rows say
      expect(told.map((g) => g.message)).toEqual(gapRows(path).map((r) => (r as { message: string }).message));
      await store.flush();
      expect(told).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('a listener that throws does not undo the commit that recorded the gap: logged, the journal has it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-gap-')), 'store.db');
    const { store, log, watch } = open(path, {
      journalGapRecorded: () => {
        throw new Error('listener broke');
      },
    });
    await store.start();
    try {
      const fault = sqliteFault(path, 'alarm_journal').failInserts();
      store.write({ samples: [], scores: [], alarms: flood(1, 10_001) });
      await expect(store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
      fault.heal();
      await store.flush();
      expect(gapRows(path)).toHaveLength(1);
      expect(watch.status()).toMatchObject({ name: 'local', reachable: true });
      expect(log.at(50)).toContain("local store: a listener to the journal's gaps failed: Error: listener broke");
    } finally {
      await store.close();
    }
  });
});
