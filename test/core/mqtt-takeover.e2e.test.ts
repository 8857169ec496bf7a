/**
 * Two clients with one client id on a real broker (two gateways given one name): the broker drops the older
 * connection at each connect, and each reconnect takes the id back. Each client says so, in words that name the id,
 * instead of only "unreachable".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { silentLogger, type Logger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import { connectMqtt } from '../../src/core/mqtt-connection.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';

let broker: Mosquitto;

beforeAll(async () => {
  broker = await startMosquitto();
});

afterAll(async () => {
  await broker?.stop();
});

describe('a client id taken over again and again', () => {
  it('is said by the clients that share it, naming the id and the setting', async () => {
    const clients: MqttClient[] = [];
    const messages: string[] = [];
    const said = new Promise<string>((resolve) => {
      for (let i = 0; i < 2; i++)
        clients.push(
          connectMqtt(
            { url: broker.url },
            {
              role: 'cloud sync',
              defaultClientId: 'linewatch-line-3',
              options: { reconnectPeriod: 200 },
              onFlapping: (m) => {
                messages.push(m);
                resolve(m);
              },
            },
          ),
        );
    });
    try {
      for (const c of clients) c.on('error', () => undefined);
      const first = await said;
      // Once per client, not at each of the takeovers that follow.
      let connects = 0;
      await new Promise<void>((resolve) => {
        for (const c of clients) c.on('connect', () => ++connects === 8 && resolve());
      });
      expect(messages.length).toBeLessThanOrEqual(2);
      expect(first).toBe(
        `cloud sync: broker ${broker.url} closed the connection 3 times in a row within 5 s of opening it: most likely ` +
          'another client connects with the same client id linewatch-line-3 (two gateways with one gateway.name, which ' +
          'the client id is made of), and each takes the connection from the other; give each its own. Otherwise the ' +
          'broker restarts again and again, or refuses something this client does: see its log',
      );
    } finally {
      await Promise.all(clients.map((c) => c.endAsync(true)));
    }
  });
});

/** A cloud sync of gateway `gateway` (its client id, linewatch-<gateway>, shared by every such sync). */
function twinSync(logger: Logger, gateway: string): MqttSync {
  return new MqttSync(
    mqttSyncSchema.parse({ url: broker.url }),
    { gateway, site: 's', line: 'l', version: '0.1.0', models: () => [] },
    { logger, metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
  );
}

describe('cloud sync under a takeover', () => {
  it('says it once, logs no connect or drop while it lasts, and says when the connection holds again', async () => {
    const log = logLines('info');
    const statuses: string[] = [];
    const consumer = await mqtt.connectAsync(broker.url, { clientId: 'consumer-takeover' });
    await consumer.subscribeAsync('linewatch/gw-twin/status', { qos: 1 });
    consumer.on('message', (_t, payload) => statuses.push(String(JSON.parse(payload.toString()).state)));
    const sync = (logger: Logger) => twinSync(logger, 'gw-twin');
    const [watched, twin] = [sync(log.logger), sync(silentLogger())];
    try {
      await watched.start();
      await twin.start();
      const takenOver = await log.next(/closed the connection 3 times in a row/);
      expect(takenOver.msg).toBe(
        `cloud sync: broker ${broker.url} closed the connection 3 times in a row within 5 s of opening it: most likely ` +
          'another client connects with the same client id linewatch-gw-twin (two gateways with one gateway.name, ' +
          'which the client id is made of), and each takes the connection from the other; give each its own. ' +
          'Otherwise the broker restarts again and again, or refuses something this client does: see its log',
      );
      const said = log.lines.length;
      // Six more takeovers (each a will and a birth on the status topic), then the twin goes.
      const seen = statuses.length;
      while (statuses.length < seen + 12) await new Promise((r) => consumer.once('message', r));
      await twin.close();
      await log.next(/the connection holds again/);
      expect(log.lines.slice(said).map((l) => l.msg)).toEqual([
        `cloud broker ${broker.url}: the connection holds again`,
      ]);
    } finally {
      await twin.close();
      await watched.close();
      await consumer.endAsync();
    }
  }, 60_000);

  // The takeovers are the MQTT source's (client-id-takeovers.ts): it was silent until a connection held, for good while
  // the broker stayed down.
  it('after the takeover was said, a broker that goes down is said as any failure (a refused connect is no takeover)', async () => {
    const log = logLines('info');
    const [watched, twin] = [twinSync(log.logger, 'gw-twin-down'), twinSync(silentLogger(), 'gw-twin-down')];
    try {
      await watched.start();
      await twin.start();
      await log.next(/closed the connection 3 times in a row/);
      const from = log.lines.length;
      await broker.pause();
      try {
        const said = await log.nextFrom(from, /; messages stay queued$/);
        expect(said.msg).toBe(
          `cloud broker ${broker.url}: connect ECONNREFUSED 127.0.0.1:${broker.port}; messages stay queued`,
        );
      } finally {
        await broker.resume();
      }
    } finally {
      await twin.close();
      await watched.close();
    }
  }, 60_000);
});
