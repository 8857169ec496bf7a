/**
 * MQTT 5 is the source's default; a broker that does not speak it (Azure IoT Hub, older RabbitMQ or VerneMQ builds)
 * either refuses the CONNECT (CONNACK code 1) or closes the connection. Either way the log says what to set. The
 * broker here is a fault injection (mosquitto speaks every version): it reads the CONNECT's protocol level only.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { MqttSource } from '../../../src/sources/mqtt/mqtt-source.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

/** A broker that speaks 3.1.1 only: a level-5 CONNECT is refused (`connack1`) or its connection closed (`close`). */
async function v311Broker(answer: 'close' | 'connack1'): Promise<{ url: string; server: Server }> {
  const server = createServer((socket: Socket) => {
    socket.once('data', (packet) => {
      let i = 1; // past the fixed header's type byte and the remaining length's bytes
      while (packet[i] & 0x80) i++;
      const level = packet[i + 1 + 6]; // after the length byte and "\0\4MQTT"
      if (level !== 5) socket.end(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      else if (answer === 'connack1') socket.end(Buffer.from([0x20, 0x02, 0x00, 0x01]));
      else socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('mqtt source against a broker without MQTT 5', () => {
  it.each(['close', 'connack1'] as const)(
    'that answers a v5 CONNECT by %s: the log says to set protocol_version 4',
    async (answer) => {
      const broker = await v311Broker(answer);
      cleanups.push(() => new Promise((resolve) => broker.server.close(resolve)));
      const log = logLines('info');
      const config = mqttSourceSchema.parse({
        name: 'hub',
        type: 'mqtt',
        url: broker.url,
        asset: 'a',
        tags: [{ channel: 'flow', topic: 't/x' }],
      });
      const source = new MqttSource(config, { logger: log.logger, metrics: new GatewayMetrics() });
      cleanups.push(() => source.stop());
      void source.start(() => undefined).catch(() => undefined);
      const line = await log.next(/protocol_version: 4/);
      expect(line.msg).toContain(`mqtt hub (${broker.url})`);
    },
  );
});
