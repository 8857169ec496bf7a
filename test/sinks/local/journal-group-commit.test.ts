/**
 * The local store's alarm journal, group-committed (the review's finding: one fsync per transition, on the event loop;
 * 200 transitions over 50 assets blocked it 208 ms): a burst written in one turn of the event loop goes to disk in one
 * commit with one sync, counted by linewatch_alarm_journal_syncs_total; a commit that fails keeps its transitions,
 * says so to whoever waits and in failing(), and commits them with the next group once the fault is gone. The fault
 * is a real SQLite failure, a trigger added from a second connection to the same file.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loggedStore } from '../../helpers/logged-store.js';
import type { Schedule } from '../../../src/sinks/local/group-commit.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';
import { INJECTED, sqliteFault } from '../../helpers/sqlite-fault.js';

/** A started store on a new file, its metrics and log; flushes only when told (no timer in the way). */
async function started(scheduleJournal?: Schedule) {
  const path = join(mkdtempSync(join(tmpdir(), 'lw-group-')), 'store.db');
  const { store, log, metrics } = loggedStore(path, scheduleJournal);
  await store.start();
  const syncs = async () => (await metrics.journalSyncs.get()).values[0]?.value ?? 0;
  const pending = async () => (await metrics.journalPending.get()).values[0]?.value;
  /** The journal's rows as another connection (the next start) reads them. */
  const rows = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT asset, state FROM alarm_journal ORDER BY rowid').all();
    } finally {
      db.close();
    }
  };
  return { path, metrics, log, store, syncs, pending, rows };
}

/** One raise on each of `n` assets, as a line-wide disturbance gives. */
const burst = (n: number, state: 'unack_active' | 'rtn_unack' = 'unack_active') =>
  Array.from({ length: n }, (_, i) => anomalyEvent(state, { asset: `asset-${i}` }));

