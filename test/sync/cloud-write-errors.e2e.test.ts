/**
 * The cloud sink's write errors (linewatch_sink_write_errors_total{sink="cloud-mqtt",kind="network"}) against a real
 * mosquitto that is stopped and killed, behind a TCP proxy that takes connections as a load balancer does: each
 * connection that fails counts once.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { sinkWriteErrors } from '../helpers/sink-write-errors.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const identity = { gateway: 'gw-errors', site: 's', line: 'l', version: '0', models: () => [] };

const networkErrors = (metrics: GatewayMetrics) => sinkWriteErrors(metrics, 'cloud-mqtt', 'network');

describe('the cloud sink’s write errors', () => {
  it('count the first close of an outage once (regression: twice, for its reason and for the offline after it)', async () => {
    const broker = await startMosquitto();
    await broker.pause(); // stopped before the gateway starts
    const proxy = await startTcpProxy(broker.port);
    const metrics = new GatewayMetrics();
    const sync = new MqttSync(mqttSyncSchema.parse({ url: `mqtt://127.0.0.1:${proxy.port}` }), identity, {
      logger: silentLogger(),
      metrics,
      queue: new MemoryQueue(1 << 20),
    });
    try {
      await sync.start();
      // The first connection taken and closed with no CONNACK (the broker behind is down), the second being tried.
      await proxy.accepted(2);
      expect(await networkErrors(metrics)).toBe(1); // was 2
      await proxy.accepted(3);
      expect(await networkErrors(metrics)).toBe(2);

      await broker.resume();
      const consumer = await mqtt.connectAsync(broker.url);
      const birth = new Promise((resolve) => consumer.once('message', resolve));
      await consumer.subscribeAsync('linewatch/gw-errors/status', { qos: 1 });
      await birth; // connected
      await consumer.endAsync();
      const before = await networkErrors(metrics);
      const tried = proxy.opened.length;
      await broker.pause(); // killed under the gateway: its connection drops
      await proxy.accepted(tried + 1); // the drop handled, the first reconnect being tried
      expect(await networkErrors(metrics)).toBe(before + 1);
    } finally {
      await sync.close();
      await proxy.close();
      await broker.stop();
    }
  }, 30_000);
});
