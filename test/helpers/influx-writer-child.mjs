// A gateway-like writer for the crash test: pushes numbered points through the InfluxDB sink and
/* global setInterval */
// its disk queue, printing how many are durably queued, until it is killed.
// usage: node influx-writer-child.mjs QUEUE_PATH INFLUX_URL DATABASE
import { SqliteQueue } from '../../dist/buffer/sqlite-queue.js';
import { influxSchema } from '../../dist/config/schema.js';
import { InfluxSink } from '../../dist/sinks/influx/influx-sink.js';
import { GatewayMetrics } from '../../dist/telemetry/metrics.js';
import { silentLogger } from '../../dist/telemetry/logger.js';
import { sampleRun } from '../../dist/testing/samples.js';

const [path, url, database] = process.argv.slice(2);
const queue = new SqliteQueue({ path, maxBytes: 1 << 30 });
const sink = new InfluxSink(
  influxSchema.parse({
    url,
    database,
    batch_size: 500,
    flush_interval_ms: 20,
    timeout_ms: 2000,
    buffer: { path, max_bytes: 1 << 30 },
  }),
  { site: 's', line: 'l', gateway: 'crash' },
  { logger: silentLogger(), metrics: new GatewayMetrics(), queue },
);
await sink.start();
const t0 = Date.now() - 3_600_000;
let next = 0;
setInterval(() => {
  sink.write({ samples: sampleRun(50, t0, { asset: 'a', channel: 'seq', first: next }), scores: [], alarms: [] });
  next += 50;
  process.stdout.write(`queued ${next}\n`);
}, 5);
