/**
 * An acknowledgement the alarm journal cannot store is not answered 200 (the review's finding: it was, although a
 * restart would not restore it). The demo gateway starts with pump-1's alarm rtn_unack from its journal; inserts into
 * the journal then fail (a trigger from a second connection, as a full disk would): op3's ack is answered 503 with
 * what took effect (the alarm is normal in memory) and why, /api/status shows the local store failing with the
 * reason, /readyz names it. Once the fault is gone, the next command's group commits the kept acknowledgement with it.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, demoOnUnacknowledgedJournal } from '../helpers/journal-left.js';
import { INJECTED, sqliteFault } from '../helpers/sqlite-fault.js';

describe('an acknowledgement the journal cannot store', () => {
  it('is answered 503 saying what took effect, shows in the status, and is journaled once the store writes', async () => {
    const { storePath, sim, daemon } = await demoOnUnacknowledgedJournal('lw-journal-failure-');
    const api = (path: string, body?: object) =>
      fetch(`http://127.0.0.1:${daemon.http!.port}${path}`, {
        ...(body
          ? {
              method: 'POST',
              headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            }
          : {}),
      });
    const fault = sqliteFault(storePath, 'alarm_journal').failInserts();
    try {
      const ack = await api('/api/alarms/pump-1/anomaly/ack', { by: 'op3', comment: 'checked' });
      const storeError = `local store ${storePath}: write failed: ${INJECTED}`;
      expect([ack.status, await ack.json()]).toEqual([
        503,
        {
          error:
            `ack of pump-1/anomaly by op3 took effect in memory (the alarm is normal, its actions run) but is not ` +
            `journaled: ${storeError}. It is kept and journaled once the local store writes again; a restart before ` +
            "that restores the alarm's last journaled state",
          sink: 'local',
          store_error: storeError,
          applied_in_memory: true,
          journaled: false,
          event: expect.objectContaining({ state: 'normal', previous: 'rtn_unack', command: 'ack', by: 'op3' }),
        },
      ]);
      expect(daemon.gateway.status().assets[0].alarm.state).toBe('normal');
      const status = (await (await api('/api/status')).json()) as { sinks: unknown[] };
      expect(status.sinks).toEqual([
        {
          name: 'local',
          reachable: false,
          since: expect.any(Number),
          lastError: expect.stringMatching(
            new RegExp(
              `^${storePath}: write failed: disk I/O error \\(injected\\); 1 alarm transition\\(s\\) \\(\\d+ bytes\\) not on ` +
                'disk, .*; past 10000 transitions or 16 MiB the oldest are dropped unjournaled',
            ),
          ),
        },
      ]);
      const ready = await api('/readyz');
      expect([ready.status, await ready.json()]).toMatchObject([503, { unreachable_sinks: ['local'] }]);

      fault.heal();
      const shelve = await api('/api/alarms/pump-1/anomaly/shelve', { by: 'op3', duration_s: 600 });
      expect(shelve.status).toBe(200);
      const db = new Database(storePath, { readonly: true });
      try {
        expect(db.prepare("SELECT state, command, by FROM alarm_journal WHERE cause = 'operator'").all()).toEqual([
          { state: 'normal', command: 'ack', by: 'op3' },
          { state: 'shelved', command: 'shelve', by: 'op3' },
        ]);
      } finally {
        db.close();
      }
      const healed = (await (await api('/api/status')).json()) as { sinks: unknown[] };
      expect(healed.sinks).toEqual([{ name: 'local', reachable: true }]);
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 60_000);
});
