/**
 * The InfluxDB sink when its disk queue fails at run time (issue: "a failed DELETE of an accepted
 * batch crashes the daemon", the same audit for this sink): against a real influxd, with the disk
 * faults injected into the real queue file from a second connection. The failure is logged once
 * with the file, counted, retried with backoff, and every point arrives once the file works.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../../src/buffer/sqlite-queue.js';
import { influxSchema } from '../../../src/config/schema.js';
import { InfluxSink } from '../../../src/sinks/influx/influx-sink.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { logLines } from '../../helpers/log-lines.js';
import { INJECTED, sqliteFault } from '../../helpers/sqlite-fault.js';
import { suiteServer } from '../../helpers/suite-server.js';

const influx = suiteServer(startInfluxd);
const count = async (db: string) =>
  Number((await influx().query(db, 'SELECT COUNT(value) FROM linewatch_sample'))[0]?.values[0][1] ?? 0);

function sink(database: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'lw-influx-fail-')), 'influxdb.queue.db');
  const log = logLines();
  const metrics = new GatewayMetrics();
  const clock = { now: Date.now() };
  const config = influxSchema.parse({ url: influx().url, database, flush_interval_ms: 60_000, buffer: { path } });
  const s = new InfluxSink(
    config,
    { site: 's', line: 'l', gateway: 'g' },
    { logger: log.logger, metrics, now: () => clock.now, queue: new SqliteQueue({ path, maxBytes: 1 << 26 }) },
  );
  const queueErrors = async () =>
    (await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total'))
      .split('\n')
      .find((l) => l.includes('kind="queue"'));
  return { s, path, log, clock, queueErrors };
}

describe('InfluxDB sink with a disk queue that fails at run time', () => {
  it('a written batch whose delete fails is kept, logged with the file, counted, and sent again after the backoff', async () => {
    const { s, path, log, clock, queueErrors } = sink('lw_qfail_delete');
    await s.start();
    s.write({ samples: sampleRun(100, Date.now() - 10_000), scores: [], alarms: [] });
    const fault = sqliteFault(path).failDeletes();
    await s.flush();
    expect(await count('lw_qfail_delete')).toBe(100);
    expect(s.buffered).toBe(100);
    expect(await queueErrors()).toBe('linewatch_sink_write_errors_total{sink="influxdb",kind="queue"} 1');
    expect(log.lines.filter((l) => l.level === 50)).toEqual([
      expect.objectContaining({
        path,
        msg: `sink influxdb: queue file ${path}: removing a delivered batch failed: ${INJECTED}; what is queued stays queued, retrying with backoff`,
      }),
    ]);
    await s.flush(); // inside the backoff: the queue is left alone
    expect(await queueErrors()).toMatch(/\} 1$/);
    fault.heal();
    clock.now += 120_000;
    await s.close();
    expect(s.buffered).toBe(0);
    expect(await count('lw_qfail_delete')).toBe(100); // sent twice, stored once
    expect(log.at(30)).toContain('sink influxdb: its queue works again');
  });

  it('a queue that cannot be read: the flush reports it instead of rejecting, and the points arrive later', async () => {
    const { s, path, log, clock, queueErrors } = sink('lw_qfail_read');
    await s.start();
    s.write({ samples: sampleRun(50, Date.now() - 10_000), scores: [], alarms: [] });
    const fault = sqliteFault(path).hideTable();
    await s.flush(); // rejected before the fix (a `void this.flush()` away from an unhandled rejection)
    expect(await queueErrors()).toBe('linewatch_sink_write_errors_total{sink="influxdb",kind="queue"} 1');
    expect(log.at(50)).toEqual([
      `sink influxdb: queue file ${path}: reading the oldest items failed: no such table: queue; what is queued stays queued, retrying with backoff`,
    ]);
    fault.heal();
    clock.now += 120_000;
    await s.close();
    expect(await count('lw_qfail_read')).toBe(50);
  });
});
