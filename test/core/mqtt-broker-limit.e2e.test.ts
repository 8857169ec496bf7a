/**
 * Regression: a message over the broker's packet limit. A real mosquitto with max_packet_size, which it says in its
 * MQTT 5 CONNACK (Maximum Packet Size).
 *
 * publishOnce (an mqtt_publish action, `linewatch model publish`) at QoS 0 reported such a message published: the
 * broker dropped it, and closed the connection, with no word to the sender. Now it is refused before it is sent,
 * naming the topic, its size and the broker's limit; a message of exactly the limit still goes (the size is the
 * packet's, as the broker counts it).
 *
 * The cloud sync published it at QoS 1: the broker closed the connection at it, the client sent it again at each
 * connect, and every message queued behind it waited for good. Now it is set aside unsent, said whole in an error line
 * and counted, and the messages behind it go, in order.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { publishOnce } from '../../src/core/mqtt-publish-once.js';
import { alarmActionSchema } from '../../src/config/schema.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { SinkWatch } from '../../src/runtime/sink-watch.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { logLines } from '../helpers/log-lines.js';
import { suiteServer } from '../helpers/suite-server.js';

const LIMIT = 2048;
const broker = suiteServer(() => startMosquitto({ maxPacketBytes: LIMIT }));

/** A client that receives what is published on `topic`, subscribed. */
async function consumer(topic: string) {
  const client = await mqtt.connectAsync(broker().url, { clientId: `consumer-${topic.replace(/\W/g, '-')}` });
  const got: string[] = [];
  const waiting: (() => void)[] = [];
  client.on('message', (_t, payload) => {
    got.push(payload.toString());
    waiting.shift()?.();
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return {
    got,
    /** Resolves once `n` messages came. */
    async count(n: number) {
      while (got.length < n) await new Promise<void>((resolve) => waiting.push(resolve));
    },
    end: () => client.endAsync(),
  };
}

describe('publishOnce (mqtt_publish, model publish): a message over the limit the broker said (MQTT 5)', () => {
  const publisher = {
    role: 'test',
    defaultClientId: 'linewatch-limit-once',
    options: { protocolVersion: 5 as const },
    maxIncomingBytes: 4096,
    boundOf: 'the test connection',
    timeoutMs: 10_000,
  };
  // A publish packet at MQTT 5 and QoS 0: 1 byte of type, 2 of remaining length (128 to 16,383), 2 + the topic's, 1 of
  // properties, the payload.
  const TOPIC = 'plant7/limit';
  const fits = LIMIT - (1 + 2 + 2 + TOPIC.length + 1);

  it('at QoS 0, one byte over is refused unsent, naming the topic, its size and the limit; the limit itself goes', async () => {
    const seen = await consumer(TOPIC);
    try {
      const over = { topic: TOPIC, payload: 'x'.repeat(fits + 1), qos: 0 as const, retain: false };
      await expect(publishOnce({ url: broker().url }, publisher, over)).rejects.toMatchObject({
        name: 'OverBrokerLimit',
        message:
          `the message on ${TOPIC} is ${LIMIT + 1} bytes as a publish packet, over the ${LIMIT} bytes the broker takes ` +
          "(its CONNACK's Maximum Packet Size; mosquitto: max_packet_size): not sent",
      });
      await publishOnce({ url: broker().url }, publisher, { ...over, payload: 'y'.repeat(fits) });
      await seen.count(1);
      expect(seen.got).toEqual(['y'.repeat(fits)]);
    } finally {
      await seen.end();
    }
  });

  it('at QoS 1 too: refused before it is sent, not said as a connection the broker closed', async () => {
    const message = { topic: TOPIC, payload: 'x'.repeat(LIMIT), qos: 1 as const, retain: false };
    await expect(publishOnce({ url: broker().url }, publisher, message)).rejects.toMatchObject({
      name: 'OverBrokerLimit',
      message:
        `the message on ${TOPIC} is ${LIMIT + 8 + TOPIC.length} bytes as a publish packet, over the ${LIMIT} bytes ` +
        "the broker takes (its CONNACK's Maximum Packet Size; mosquitto: max_packet_size): not sent",
    });
  });
});

describe('mqtt_publish action: an alarm over the limit the broker said (MQTT 5)', () => {
  it('fails, at QoS 0, naming the topic, the size and the limit, where it counted as published', async () => {
    const config = alarmActionSchema.parse({
      type: 'mqtt_publish',
      url: broker().url,
      topic: 'plant/alarms/{asset}',
      qos: 0,
      max_attempts: 1,
    });
    const action = createAlarmAction('pump-1', config, 0, {
      logger: silentLogger(),
      metrics: new GatewayMetrics(),
      writers: new Map(),
    });
    action.dispatch(anomalyEvent('unack_active', { message: 'x'.repeat(LIMIT) }));
    await action.idle();
    expect(action.status()).toMatchObject({ succeeded: 0, failed: 1 });
    expect(action.status().lastError).toMatch(
      new RegExp(
        `: the message on plant/alarms/pump-1 is \\d+ bytes as a publish packet, over the ${LIMIT} bytes the broker ` +
          "takes \\(its CONNACK's Maximum Packet Size; mosquitto: max_packet_size\\): not sent$",
      ),
    );
  });
});

describe('cloud sync: a message over the limit the broker said (MQTT 5)', () => {
  it('is set aside, said whole and counted; the messages behind it go, in order', async () => {
    const log = logLines('info');
    const metrics = new GatewayMetrics();
    const seen = await consumer('linewatch/gw-limit/alarm/#');
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker().url, publish_timeout_ms: 2000 }),
      { gateway: 'gw-limit', site: 's', line: 'l', version: '0', models: () => [] },
      { logger: log.logger, metrics, queue: new MemoryQueue(1 << 20), now: () => 5_000 },
    );
    try {
      await sync.start();
      const big = anomalyEvent('unack_active', { ts: 2, message: 'x'.repeat(LIMIT) });
      sync.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { ts: 1 }), big] });
      sync.write({ samples: [], scores: [], alarms: [anomalyEvent('ack_active', { ts: 3 })] });
      await seen.count(2);
      expect(seen.got.map((m) => JSON.parse(m).ts)).toEqual([1, 3]);
      const said = await log.next(/set aside/);
      const body = JSON.stringify({
        schema: 'linewatch.alarm/1',
        id: `gw-limit/pump-1/anomaly/2/unack_active`,
        gateway: 'gw-limit',
        ...big,
      });
      const bytes = 1 + 2 + 2 + 'linewatch/gw-limit/alarm/pump-1'.length + 2 + 1 + body.length;
      expect(said).toMatchObject({ level: 50, topic: 'linewatch/gw-limit/alarm/pump-1', bytes, limit: LIMIT });
      expect(said.message).toBe(body);
      expect(said.msg).toBe(
        `cloud broker ${broker().url}: the message on linewatch/gw-limit/alarm/pump-1 is ${bytes} bytes as a publish ` +
          `packet, over the ${LIMIT} bytes the broker takes (its CONNACK's Maximum Packet Size; mosquitto: ` +
          "max_packet_size): not sent, set aside so the messages behind it go (it is this line's `message`); raise " +
          "the broker's limit to have such messages delivered",
      );
      const dropped = (await metrics.sinkDroppedPoints.get()).values;
      expect(dropped).toEqual([{ labels: { sink: 'cloud-mqtt', reason: 'over_broker_packet_limit' }, value: 1 }]);
      expect(log.lines.filter((l) => /messages stay queued/.test(l.msg))).toEqual([]);
      // Kept for /api/status (the cloud sink's packetLimit), not only in the log line.
      expect(new SinkWatch(sync, undefined, metrics).status().packetLimit).toEqual({
        limit: LIMIT,
        setAside: 1,
        lastSetAside: { topic: 'linewatch/gw-limit/alarm/pump-1', bytes, at: 5_000 },
      });
    } finally {
      await sync.close();
      await seen.end();
    }
  });
});
