/**
 * Regression: the error, drop, eviction and alarm series appeared only with their first event, so `increase()` missed
 * the first errors after a start and dashboard panels showed No data. A gateway with every kind of sink (a real
 * InfluxDB, mosquitto and SQLite file) on the simulator's Modbus sources is scraped as soon as it has started.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { influxSchema, mqttSyncSchema } from '../../src/config/schema.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { startInfluxd, type Influxd } from '../../src/testing/influxd.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { ROOT } from '../helpers/cli.js';
import { parseExposition } from '../helpers/promlint.js';

let sim: RunningSimulator;
let influx: Influxd;
let broker: Mosquitto;
let daemon: Daemon;
let families: ReturnType<typeof parseExposition>;

beforeAll(async () => {
  const servers = [runSimulator({ modbusPort: 0, seed: 7 }), startInfluxd(), startMosquitto()] as const;
  [sim, influx, broker] = await Promise.all(servers);
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  const memory = { type: 'memory', max_bytes: 1 << 24 };
  loaded.config.storage.local!.path = join(mkdtempSync(join(tmpdir(), 'lw-at-start-')), 'local.db');
  loaded.config.storage.influxdb = influxSchema.parse({ url: influx.url, database: 'lw_at_start', buffer: memory });
  loaded.config.cloud.mqtt = mqttSyncSchema.parse({ url: broker.url, buffer: memory });
  daemon = await startDaemon(loaded, silentLogger(), { restoreAlarms: false });
  const res = await fetch(`http://127.0.0.1:${daemon.http!.port}/metrics`);
  families = parseExposition(await res.text());
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await Promise.all([sim?.close(), influx?.stop(), broker?.stop()]);
});

/** The series of a family, each as its labels joined (`source=pump-plc,kind=connect`) with its value. */
function series(family: string): Map<string, number> {
  const samples = families.get(family)?.samples ?? [];
  return new Map(
    samples.map((s) => [
      Object.entries(s.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      s.value,
    ]),
  );
}

describe('/metrics of a gateway just started', () => {
  it.each([
    [
      'linewatch_source_errors_total',
      ['pump-plc', 'press-plc'].flatMap((s) =>
        ['connect', 'DEVICE_UNREACHABLE', 'DEVICE_TIMEOUT', 'DEVICE_EXCEPTION'].map((k) => `source=${s},kind=${k}`),
      ),
    ],
    ['linewatch_source_reconnects_total', ['source=pump-plc', 'source=press-plc']],
    [
      'linewatch_sink_write_errors_total',
      [
        'sink=local,kind=sqlite',
        'sink=influxdb,kind=network',
        'sink=influxdb,kind=queue',
        // the answers InfluxDB documents for a write (write-answer.ts)
        ...[400, 401, 403, 404, 413, 422, 429, 500, 503].map((status) => `sink=influxdb,kind=http_${status}`),
        'sink=cloud-mqtt,kind=network',
        'sink=cloud-mqtt,kind=queue',
      ],
    ],
    [
      'linewatch_sink_dropped_points_total',
      [
        'sink=local,reason=write_failed',
        'sink=local,reason=journal_backlog',
        'sink=influxdb,reason=rejected',
        'sink=influxdb,reason=queue_write_failed',
        'sink=cloud-mqtt,reason=queue_write_failed',
      ],
    ],
    [
      'linewatch_queue_evicted_total',
      ['influxdb', 'cloud-mqtt'].flatMap((sink) =>
        ['raw', 'score', 'part', 'alarm'].map((c) => `sink=${sink},class=${c}`),
      ),
    ],
    ['linewatch_alarms_raised_total', ['asset=pump-1,alarm=anomaly', 'asset=press-1,alarm=anomaly']],
    ['linewatch_alarm_active', ['asset=pump-1,alarm=anomaly', 'asset=press-1,alarm=anomaly']],
  ])('has %s at 0 for each label set the configuration gives', (family, labelSets) => {
    const found = series(family);
    expect([...found.keys()].sort()).toEqual([...labelSets].sort());
    expect(new Set(found.values())).toEqual(new Set([0]));
  });

  it('has linewatch_alarm_actions_total for each action and outcome (a part may have come: not all at 0)', () => {
    const outcomes = ['ok', 'retry', 'failed'].map((o) => `action=reject-gate,outcome=${o}`);
    expect([...series('linewatch_alarm_actions_total').keys()].sort()).toEqual(outcomes.sort());
  });
});
