/**
 * A broker that sends a message of hundreds of MB cannot make a gateway's MQTT client read it: the cloud sync, the
 * release-notice client and an MQTT source each close the connection once the packet's header shows it over their
 * bound, having read at most the bound and a socket's buffers, and each says the topic. Real sockets; the broker is
 * a fault injection (test/helpers/oversize-broker.ts), as a real one keeps to a Maximum Packet Size it was told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSourceSchema } from '../../src/sources/mqtt/schema.js';
import { maxPacketBytes, MqttSource } from '../../src/sources/mqtt/mqtt-source.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { NoticeSources } from '../../src/sync/notice-sources.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/sync/schema.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import type { Sample } from '../../src/core/types.js';
import { logLines } from '../helpers/log-lines.js';
import {
  ACTION_MAX_INCOMING_BYTES,
  mqttPublishActionSchema,
  mqttPublishActionType,
} from '../../src/actions/mqtt-publish/action-type.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { startOversizeBroker } from '../helpers/oversize-broker.js';

/**
 * What may be written before the client closes: its bound, and what loopback sockets buffer on both sides (a few MB
 * at most); without the bound the client reads on to the broker's 32 MB cutoff.
 */
const SOCKET_SLACK = 8 * 1024 * 1024;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('incoming MQTT packets over the bound', () => {
  it('the cloud sync closes the connection before reading a huge message, and its log names the topic', async () => {
    const broker = await startOversizeBroker({ topic: 'linewatch/gw/junk', after: 'publish', floods: 1 });
    cleanups.push(() => broker.close());
    const log = logLines('info');
    const config = mqttSyncSchema.parse({ url: broker.url });
    const sync = new MqttSync(
      config,
      { gateway: 'gw', site: 's', line: 'l', version: '0', models: () => [] },
      { logger: log.logger, metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    cleanups.push(() => sync.close());
    await sync.start();
    expect(await broker.firstClosed).toBeLessThan(config.max_incoming_bytes + SOCKET_SLACK);
    const line = await log.next(/sent a publish/);
    expect(line.msg).toContain(
      `cloud broker ${broker.url} sent a publish on linewatch/gw/junk of ${1 + 4 + 200 * 1024 * 1024} bytes, over max_incoming_bytes 65536`,
    );
    // Until it connects again, the failure (/api/status) is the refusal, not an unreachable broker.
    expect(sync.failing()?.error).toBe(line.msg.replace(/; messages stay queued$/, ''));
    expect(log.lines.filter((l) => l.msg.includes('unreachable'))).toEqual([]);
    // The next connection, without it, holds (the sync's close waits for its goodbye to be acknowledged).
    await log.next(/reachable again/);
  }, 30_000);

  it('the release-notice client closes it and logs the topic once, although the broker sends it at every reconnect', async () => {
    const broker = await startOversizeBroker({ topic: 'linewatch/releases/pump-ae', after: 'suback' });
    cleanups.push(() => broker.close());
    const log = logLines('info');
    const config = mqttSyncSchema.parse({ url: broker.url, max_incoming_bytes: 4096 });
    const notices = new NoticeSources(
      modelUpdatesSchema.parse({ public_key_file: '/nonexistent.pem' }),
      config,
      log.logger,
      () => undefined,
    );
    cleanups.push(() => notices.stop());
    notices.start();
    expect(await broker.firstClosed).toBeLessThan(4096 + SOCKET_SLACK);
    const line = await log.next(/release notices: .* sent a publish on linewatch\/releases\/pump-ae of \d+ bytes/);
    expect(line.msg).toContain('over cloud.mqtt.max_incoming_bytes 4096');
    // It reconnects every second and is sent the same again: refused again, said once.
    await broker.flooded(3);
    expect(broker.written.every((n) => n < 4096 + SOCKET_SLACK)).toBe(true);
    expect(log.lines.filter((l) => l.msg.includes('sent a publish')).length).toBe(1);
  }, 30_000);

  it.each([4, 5] as const)(
    'an MQTT source (protocol_version %i) closes it, counts it too_large and gives the topic a bad sample',
    async (version) => {
      const broker = await startOversizeBroker({ topic: 'plant/pump-1/telemetry', after: 'suback' });
      cleanups.push(() => broker.close());
      const log = logLines('info');
      const metrics = new GatewayMetrics();
      const config = mqttSourceSchema.parse({
        name: 'plant',
        type: 'mqtt',
        url: broker.url,
        asset: 'a',
        protocol_version: version,
        tags: [{ channel: 'flow', topic: 'plant/+/telemetry', field: 'flow' }],
      });
      const source = new MqttSource(config, { logger: log.logger, metrics });
      cleanups.push(() => source.stop());
      const batches: Sample[][] = [];
      await source.start((b) => batches.push([...b]));
      expect(await broker.firstClosed).toBeLessThan(maxPacketBytes(config) + SOCKET_SLACK);
      const line = await log.next(/bad message/);
      expect(line.msg).toContain(
        `a publish on plant/pump-1/telemetry of ${1 + 4 + 200 * 1024 * 1024} bytes is over the ${maxPacketBytes(config)} bytes a packet may take`,
      );
      expect(batches[0]).toMatchObject([{ channel: 'flow', quality: 'bad' }]);
      expect(batches[0][0].value).toBeNaN();
      const errors = await metrics.sourceErrors.get();
      expect(errors.values.find((v) => v.labels.kind === 'too_large')?.value).toBe(1);
    },
    30_000,
  );

  it('an mqtt_publish action closes it and its attempt fails naming the packet (before: it read on to the cutoff)', async () => {
    const broker = await startOversizeBroker({ topic: 'plant/junk', after: 'connack', floods: 1 });
    cleanups.push(() => broker.close());
    const config = mqttPublishActionSchema.parse({ type: 'mqtt_publish', name: 'siren', url: broker.url, qos: 1 });
    const job = mqttPublishActionType.driver(config, { name: 'siren' }).job({
      kind: 'alarm',
      event: anomalyEvent('unack_active'),
    });
    await expect(job!.run()).rejects.toThrow(
      `the broker sent a publish on plant/junk of ${1 + 4 + 200 * 1024 * 1024} bytes, over the ${ACTION_MAX_INCOMING_BYTES} bytes an action's connection takes: closed unread`,
    );
    expect(await broker.firstClosed).toBeLessThan(ACTION_MAX_INCOMING_BYTES + SOCKET_SLACK);
  }, 30_000);
});