describe('the alarm journal, group-committed', () => {
  it('commits a burst written in one turn of the event loop with one sync, after the turn', async () => {
    const s = await started();
    try {
      for (const event of burst(50)) s.store.write({ samples: [], scores: [], alarms: [event] });
      expect(s.rows()).toEqual([]); // not yet: the group commits after this turn
      await s.store.journaled();
      expect(s.rows()).toHaveLength(50);
      expect(await s.syncs()).toBe(1);
      for (const event of burst(50, 'rtn_unack')) s.store.write({ samples: [], scores: [], alarms: [event] });
      await s.store.journaled();
      expect(s.rows()).toHaveLength(100);
      expect(await s.syncs()).toBe(2);
      expect(await s.pending()).toBe(0);
    } finally {
      await s.store.close();
    }
  });

  it('syncs once per transition with a schedule that commits at once (the baseline the benchmark measures)', async () => {
    const s = await started((run) => run());
    try {
      for (const event of burst(5)) s.store.write({ samples: [], scores: [], alarms: [event] });
      expect(s.rows()).toHaveLength(5);
      expect(await s.syncs()).toBe(5);
    } finally {
      await s.store.close();
    }
  });

  it('keeps the transitions of a failed commit, says why, and commits them with the next group once healed', async () => {
    const s = await started();
    try {
      const fault = sqliteFault(s.path, 'alarm_journal').failInserts();
      const two = burst(2);
      s.store.write({ samples: [], scores: [], alarms: two });
      const bytes = two.reduce((sum, a) => sum + Buffer.byteLength(JSON.stringify(a)), 0);
      await expect(s.store.journaled()).rejects.toThrow(new Error(`local store ${s.path}: write failed: ${INJECTED}`));
      expect(s.store.failing()).toEqual({
        since: expect.any(Number),
        error:
          `${s.path}: write failed: ${INJECTED}; 2 alarm transition(s) (${bytes} bytes) not on disk, kept in memory ` +
          'and committed again with the next transition or flush (each second); past 10000 transitions or 16 MiB ' +
          `the oldest are dropped unjournaled, each alarm's newest last (linewatch_sink_dropped_points_total{reason="journal_backlog"})`,
      });
      expect(await s.pending()).toBe(2);
      expect(s.log.at(50)).toEqual([`local store ${s.path}: write failed: ${INJECTED}`]);
      // Kept, not dropped: nothing counted as lost.
      expect(await s.metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).not.toContain(
        'sink="local"',
      );
      fault.heal();
      s.store.write({ samples: [], scores: [], alarms: [anomalyEvent('rtn_unack', { asset: 'asset-0' })] });
      await s.store.journaled();
      expect(s.rows()).toEqual([
        { asset: 'asset-0', state: 'unack_active' },
        { asset: 'asset-1', state: 'unack_active' },
        { asset: 'asset-0', state: 'rtn_unack' },
      ]);
      expect(s.store.failing()).toBeUndefined();
      expect(await s.pending()).toBe(0);
    } finally {
      await s.store.close();
    }
  });

  it('bounds the kept transitions in bytes: 64 KiB comments keep 16 MiB of the newest, the rest dropped, counted, said', async () => {
    const s = await started();
    try {
      sqliteFault(s.path, 'alarm_journal').failInserts(); // never healed: the file is thrown away
      const comment = 'x'.repeat(64 * 1024);
      const acks = Array.from({ length: 300 }, (_, i) =>
        anomalyEvent('ack_active', { asset: `asset-${String(i).padStart(3, '0')}`, comment, ts: 1_765_000_000_000 }),
      );
      s.store.write({ samples: [], scores: [], alarms: acks }); // one turn: one group
      await expect(s.store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
      const each = Buffer.byteLength(JSON.stringify(acks[0]));
      const kept = Math.floor((16 * 1024 * 1024) / each);
      expect(kept).toBeLessThan(256); // each a little over 64 KiB
      expect(await s.pending()).toBe(kept);
      expect(await s.metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).toContain(
        `linewatch_sink_dropped_points_total{sink="local",reason="journal_backlog"} ${300 - kept}`,
      );
      expect(s.store.failing()?.error).toMatch(
        new RegExp(
          `; ${kept} alarm transition\\(s\\) \\(${kept * each} bytes\\) not on disk, .*: ${300 - kept} dropped so far$`,
        ),
      );
      expect(s.log.at(50)).toContain(
        `local store ${s.path}: ${300 - kept} alarm transition(s) dropped unjournaled, the oldest of those waiting, each alarm's newest last ` +
          '(at most 10000 transitions or 16 MiB wait while the journal cannot be written)',
      );
    } finally {
      await s.store.close();
    }
  });

  it("keeps each alarm's newest transition past the bound: a restart after drops restores every alarm as it stood", async () => {
    const s = await started();
    try {
      const fault = sqliteFault(s.path, 'alarm_journal').failInserts();
      // pump-1's raise, then a flood of another alarm's transitions while the journal cannot be written
      s.store.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { asset: 'pump-1', ts: 1 })] });
      const flood = Array.from({ length: 10_050 }, (_, i) =>
        anomalyEvent(i % 2 === 0 ? 'unack_active' : 'normal', { asset: 'pump-2', ts: 2 + i }),
      );
      s.store.write({ samples: [], scores: [], alarms: flood });
      await expect(s.store.journaled()).rejects.toThrow(`write failed: ${INJECTED}`);
      expect(await s.pending()).toBe(10_000);
      fault.heal();
      await s.store.flush();
      await s.store.journaled();
      // What the next start restores: pump-1 raised (before: its raise was the oldest, dropped: restored as no alarm)
      expect(s.store.lastAlarmStates().map((a) => [a.asset, a.state])).toEqual([
        ['pump-1', 'unack_active'],
        ['pump-2', 'normal'],
      ]);
    } finally {
      await s.store.close();
    }
  });

  it('commits the kept transitions at the next flush where no transition follows', async () => {
    const s = await started();
    try {
      const fault = sqliteFault(s.path, 'alarm_journal').failInserts();
      s.store.write({ samples: [], scores: [], alarms: burst(1) });
      await expect(s.store.journaled()).rejects.toThrow(new Error(`local store ${s.path}: write failed: ${INJECTED}`));
      fault.heal();
      await s.store.flush();
      expect(s.rows()).toEqual([{ asset: 'asset-0', state: 'unack_active' }]);
      await s.store.journaled(); // nothing pending: resolves
      expect(s.store.failing()).toBeUndefined();
    } finally {
      await s.store.close();
    }
  });

  it('counts and logs the transitions it still holds when it closes on a journal that cannot be written', async () => {
    const s = await started();
    sqliteFault(s.path, 'alarm_journal').failInserts(); // never healed: the file is thrown away
    s.store.write({ samples: [], scores: [], alarms: burst(3) });
    await expect(s.store.journaled()).rejects.toThrow(new Error(`local store ${s.path}: write failed: ${INJECTED}`));
    await s.store.close();
    expect(await s.metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).toContain(
      'linewatch_sink_dropped_points_total{sink="local",reason="write_failed"} 3',
    );
    expect(s.log.at(50).at(-1)).toBe(
      `local store ${s.path}: closed with 3 alarm transition(s) it could not journal; ` +
        'a restart restores what was journaled before them',
    );
  });
});
