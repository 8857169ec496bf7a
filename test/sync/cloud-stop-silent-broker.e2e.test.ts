/**
 * Regression: a stop with the cloud broker gone silent (a link that holds the connection and forwards nothing) took 30
 * s, its last batch, the goodbye and the disconnect each waiting publish_timeout_ms (10 s), past docker stop's 10 s.
 * The stop's waits for the broker now share one bound, SHUTDOWN_WAIT_MAX_MS, and what it did not acknowledge stays
 * queued. Against a real mosquitto, behind a proxy that goes silent (fault injection).
 */
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import type { AlarmEvent } from '../../src/core/types.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { MqttSync, SHUTDOWN_WAIT_MAX_MS } from '../../src/sync/mqtt-sync.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import { suiteServer } from '../helpers/suite-server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const broker = suiteServer(startMosquitto);

const alarm: AlarmEvent = {
  asset: 'pump-1',
  alarm: 'anomaly',
  priority: 'high',
  state: 'unack_active',
  previous: 'normal',
  ts: Date.now(),
  cause: 'condition',
  conditionActive: true,
  score: 3,
  threshold: 1,
  topChannels: [],
  message: 'event',
};

describe('a stop with the cloud broker silent', () => {
  it(`ends within SHUTDOWN_WAIT_MAX_MS (${SHUTDOWN_WAIT_MAX_MS} ms), with publish_timeout_ms at its default 10 s, keeping the batch in flight queued`, async () => {
    const proxy = await startTcpProxy(broker().port);
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-silent-stop' });
    await consumer.subscribeAsync('linewatch/gw-silent-stop/status', { qos: 1 });
    const births: unknown[] = [];
    consumer.on('message', (_t, payload) => births.push(JSON.parse(payload.toString())));
    const log = logLines();
    const config = mqttSyncSchema.parse({ url: `mqtt://127.0.0.1:${proxy.port}` });
    expect(config.publish_timeout_ms).toBe(10_000);
    const sync = new MqttSync(
      config,
      {
        gateway: 'gw-silent-stop',
        site: 's',
        line: 'l',
        version: '0.1.0',
        models: () => [{ asset: 'pump-1', model: 'pump-ae', version: '1', drivingVersion: '1' }],
      },
      { logger: log.logger, metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    try {
      await sync.start();
      while (births.length === 0) await new Promise((r) => consumer.once('message', r)); // connected: its birth came
      proxy.stall(true);
      sync.write({ samples: [], scores: [], alarms: [alarm] }); // published into the silence: no PUBACK comes
      const t0 = performance.now();
      await sync.close();
      const took = performance.now() - t0;
      expect(took).toBeLessThan(SHUTDOWN_WAIT_MAX_MS + 1000);
      expect(log.at(40)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^cloud broker unreachable at shutdown: [1-9]\d* messages stay queued for the next start$/,
          ),
        ]),
      );
    } finally {
      await sync.close();
      await consumer.endAsync();
      await proxy.close();
    }
  }, 60_000);
});
