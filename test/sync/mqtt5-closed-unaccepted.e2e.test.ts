/**
 * Regression: a broker that speaks only MQTT 3.1.1 and answers an MQTT 5 CONNECT by closing the connection, with no
 * CONNACK (mosquitto 1.x, some cloud brokers), left the cloud sync saying only "unreachable" and the release notices
 * saying nothing. Both now say the broker closed the connection unaccepted and name cloud.mqtt.protocol_version; the
 * notices say it once while the client keeps trying. The broker is a fault injection (test/helpers/oversize-broker.ts).
 *
 * Regression too: a broker that resets the MQTT 5 connection instead (ECONNRESET before a CONNACK) was said, before the
 * cloud sink counted the first close of an outage once (5bfd806), as the hinted error, then "cloud broker URL
 * unreachable", then the hinted error again. The log now says the hinted error once while the client keeps trying, for
 * a close as for a reset, and each try counts one network write error.
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

async function v311Broker(unspoken: 'close' | 'reset' = 'close'): Promise<OversizeBroker> {
  const broker = await startOversizeBroker({ topic: 'unused', after: 'suback', speaks: [4], unspoken });
  cleanups.push(() => broker.close());
  return broker;
}

const HINT =
  'the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; ' +
  'set cloud.mqtt.protocol_version: 4 if it does not speak MQTT 5';

const RESET_HINT =
  'read ECONNRESET (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 resets ' +
  'it so; set cloud.mqtt.protocol_version: 4 if it does not speak MQTT 5)';

describe.each([
  ['closes', 'close', HINT],
  ['resets', 'reset', RESET_HINT],
] as const)('a 3.1.1-only broker that %s an MQTT 5 connection unaccepted', (_does, unspoken, hint) => {
  it('cloud sync says so once, naming cloud.mqtt.protocol_version, in its log and its status', async () => {
    const broker = await v311Broker(unspoken);
    const log = logLines('debug');
    const metrics = new GatewayMetrics();
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker.url }),
      { gateway: 'gw', site: 's', line: 'l', version: '0', models: () => [] },
      // Retried about each second (the reconnect period: the backoff's cap is below it).
      { logger: log.logger, metrics, queue: new MemoryQueue(1 << 20), refusalBackoff: { maxMs: 1, holdMs: 1 } },
    );
    cleanups.push(() => sync.close());
    await sync.start();
    // Four: the client has seen the third close by the time it opens the fourth connection.
    await broker.unspokenAnswered(4);
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      [40, `cloud broker ${broker.url}: ${hint}; messages stay queued`],
    ]);
    expect(sync.failing()?.error).toBe(`cloud broker ${broker.url}: ${hint}`);
    // One per try: three seen, the fourth maybe.
    const errors = (await metrics.sinkWriteErrors.get()).values.find((v) => v.labels.kind === 'network')?.value;
    expect([3, 4]).toContain(errors);
  }, 30_000);
});

describe('a 3.1.1-only broker that closes an MQTT 5 connection unaccepted', () => {
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
