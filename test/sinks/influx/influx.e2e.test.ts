/**
 * Real InfluxDB (Debian's influxd 1.x, started here on a free port): the gateway writes raw
 * samples, scores and alarm events, and they can be queried back; an unreachable InfluxDB keeps
 * points buffered and delivers them once it is reachable.
 */
import { describe, expect, it } from 'vitest';
import { suiteServer } from '../../helpers/suite-server.js';
import { MemoryQueue } from '../../../src/buffer/memory-queue.js';
import { influxSchema } from '../../../src/config/schema.js';
import { InfluxSink } from '../../../src/sinks/influx/influx-sink.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import type { ScoreResult } from '../../../src/core/types.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';
import { nextEvent } from '../../helpers/gateway-events.js';

const influx = suiteServer(startInfluxd);

const tags = { site: 's', line: 'l', gateway: 'g' };
const config = (url: string, database: string) =>
  influxSchema.parse({
    url,
    database,
    batch_size: 500,
    flush_interval_ms: 50,
    timeout_ms: 2000,
    buffer: { type: 'memory', max_bytes: 1 << 26 },
  });
const memoryQueue = () => new MemoryQueue(1 << 26);
const score: ScoreResult = {
  asset: 'pump-1',
  model: 'pump-ae',
  modelVersion: '1',
  ts: Date.now(),
  score: 2,
  threshold: 1,
  anomalous: true,
  contributions: [{ channel: 'flow', share: 1 }],
};

