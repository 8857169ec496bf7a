/**
 * The cloud sync's connection to a broker that misbehaves: one that sends the same packet over max_incoming_bytes at
 * each connection (said once, the reconnects slowing down, the status the refusal until a connection holds), and one
 * that speaks only MQTT 3.1.1 (the error names cloud.mqtt.protocol_version; with 4 it connects). The broker is a
 * fault injection (test/helpers/oversize-broker.ts); mosquitto keeps to MQTT 5's Maximum Packet Size.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines, type LogLines } from '../helpers/log-lines.js';
import { startOversizeBroker } from '../helpers/oversize-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startSync(config: Record<string, unknown>, log: LogLines): Promise<MqttSync> {
  const sync = new MqttSync(
    mqttSyncSchema.parse(config),
    { gateway: 'gw', site: 's', line: 'l', version: '0', models: () => [] },
    {
      logger: log.logger,
      metrics: new GatewayMetrics(),
      queue: new MemoryQueue(1 << 20),
      // No longer apart than its reconnect period (1 s), no jitter, and a connection that lasts 0.2 s holds.
      refusalBackoff: { maxMs: 1000, holdMs: 200, random: () => 1 },
    },
  );
  cleanups.push(() => sync.close());
  await sync.start();
  return sync;
}

describe('cloud sync', () => {
  it('says a packet refused at each connection once, and that the broker is reachable once a connection holds', async () => {
    const broker = await startOversizeBroker({ topic: 'linewatch/gw/junk', after: 'publish', floods: 3 });
    cleanups.push(() => broker.close());
    const log = logLines('info');
    const sync = await startSync({ url: broker.url }, log);
    const first = await log.next(/sent a publish/);
    expect(first.msg).toContain(
      `cloud broker ${broker.url} sent a publish on linewatch/gw/junk of ${1 + 4 + 200 * 1024 * 1024} bytes, over max_incoming_bytes 65536: refused unread, the connection closed; the client connects again in 1 s`,
    );
    await broker.flooded(3);
    // The status is the refusal until a connection holds, though the client connected in between.
    expect(sync.failing()?.error).toContain('sent a publish on linewatch/gw/junk');
    await log.next(/reachable again/);
    expect(sync.failing()).toBeUndefined();
    // Said once, and no talk of another client taking the connection (three short connections in a row); the first
    // connection, accepted before the publish came, is said as every first connection is.
    expect(log.lines.map((l) => l.msg)).toEqual([
      `cloud broker ${broker.url}: connected`,
      first.msg,
      `cloud broker ${broker.url} reachable again`,
    ]);
  }, 30_000);

  it('names cloud.mqtt.protocol_version where the broker refuses MQTT 5, and connects with 4', async () => {
    const broker = await startOversizeBroker({ topic: 'unused', after: 'suback', speaks: [4] });
    cleanups.push(() => broker.close());
    const log = logLines('info');
    const refused = await startSync({ url: broker.url }, log);
    const line = await log.next(/protocol version/);
    expect(line.msg).toBe(
      `cloud broker ${broker.url}: Connection refused: Unacceptable protocol version (the broker does not speak MQTT 5: set cloud.mqtt.protocol_version: 4); the client connects again later each time while the broker refuses (up to 1 s apart); messages stay queued`,
    );
    expect(refused.failing()?.error).toContain('set cloud.mqtt.protocol_version: 4');
    await refused.close();
    const log4 = logLines('info');
    const sync = await startSync({ url: broker.url, protocol_version: 4 }, log4);
    // Its birth status, published at QoS 1 once connected, acknowledged.
    await broker.published(1);
    expect(broker.accepted).toEqual([4]);
    expect(sync.failing()).toBeUndefined();
  }, 30_000);
});
