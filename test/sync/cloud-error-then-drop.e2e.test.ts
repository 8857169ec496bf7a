/**
 * The cloud sink after a client 'error' on a connected connection, then a drop. mqtt.js emits 'error' for an
 * acknowledgement of the wrong type and by itself would keep the connection (handlers/ack.js: "Protocol error: suback
 * does not answer the publish pending ..."); MqttSync counts an error as the reason of the close to come
 * (closeCounted), so were the connection kept, its later drop would be neither counted nor said. It is not kept: the
 * packet bound (core/mqtt-packet-bound.ts) closes the connection on every error, so the close that follows is the
 * error's own (counted once), and a later drop is counted and said. This pins that pairing against a fault-injection
 * broker (test/helpers/wrong-ack-broker.ts) that answers the birth (a QoS 1 publish) with a SUBACK. A PUBREC would not
 * do: mqtt.js 5.16 takes it for a QoS 2 flow (it sends PUBREL), with no error.
 */
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { sinkWriteErrors } from '../helpers/sink-write-errors.js';
import { logLines } from '../helpers/log-lines.js';
import { startWrongAckBroker } from '../helpers/wrong-ack-broker.js';

const identity = { gateway: 'gw-wrong-ack', site: 's', line: 'l', version: '0', models: () => [] };

const networkErrors = (metrics: GatewayMetrics) => sinkWriteErrors(metrics, 'cloud-mqtt', 'network');

describe('the cloud sink after an error on a connected connection', () => {
  it('counts the error once with the close it brings, then counts and says a later drop', async () => {
    const broker = await startWrongAckBroker();
    const log = logLines('info');
    const metrics = new GatewayMetrics();
    const config = mqttSyncSchema.parse({ url: broker.url, publish_timeout_ms: 1000 });
    const sync = new MqttSync(config, identity, { logger: log.logger, metrics, queue: new MemoryQueue(1 << 20) });
    try {
      await sync.start();
      await broker.wrongAcked;
      const said = await log.next(/Protocol error: suback does not answer the publish pending/);
      expect(said.msg).toMatch(
        new RegExp(
          `^cloud broker ${broker.url}: Protocol error: suback does not answer the publish pending on message id \\d+; messages stay queued$`,
        ),
      );
      // The connection closed for the error, and the client connected again (1 s later): one error, said once.
      await broker.connects(2);
      await log.next(/reachable again/);
      expect(await networkErrors(metrics)).toBe(1);
      expect(log.at(40)).toEqual([said.msg]);

      broker.drop();
      // The drop handled ('offline' comes with the client's 'close'), and the reconnect after it accepted.
      await broker.connects(3);
      expect(log.at(40)).toEqual([said.msg, `cloud broker ${broker.url} unreachable; messages stay queued`]);
      expect(await networkErrors(metrics)).toBe(2);
    } finally {
      await sync.close();
      await broker.close();
    }
  }, 15_000);
});
