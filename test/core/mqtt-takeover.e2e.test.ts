/**
 * Two clients with one client id on a real broker (two gateways given one name): the broker drops the older
 * connection at each connect, and each reconnect takes the id back. Each client says so, in words that name the id,
 * instead of only "unreachable".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
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
