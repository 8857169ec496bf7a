/**
 * Regression: a broker restart in the middle of a batch, longer than publish_timeout_ms. The publish in flight timed
 * out and the whole batch went back to the queue, the messages the broker had already acknowledged with it: each was
 * delivered again (measured: 32 duplicates of 1,000 alarms, a restart of 3 s with batches of 50; up to batch_size - 1
 * each time). Now those acknowledged leave the queue, and only the rest is sent again: nothing lost, in order, the
 * duplicates those of the message in flight (mqtt.js sends it again at the reconnect, the queue once more) and of the
 * broker's own redelivery to a consumer it had sent messages to (QoS 1).
 *
 * A real mosquitto (persistent, stopped and started again), a consumer with a persistent session; the restart is
 * made at the 20th message the consumer gets, ended once the sync said its publish failed.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import { suiteServer } from '../helpers/suite-server.js';

const broker = suiteServer(() => startMosquitto());
const ALARMS = 100;
const MARKER = 1000;

describe('cloud sync: the broker restarts in the middle of a batch', () => {
  it('sends again only what it had not acknowledged: nothing lost, in order, not the whole batch again', async () => {
    const log = logLines('info');
    const consumer = await mqtt.connectAsync(broker().url, {
      clientId: 'consumer-restart',
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 100,
    });
    await consumer.subscribeAsync('linewatch/gw-restart/alarm/#', { qos: 1 });
    const got: number[] = [];
    let restarted: Promise<void> | undefined;
    let marked: () => void = () => undefined;
    const marker = new Promise<void>((resolve) => (marked = resolve));
    consumer.on('message', (_t, payload) => {
      const ts = Number(JSON.parse(payload.toString()).ts);
      got.push(ts);
      if (got.length === 20)
        restarted = (async () => {
          const from = log.lines.length;
          await broker().pause();
          await log.nextFrom(from, /^cloud publish failed: no PUBACK within 500 ms; messages stay queued$/);
          await broker().resume();
        })();
      if (ts === MARKER) marked();
    });
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker().url, publish_timeout_ms: 500 }),
      { gateway: 'gw-restart', site: 's', line: 'l', version: '0', models: () => [] },
      { logger: log.logger, metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 22) },
    );
    try {
      await sync.start();
      sync.write({
        samples: [],
        scores: [],
        alarms: Array.from({ length: ALARMS }, (_, ts) => anomalyEvent('unack_active', { ts })),
      });
      // Whatever is delivered again comes before a message queued after the others.
      while (new Set(got).size < ALARMS || !restarted) await new Promise((r) => consumer.once('message', r));
      await restarted;
      sync.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { ts: MARKER })] });
      await marker;
      const first = got.filter((ts, i) => got.indexOf(ts) === i);
      expect(first).toEqual([...Array.from({ length: ALARMS }, (_, ts) => ts), MARKER]);
      // The parent commit: 20 and more (each acknowledged message of the batch sent again).
      expect(got.length - first.length).toBeLessThanOrEqual(3);
    } finally {
      await sync.close();
      await consumer.endAsync(true);
    }
  }, 60_000);
});
