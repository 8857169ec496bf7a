/**
 * What InfluxDB holds of a failed read (a timeout, an exception answer, a connection down: no value came), against a
 * real influxd: no point (a point needs a field, and there is no value), so a query sees a gap where the read failed;
 * a bad value the device reported with a number is a point tagged quality=bad. The local store keeps both, a failed
 * read marked (samples.failed_read), which is what `linewatch export` holds over (docs/influxdb.md, docs/cli.md).
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { influxSchema } from '../../../src/config/schema.js';
import { MemoryQueue } from '../../../src/buffer/memory-queue.js';
import { InfluxSink } from '../../../src/sinks/influx/influx-sink.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { suiteServer } from '../../helpers/suite-server.js';

const influx = suiteServer(startInfluxd);

describe('InfluxDB of a failed read', () => {
  it('holds no point for it, and a device-reported bad value as quality=bad', async () => {
    const t0 = Date.now() - 60_000;
    const at = (k: number) => ({ source: 'plc', asset: 'press-1', channel: 'b', ts: t0 + k * 1000 });
    const samples: Sample[] = [
      { ...at(0), value: 10, quality: 'good' },
      { ...at(1), value: Number.NaN, quality: 'bad', failedRead: true, reason: 'timeout after 2000 ms' },
      { ...at(2), value: 3, quality: 'bad' },
      { ...at(3), value: 13, quality: 'good' },
    ];
    const sink = new InfluxSink(
      influxSchema.parse({ url: influx().url, database: 'lw_failed_read', buffer: { type: 'memory' } }),
      { site: 's', line: 'l', gateway: 'g' },
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    await sink.start();
    sink.write({ samples, scores: [], alarms: [] });
    await sink.close();
    const [points] = await influx().query('lw_failed_read', 'SELECT value, quality FROM linewatch_sample');
    expect(points.values.map(([time, value, quality]) => [Number(time) - t0, value, quality])).toEqual([
      [0, 10, 'good'],
      [2000, 3, 'bad'],
      [3000, 13, 'good'],
    ]);
  });
});