describe('InfluxDB sink against a real influxd', () => {
  it('creates the database and stores samples, scores and alarm events', async () => {
    const metrics = new GatewayMetrics();
    const sink = new InfluxSink(config(influx().url, 'lw_basic'), tags, {
      logger: silentLogger(),
      metrics,
      queue: memoryQueue(),
    });
    await sink.start();
    const t0 = Date.now() - 60_000;
    sink.write({
      samples: sampleRun(1200, t0),
      scores: [score],
      alarms: [anomalyEvent('unack_active', { ts: score.ts, topChannels: ['flow'], message: 'x "quoted"' })],
    });
    await sink.close();
    const [count] = await influx().query('lw_basic', 'SELECT COUNT(value) FROM linewatch_sample');
    expect(count.values[0][1]).toBe(1200);
    const [scores] = await influx().query('lw_basic', 'SELECT score, c_flow, top_channel FROM linewatch_score');
    expect(scores.values[0].slice(1)).toEqual([2, 1, 'flow']);
    const [alarms] = await influx().query(
      'lw_basic',
      'SELECT message FROM linewatch_alarm WHERE "state" = \'unack_active\'',
    );
    expect(alarms.values[0][1]).toBe('x "quoted"');
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_points_written_total')).toMatch(
      /sink="influxdb"\} 1202/,
    );
  });

  it("stores the alarm journal's gaps in a measurement of their own, one point per alarm at its first drop", async () => {
    const sink = new InfluxSink(config(influx().url, 'lw_gaps'), tags, {
      logger: silentLogger(),
      metrics: new GatewayMetrics(),
      queue: memoryQueue(),
    });
    await sink.start();
    const from = Date.now() - 60_000;
    const gap = (asset: string, dropped: number) => ({
      asset,
      alarm: 'anomaly',
      dropped,
      from,
      to: from + 2_000,
      ts: from + 30_000,
      message: `${dropped} transition(s) of ${asset}/anomaly "not journaled"`,
    });
    sink.write({ samples: [], scores: [], alarms: [], journalGaps: [gap('pump 1', 4), gap('press,2', 1)] });
    await sink.close();
    const series = await influx().query(
      'lw_gaps',
      'SELECT "dropped", "from_ts", "to_ts", "recorded_at", "message" FROM "linewatch_alarm_journal_gap" ' +
        'GROUP BY "asset", "alarm"',
    );
    expect(series.map((s) => [s.tags, s.values])).toEqual([
      [
        { asset: 'press,2', alarm: 'anomaly' },
        [[from, 1, from, from + 2_000, from + 30_000, '1 transition(s) of press,2/anomaly "not journaled"']],
      ],
      [
        { asset: 'pump 1', alarm: 'anomaly' },
        [[from, 4, from, from + 2_000, from + 30_000, '4 transition(s) of pump 1/anomaly "not journaled"']],
      ],
    ]);
  });

  it('keeps points while InfluxDB is unreachable and delivers every one, once, when it is back', async () => {
    const metrics = new GatewayMetrics();
    const proxy = await startTcpProxy(Number(new URL(influx().url).port));
    proxy.setUp(false);
    let now = Date.now();
    const sink = new InfluxSink(config(`http://127.0.0.1:${proxy.port}`, 'lw_outage'), tags, {
      logger: silentLogger(),
      metrics,
      now: () => now,
      queue: memoryQueue(),
    });
    await sink.start();
    sink.write({ samples: sampleRun(700, Date.now() - 30_000), scores: [], alarms: [] });
    await sink.flush();
    expect(sink.buffered).toBe(700);
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).toMatch(
      /kind="network"\} 1/,
    );
    sink.write({ samples: sampleRun(300, Date.now() - 20_000), scores: [], alarms: [] });
    await sink.flush(); // inside the backoff: no new attempt
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).toMatch(
      /kind="network"\} 1/,
    );
    proxy.setUp(true);
    now += 60_000; // past the backoff
    await sink.close();
    await proxy.close();
    expect(sink.buffered).toBe(0);
    const [count] = await influx().query('lw_outage', 'SELECT COUNT(value) FROM linewatch_sample');
    expect(count.values[0][1]).toBe(1000);
  });

  it('drops only a batch that InfluxDB rejects as bad points (400), counting it, and goes on', async () => {
    const metrics = new GatewayMetrics();
    // Seed a field-type conflict: "value" is a string in this shard, the sink writes floats.
    await fetch(`${influx().url}/query?q=${encodeURIComponent('CREATE DATABASE lw_reject')}`, { method: 'POST' });
    const seeded = await fetch(`${influx().url}/write?db=lw_reject&precision=ms`, {
      method: 'POST',
      body: `linewatch_sample,asset=x value="text" ${Date.now()}`,
    });
    expect(seeded.status).toBe(204);
    const sink = new InfluxSink(config(influx().url, 'lw_reject'), tags, {
      logger: silentLogger(),
      metrics,
      queue: memoryQueue(),
    });
    await sink.start();
    sink.write({ samples: sampleRun(3, Date.now()), scores: [], alarms: [] });
    await sink.flush();
    sink.write({ samples: [], scores: [score], alarms: [] });
    await sink.close();
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).toMatch(
      /reason="rejected"\} 3/,
    );
    const [scores] = await influx().query('lw_reject', 'SELECT COUNT(score) FROM linewatch_score');
    expect(scores.values[0][1]).toBe(1);
  });

  it('counts a point InfluxDB cannot parse (a 1601 stamp, OPC UA MinDateTime) as dropped, and writes the rest', async () => {
    const metrics = new GatewayMetrics();
    const sink = new InfluxSink(config(influx().url, 'lw_unparsed'), tags, {
      logger: silentLogger(),
      metrics,
      queue: memoryQueue(),
    });
    await sink.start();
    const samples = sampleRun(100, Date.now() - 10_000);
    samples[50] = { ...samples[50], channel: 'pressure', ts: Date.UTC(1601, 0, 1) };
    sink.write({ samples, scores: [], alarms: [] });
    await sink.close();
    // influxd 1.x answers "partial write: unable to parse '…': time outside range … dropped=0".
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).toMatch(
      /reason="rejected"\} 1$/m,
    );
    const [count] = await influx().query('lw_unparsed', 'SELECT COUNT(value) FROM linewatch_sample');
    expect(count.values[0][1]).toBe(99);
  });
});

