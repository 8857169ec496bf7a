/** storage.influxdb: samples, scores, alarms, parts and health to InfluxDB (1.x, 2.x, 3.x), through a durable queue. */
import { resolve } from 'node:path';
import { PRIORITIES } from '../../buffer/queue.js';
import { defineSink } from '../sink-type.js';
import { InfluxSink } from './influx-sink.js';
import { influxSchema } from './schema.js';
import { readTokenFile, withFileToken } from './token-file.js';
import { DOCUMENTED_STATUSES } from './write-answer.js';

export const influxSinkType = defineSink({
  key: 'influxdb',
  schema: influxSchema,
  sample: `# Written through a disk queue: an outage of the database loses nothing up to max_bytes.
url: http://influxdb:8086
database: linewatch
username: linewatch
password: \${INFLUX_PASSWORD}
retention: 30d
raw_interval_ms: 1000      # at most one raw point per channel per second
buffer:
  type: disk
  max_bytes: 268435456
`,
  // The http_<status> write errors of the answers InfluxDB documents (write-answer.ts); another appears when it comes.
  series: {
    writeErrorKinds: ['network', 'queue', ...DOCUMENTED_STATUSES.map((status) => `http_${status}`)],
    droppedReasons: ['rejected', 'queue_write_failed'],
    evictedClasses: PRIORITIES,
  },
  healthIntervalMs: (config) => config.health_interval_ms,
  resolvePaths(config, { baseDir, dataDir }) {
    config.buffer.path = resolve(baseDir, config.buffer.path ?? resolve(dataDir, 'influxdb.queue.db'));
    if (config.token_file !== undefined) config.token_file = resolve(baseDir, config.token_file);
  },
  // validate reads the token file as the start will: a missing or unfit file is found before the gateway runs.
  check(config) {
    if (config.token_file === undefined) return [];
    try {
      readTokenFile(config.token_file);
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  },
  // The token file is read before the queue opens: a start it fails leaves nothing open.
  create: (config, deps) => {
    const withToken = withFileToken(config);
    return new InfluxSink(withToken, deps.tags, { ...deps, queue: deps.openQueue('influxdb', config.buffer) });
  },
});
