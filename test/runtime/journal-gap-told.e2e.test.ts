/**
 * The alarm journal's gap told where operators and Grafana look (the finding: once the journal recorded a gap, a
 * client of /api/events and the InfluxDB that Grafana reads never learnt of it). The demo gateway, with an InfluxDB
 * sink on a real influxd, starts with pump-1's alarm rtn_unack from its journal; inserts into the journal then fail
 * (a trigger from a second connection, as a full disk would) while operators' commands give 10,003 transitions:
 * past the bound of 10,000 the oldest go. Once the fault is gone and the gap is recorded, a live event stream that
 * asked for journal_gap gets it, InfluxDB has it in linewatch_alarm_journal_gap, and the cloud broker (a real
 * mosquitto; alarm transitions not published, a gap is all the same) has it on <prefix>/<gateway>/journal_gap/<asset>,
 * as the journal's row says it (the cloud had no word of it before 2026-12-06).
 */
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { influxSchema, mqttSyncSchema } from '../../src/config/schema.js';
import { startInfluxd } from '../../src/testing/influxd.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { openEventStream } from '../helpers/event-stream-client.js';
import { commandsPastTheBound, demoCommand, demoOnUnacknowledgedJournal } from '../helpers/journal-left.js';
import { sqliteFault } from '../helpers/sqlite-fault.js';
import { suiteServer } from '../helpers/suite-server.js';

const influx = suiteServer(startInfluxd);
const broker = suiteServer(startMosquitto);
const DB = 'lw_journal_gap';

describe("the alarm journal's gap, told", () => {
  it('goes to the live event stream, to InfluxDB and to the cloud once the journal records it', async () => {
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-journal-gap' });
    await consumer.subscribeAsync('linewatch/demo-gateway/journal_gap/#', { qos: 1 });
    const cloudGap = new Promise<{ topic: string; message: unknown }>((resolve) =>
      consumer.once('message', (topic, payload) => resolve({ topic, message: JSON.parse(String(payload)) })),
    );
    const { storePath, sim, daemon } = await demoOnUnacknowledgedJournal('lw-journal-gap-told-', (config) => {
      config.cloud.mqtt = mqttSyncSchema.parse({
        url: broker().url,
        publish_alarms: false,
        buffer: { type: 'memory', max_bytes: 1 << 26 },
      });
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
      expect(await cloudGap).toEqual({
        topic: 'linewatch/demo-gateway/journal_gap/pump-1',
        message: {
          schema: 'linewatch.alarm_journal_gap/1',
          id: `demo-gateway/pump-1/anomaly/journal_gap/${ts}`,
          gateway: 'demo-gateway',
          asset: 'pump-1',
          alarm: 'anomaly',
          dropped: 4,
          from,
          to,
          ts,
          message,
        },
      });
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
      await consumer.endAsync();
      await daemon.stop();
      await sim.close();
    }
  }, 120_000);
});