describe('database setup and downsampling', () => {
  it('raw_interval_ms: one sample stamped a day ahead does not drop the channel for a day', async () => {
    const sink = new InfluxSink(
      influxSchema.parse({ ...config(influx().url, 'lw_ahead'), raw_interval_ms: 1000 }),
      tags,
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: memoryQueue() },
    );
    await sink.start();
    const t0 = Date.now() - 120_000;
    sink.write({ samples: [{ ...sampleRun(1, t0)[0], ts: t0 + 86_400_000 }], scores: [], alarms: [] });
    // 60 samples a second apart after it, as the PLC's clock has them.
    for (let i = 0; i < 60; i++) sink.write({ samples: sampleRun(1, t0 + i * 1000), scores: [], alarms: [] });
    await sink.close();
    const [count] = await influx().query('lw_ahead', 'SELECT COUNT(value) FROM linewatch_sample');
    expect(count.values[0][1]).toBe(61);
  });

  it('creates the retention policy as the default and keeps one raw point per channel per raw_interval_ms', async () => {
    const sink = new InfluxSink(
      influxSchema.parse({ ...config(influx().url, 'lw_retention'), retention: '30d', raw_interval_ms: 100 }),
      tags,
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: memoryQueue() },
    );
    await sink.start();
    const t0 = Date.now() - 10_000;
    sink.write({
      samples: [...sampleRun(1000, t0), ...sampleRun(1000, t0, { channel: 'pressure' })],
      scores: [],
      alarms: [],
    });
    await sink.close();
    const [policies] = await influx().query('lw_retention', 'SHOW RETENTION POLICIES');
    const linewatch = policies.values.find((v) => v[0] === 'linewatch')!;
    expect(linewatch[1]).toBe('720h0m0s');
    expect(linewatch[linewatch.length - 1]).toBe(true); // default
    const [count] = await influx().query('lw_retention', 'SELECT COUNT(value) FROM linewatch_sample GROUP BY channel');
    expect(count.values[0][1]).toBe(10);
    // Running setup again with another duration alters the policy instead of failing.
    const again = new InfluxSink(
      influxSchema.parse({ ...config(influx().url, 'lw_retention'), retention: '52w' }),
      tags,
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: memoryQueue() },
    );
    await again.start();
    again.write({ samples: sampleRun(1, Date.now()), scores: [], alarms: [] });
    await again.close();
    const [after] = await influx().query('lw_retention', 'SHOW RETENTION POLICIES');
    expect(after.values.find((v) => v[0] === 'linewatch')![1]).toBe('8736h0m0s');
  });
});

describe('gateway with InfluxDB configured', () => {
  it('writes the scores and the alarm of a simulated fault to InfluxDB', async () => {
    const { runSimulator } = await import('../../../src/sim/run-simulator.js');
    const { loadConfigFile } = await import('../../../src/config/load.js');
    const { Gateway } = await import('../../../src/runtime/gateway.js');
    const { ROOT } = await import('../../helpers/cli.js');
    const sim = await runSimulator({ modbusPort: 0, seed: 5 });
    const loaded = await loadConfigFile(`${ROOT}/config/demo.yaml`, {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    });
    loaded.config.storage.local = undefined;
    loaded.config.storage.influxdb = config(influx().url, 'lw_gateway');
    const gateway = new Gateway(loaded, { logger: silentLogger(), metrics: new GatewayMetrics() });
    await gateway.start();
    await nextEvent(gateway.events, 'scores');
    sim.sim.injectFault({ type: 'valve_closure', severity: 0.9, ramp_s: 0.5 });
    await nextEvent(gateway.events, 'alarm');
    await gateway.stop();
    await sim.close();
    const [alarms] = await influx().query(
      'lw_gateway',
      'SELECT annunciated, top_channels FROM linewatch_alarm WHERE "asset" = \'pump-1\'',
    );
    expect(alarms.values).toHaveLength(1);
    expect(alarms.values[0][1]).toBe(1);
    const [scores] = await influx().query('lw_gateway', 'SELECT COUNT(score) FROM linewatch_score');
    expect(scores.values[0][1]).toBeGreaterThanOrEqual(2);
    const channels = await influx().query('lw_gateway', 'SHOW TAG VALUES FROM linewatch_sample WITH KEY = "channel"');
    expect(channels[0].values.map((v) => v[1]).sort()).toEqual([
      'cycle_active',
      'flow',
      'force',
      'motor_current',
      'part_counter',
      'position',
      'pressure',
      'run_hours',
      'serial',
      'temperature',
      'vibration_1',
      'vibration_2',
      'voltage',
    ]);
  });
});
