/**
 * Regression: a broker that speaks only MQTT 3.1.1 and answers an MQTT 5 CONNECT by closing the connection, with no
 * CONNACK (mosquitto 1.x, some cloud brokers), left the cloud sync saying only "unreachable" and the release notices
 * saying nothing. Both now say the broker closed the connection unaccepted and name cloud.mqtt.protocol_version; the
 * notices say it once while the client keeps trying. The broker is a fault injection (test/helpers/oversize-broker.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { NoticeSources } from '../../src/sync/notice-sources.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/sync/schema.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import { startOversizeBroker, type OversizeBroker } from '../helpers/oversize-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function v311Broker(): Promise<OversizeBroker> {
  const broker = await startOversizeBroker({ topic: 'unused', after: 'suback', speaks: [4], unspoken: 'close' });
  cleanups.push(() => broker.close());
  return broker;
}

const HINT =
  'the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; ' +
  'set cloud.mqtt.protocol_version: 4 if it does not speak MQTT 5';

describe('a 3.1.1-only broker that closes an MQTT 5 connection unaccepted', () => {
  it('cloud sync says so, naming cloud.mqtt.protocol_version, in its log and its status', async () => {
    const broker = await v311Broker();
    const log = logLines('info');
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker.url }),
      { gateway: 'gw', site: 's', line: 'l', version: '0', models: () => [] },
      { logger: log.logger, metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    cleanups.push(() => sync.close());
    await sync.start();
    // Three: the client has seen the second close by the time it opens the third connection.
    await broker.unspokenAnswered(3);
    expect(log.lines.map((l) => l.msg)).toEqual([`cloud broker ${broker.url}: ${HINT}; messages stay queued`]);
    expect(sync.failing()?.error).toBe(`cloud broker ${broker.url}: ${HINT}`);
  }, 30_000);

  it('release notices say so once while the client keeps trying', async () => {
    const broker = await v311Broker();
    const log = logLines('info');
    const sources = new NoticeSources(
      modelUpdatesSchema.parse({ public_key_file: '/nonexistent.pem' }),
      mqttSyncSchema.parse({ url: broker.url }),
      log.logger,
      () => undefined,
    );
    cleanups.push(async () => sources.stop());
    sources.start();
    // Three: the client has seen the second close by the time it opens the third connection.
    await broker.unspokenAnswered(3);
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([[40, `release notices: broker ${broker.url}: ${HINT}`]]);
  }, 30_000);
});
