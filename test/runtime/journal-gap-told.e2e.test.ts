/**
 * The alarm journal's gap told where operators and Grafana look (the finding: once the journal recorded a gap, a
 * client of /api/events and the InfluxDB that Grafana reads never learnt of it). The demo gateway, with an InfluxDB
 * sink on a real influxd, starts with pump-1's alarm rtn_unack from its journal; inserts into the journal then fail
 * (a trigger from a second connection, as a full disk would) while operators' commands give 10,003 transitions:
 * past the bound of 10,000 the oldest go. Once the fault is gone and the gap is recorded, a live event stream that
 * asked for journal_gap gets it, and InfluxDB has it in linewatch_alarm_journal_gap, as the journal's row says it.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { influxSchema } from '../../src/config/schema.js';
import { startInfluxd } from '../../src/testing/influxd.js';
import { openEventStream } from '../helpers/event-stream-client.js';
import { commandsPastTheBound, demoCommand, demoOnUnacknowledgedJournal } from '../helpers/journal-left.js';
import { sqliteFault } from '../helpers/sqlite-fault.js';
import { suiteServer } from '../helpers/suite-server.js';

const influx = suiteServer(startInfluxd);
const DB = 'lw_journal_gap';

describe("the alarm journal's gap, told", () => {
  it('goes to the live event stream and to InfluxDB once the journal records it', async () => {
    const { storePath, sim, daemon } = await demoOnUnacknowledgedJournal('lw-journal-gap-told-', (config) => {
      config.storage.influxdb = influxSchema.parse({
        url: influx().url,
        database: DB,
        flush_interval_ms: 100,
        timeout_ms: 2000,
        buffer: { type: 'memory', max_bytes: 1 << 26 },
      });
    });
    const url = (path: string) => `http://127.0.0.1:${daemon.http!.port}${path}`;
    const stream = await openEventStream(url('/api/events?types=journal_gap'), 'journal_gap');
    const fault = sqliteFault(storePath, 'alarm_journal').failInserts();
    try {
      expect(await commandsPastTheBound(daemon.http!.port)).toEqual([]);
      fault.heal();
      // one more transition past the bound as it is accepted: the oldest waiting goes, then the 10,000 are journaled
      expect((await demoCommand(daemon.http!.port, 'shelve')).status).toBe(200);
      const db = new Database(storePath, { readonly: true });
      const row = db.prepare('SELECT ts, asset, alarm, dropped, from_ts, to_ts, message FROM alarm_journal_gaps').get();
      db.close();
      const { ts, from_ts: from, to_ts: to, message } = row as Record<string, number | string>;
      expect(row).toMatchObject({ asset: 'pump-1', alarm: 'anomaly', dropped: 4 });
      expect(await stream.first).toEqual({ asset: 'pump-1', alarm: 'anomaly', dropped: 4, from, to, ts, message });
      await daemon.stop(); // the InfluxDB sink flushes its queue as it closes
      const series = await influx().query(
        DB,
        'SELECT "dropped", "from_ts", "to_ts", "recorded_at", "message" FROM "linewatch_alarm_journal_gap" GROUP BY *',
      );
      expect(series.map((s) => [s.tags, s.values])).toEqual([
        [
          { asset: 'pump-1', alarm: 'anomaly', gateway: 'demo-gateway', line: 'line-1', site: 'demo-site' },
          [[from, 4, from, to, ts, message]],
        ],
      ]);
    } finally {
      stream.close();
      await daemon.stop();
      await sim.close();
    }
  }, 120_000);
});
