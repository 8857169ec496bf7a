/**
 * Chaos tests of the InfluxDB path with its disk queue, against a real influxd:
 * an outage under load, a writer killed with SIGKILL, and the byte bound reached.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { suiteServer } from '../../helpers/suite-server.js';
import { MemoryQueue } from '../../../src/buffer/memory-queue.js';
import { SqliteQueue } from '../../../src/buffer/sqlite-queue.js';
import type { Sample } from '../../../src/core/types.js';
import { influxSchema } from '../../../src/config/schema.js';
import { InfluxSink } from '../../../src/sinks/influx/influx-sink.js';
import { createLogger, silentLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';

const OUTAGE_S = Number(process.env.LINEWATCH_OUTAGE_S ?? 60);
const influx = suiteServer(startInfluxd);

const tags = { site: 's', line: 'l', gateway: 'g' };
const sinkConfig = (database: string, maxBytes = 1 << 30) =>
  influxSchema.parse({
    url: influx().url,
    database,
    batch_size: 5000,
    flush_interval_ms: 100,
    timeout_ms: 2000,
    buffer: { max_bytes: maxBytes },
  });
const tempQueue = (maxBytes = 1 << 30) =>
  new SqliteQueue({ path: join(mkdtempSync(join(tmpdir(), 'lw-q-')), 'q.db'), maxBytes });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (db: string, q = 'SELECT COUNT(value) FROM linewatch_sample') =>
  Number((await influx().query(db, q))[0]?.values[0][1] ?? 0);

describe('InfluxDB outage', () => {
  it(
    `stopped for ${OUTAGE_S} s under load, then started again: every point arrives, exactly once`,
    async () => {
      const metrics = new GatewayMetrics();
      const sink = new InfluxSink(sinkConfig('lw_outage60'), tags, {
        logger: silentLogger(),
        metrics,
        queue: tempQueue(),
      });
      await sink.start();
      const t0 = Date.now() - 7_200_000;
      let produced = 0;
      // 2,000 points/s over 10 series, each point a distinct (series, time).
      const load = setInterval(() => {
        const samples: Sample[] = [];
        for (let k = 0; k < 40; k++, produced++)
          samples.push({
            source: 'plc',
            asset: 'pump',
            channel: `c${produced % 10}`,
            ts: t0 + Math.floor(produced / 10),
            value: produced,
            quality: 'good',
          });
        sink.write({ samples, scores: [], alarms: [] });
      }, 20);
      await wait(3000);
      await influx().pause();
      const atStop = produced;
      await wait(OUTAGE_S * 1000);
      const queuedDuringOutage = sink.buffered;
      await influx().resume();
      await wait(3000);
      clearInterval(load);
      await sink.close();
      const arrived = await count('lw_outage60');
      const written = await metrics.registry.getSingleMetricAsString('linewatch_sink_points_written_total');
      process.stdout.write(
        `outage test: ${produced} points produced, ${produced - atStop} during and after the ${OUTAGE_S} s outage, ${queuedDuringOutage} queued at its end, ${arrived} arrived; ${written.split('\n').pop()}\n`,
      );
      expect(queuedDuringOutage).toBeGreaterThan(OUTAGE_S * 1000);
      expect(arrived).toBe(produced);
      const [distinct] = await influx().query('lw_outage60', 'SELECT COUNT(DISTINCT(value)) FROM linewatch_sample');
      expect(distinct.values[0][1]).toBe(produced);
    },
    (OUTAGE_S + 60) * 1000,
  );
});

describe('writer killed with SIGKILL mid-write', () => {
  it('loses nothing it had queued: after a restart every point arrives, with no gap', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-crash-')), 'influxdb.queue.db');
    const child = spawn(process.execPath, [
      join(__dirname, '../../helpers/influx-writer-child.mjs'),
      path,
      influx().url,
      'lw_crash',
    ]);
    const exited = new Promise((r) => child.on('exit', r));
    let lastQueued = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      lastQueued = Number(line.split(' ')[1]);
      if (lastQueued >= 30_000) break;
    }
    child.kill('SIGKILL');
    await exited;
    const before = await count('lw_crash');
    // Restart: the same queue file, a new sink.
    const sink = new InfluxSink(
      { ...sinkConfig('lw_crash'), batch_size: 500 },
      { site: 's', line: 'l', gateway: 'crash' },
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new SqliteQueue({ path, maxBytes: 1 << 30 }) },
    );
    await sink.start();
    await sink.close();
    const [stats] = await influx().query('lw_crash', 'SELECT COUNT(value), MAX(value) FROM linewatch_sample');
    const [, n, max] = stats.values[0] as [number, number, number];
    process.stdout.write(
      `crash test: killed after ${lastQueued} points queued; ${before} had arrived before the kill, ${n} after the restart (max value ${max})\n`,
    );
    expect(n).toBeGreaterThanOrEqual(lastQueued);
    expect(n).toBe(max + 1); // values 0..max all present: no gap
  });
});

describe('queue byte bound and disk failures', () => {
  it('at the byte bound evicts raw samples first, keeps every alarm, and shows it in metrics and logs', async () => {
    const metrics = new GatewayMetrics();
    const logs: string[] = [];
    const logger = createLogger('warn', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);
    await influx().pause();
    const sink = new InfluxSink(sinkConfig('lw_bound', 200_000), tags, { logger, metrics, queue: tempQueue(200_000) });
    await sink.start();
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 100; i++) {
      sink.write({
        samples: sampleRun(50, t0 + i * 50, { asset: 'pump' }),
        scores: [],
        alarms: [
          {
            asset: 'pump',
            alarm: 'anomaly',
            priority: 'high',
            state: i % 2 ? 'rtn_unack' : 'unack_active',
            previous: i % 2 ? 'unack_active' : 'rtn_unack',
            cause: 'condition',
            conditionActive: i % 2 === 0,
            ts: t0 + i,
            score: 2,
            threshold: 1,
            topChannels: ['flow'],
            message: `event ${i}`,
          },
        ],
      });
    }
    await influx().resume();
    await sink.close();
    expect(await count('lw_bound', 'SELECT COUNT(score) FROM linewatch_alarm')).toBe(100);
    const raw = await count('lw_bound');
    expect(raw).toBeGreaterThan(0);
    expect(raw).toBeLessThan(5000);
    const evicted = await metrics.registry.getSingleMetricAsString('linewatch_queue_evicted_total');
    expect(evicted).toContain('# TYPE linewatch_queue_evicted_total counter');
    expect(evicted.split('\n')).toContain(`linewatch_queue_evicted_total{sink="influxdb",class="raw"} ${5000 - raw}`);
    expect(logs.join('')).toContain(
      'influxdb queue reached its byte bound (200000 B): evicting the oldest raw samples first',
    );
  });

  it('a queue that cannot write (disk full) drops and counts that write, logs it, and keeps going', async () => {
    const metrics = new GatewayMetrics();
    const logs: string[] = [];
    const logger = createLogger('warn', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);
    // Fault injection: a queue whose disk is full for the first push.
    const queue = new MemoryQueue(1 << 20);
    let full = true;
    const push = queue.push.bind(queue);
    queue.push = (items) => {
      if (full) {
        full = false;
        throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
      }
      push(items);
    };
    const sink = new InfluxSink(sinkConfig('lw_full'), tags, { logger, metrics, queue });
    await sink.start();
    const t0 = Date.now();
    sink.write({ samples: sampleRun(2, t0, { asset: 'a', channel: 'c' }), scores: [], alarms: [] });
    sink.write({ samples: sampleRun(1, t0, { asset: 'a', channel: 'c', first: 2 }), scores: [], alarms: [] });
    await sink.close();
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).toMatch(
      /reason="queue_write_failed"\} 2/,
    );
    expect(logs.join('')).toContain('influxdb queue: cannot store 2 points: SQLITE_FULL: database or disk is full');
    expect(await count('lw_full')).toBe(1);
  });
});
