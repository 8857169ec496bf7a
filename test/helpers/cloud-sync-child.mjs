// A gateway's cloud sync for the crash test (test/sync/summaries-crash.e2e): a disk queue and the minutes kept beside
/* global setInterval */
// it; writes one score and one alarm raise of the minute it is in, prints "written", and runs until it is killed.
// usage: node cloud-sync-child.mjs QUEUE_PATH BROKER_URL NOW_MS
import { SqliteQueue } from '../../dist/buffer/sqlite-queue.js';
import { mqttSyncSchema } from '../../dist/config/schema.js';
import { MqttSync } from '../../dist/sync/mqtt-sync.js';
import { OpenMinutesFile, openMinutesFile } from '../../dist/sync/open-minutes.js';
import { anomalyEvent } from '../../dist/testing/alarm-events.js';
import { silentLogger } from '../../dist/telemetry/logger.js';
import { GatewayMetrics } from '../../dist/telemetry/metrics.js';

const [path, url, nowArg] = process.argv.slice(2);
const now = Number(nowArg);
const sync = new MqttSync(
  mqttSyncSchema.parse({ url }),
  { gateway: 'gw-crash', site: 's', line: 'l', version: '0.1.0', models: () => [] },
  {
    logger: silentLogger(),
    metrics: new GatewayMetrics(),
    queue: new SqliteQueue({ path, maxBytes: 1 << 20 }),
    now: () => now,
    openMinutes: new OpenMinutesFile(openMinutesFile(path), false),
  },
);
await sync.start();
const ts = now + 1_000;
sync.write({
  samples: [],
  scores: [
    { asset: 'pump-1', model: 'm', modelVersion: '1', ts, score: 3, threshold: 2, anomalous: true, contributions: [] },
  ],
  alarms: [anomalyEvent('unack_active', { asset: 'pump-1', ts })],
});
process.stdout.write('written\n');
setInterval(() => undefined, 1 << 30);
