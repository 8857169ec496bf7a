/**
 * The alarm journal's gap through the daemon (the review's finding: once the journal recovered after the backlog's
 * bound dropped transitions, /api/status said nothing and the journal had no marker). The demo gateway starts with
 * pump-1's alarm rtn_unack from its journal; inserts into the journal then fail (a trigger from a second connection,
 * as a full disk would) while operators' commands give 10,003 transitions: past the bound of 10,000 the oldest go.
 * Once the fault is gone, the journal records the gap (alarm_journal_gaps) and /api/status keeps saying it.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { commandsPastTheBound, demoCommand, demoOnUnacknowledgedJournal } from '../helpers/journal-left.js';
import { sqliteFault } from '../helpers/sqlite-fault.js';

describe("the alarm journal's gap through the daemon", () => {
  it('is recorded in the journal once it writes again and stays in /api/status', async () => {
    const { storePath, sim, daemon } = await demoOnUnacknowledgedJournal('lw-journal-gap-');
    const url = (path: string) => `http://127.0.0.1:${daemon.http!.port}${path}`;
    const status = async () => ((await (await fetch(url('/api/status'))).json()) as { sinks: unknown[] }).sinks;
    const fault = sqliteFault(storePath, 'alarm_journal').failInserts();
    try {
      const started = Date.now();
      expect(await commandsPastTheBound(daemon.http!.port)).toEqual([]);
      // 10,003 transitions of pump-1's alarm waited: its 3 oldest (the ack, the first shelve and unshelve) went
      expect(await status()).toEqual([
        expect.objectContaining({
          name: 'local',
          reachable: false,
          journalGap: { dropped: 3, alarms: 1, from: expect.any(Number), to: expect.any(Number) },
        }),
      ]);
      fault.heal();
      // one more transition past the bound as it is accepted: the oldest waiting goes, then the 10,000 are journaled
      expect((await demoCommand(daemon.http!.port, 'shelve')).status).toBe(200);
      const db = new Database(storePath, { readonly: true });
      try {
        const gaps = db.prepare('SELECT asset, alarm, dropped, from_ts, to_ts FROM alarm_journal_gaps').all();
        expect(gaps).toEqual([
          { asset: 'pump-1', alarm: 'anomaly', dropped: 4, from_ts: expect.any(Number), to_ts: expect.any(Number) },
        ]);
        const [gap] = gaps as { from_ts: number; to_ts: number }[];
        expect(gap.from_ts).toBeGreaterThanOrEqual(started);
        expect(gap.to_ts).toBeGreaterThanOrEqual(gap.from_ts);
        expect(db.prepare("SELECT COUNT(*) AS n FROM alarm_journal WHERE cause = 'operator'").get()).toEqual({
          n: 10_000,
        });
      } finally {
        db.close();
      }
      const [healed] = (await status()) as { journalGap: { from: number; to: number } }[];
      expect(healed).toEqual({
        name: 'local',
        reachable: true,
        journalGap: { dropped: 4, alarms: 1, from: expect.any(Number), to: expect.any(Number) },
      });
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 300_000);
});
