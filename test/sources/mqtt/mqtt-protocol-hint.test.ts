/**
 * MQTT 5 is the source's default; a broker that does not speak it (Azure IoT Hub, older RabbitMQ or VerneMQ builds)
 * refuses the CONNECT (CONNACK code 1), closes the connection or resets it. Each way the log says what to set, by its
 * path in the configuration (`sources[i].protocol_version`, as the cloud sync and the actions name theirs; it said a
 * bare `protocol_version` before). The broker here is a fault injection (mosquitto speaks every version): it reads the
 * CONNECT's protocol level only.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { createSource } from '../../../src/registry/runtime.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

/** A broker that speaks 3.1.1 only: a level-5 CONNECT is refused (`connack1`), its connection closed or reset. */
async function v311Broker(answer: Answer): Promise<{ url: string; server: Server }> {
  const server = createServer((socket: Socket) => {
    socket.once('data', (packet) => {
      let i = 1; // past the fixed header's type byte and the remaining length's bytes
      while (packet[i] & 0x80) i++;
      const level = packet[i + 1 + 6]; // after the length byte and "\0\4MQTT"
      if (level !== 5) socket.end(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      else if (answer === 'connack1') socket.end(Buffer.from([0x20, 0x02, 0x00, 0x01]));
      else if (answer === 'reset') socket.resetAndDestroy();
      else socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

type Answer = 'close' | 'connack1' | 'reset';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SET = 'set sources[3].protocol_version: 4';
/** What the log says to each answer, after the source's label. */
const SAID: Record<Answer, string> = {
  connack1: `Connection refused: Unacceptable protocol version (the broker does not speak MQTT 5: ${SET})`,
  close: `the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; ${SET} if it does not speak MQTT 5`,
  reset: `read ECONNRESET (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 resets it so; ${SET} if it does not speak MQTT 5)`,
};

describe('mqtt source against a broker without MQTT 5', () => {
  it.each(['close', 'connack1', 'reset'] as const)(
    'that answers a v5 CONNECT by %s: the log says to set sources[i].protocol_version 4',
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
      // Built as the gateway builds each source, told where it is configured.
      const source = createSource(config, { logger: log.logger, metrics: new GatewayMetrics(), where: 'sources[3]' });
      cleanups.push(() => source.stop());
      void source.start(() => undefined).catch(() => undefined);
      const line = await log.next(/protocol_version: 4/);
      expect(line.msg).toBe(`mqtt hub (${broker.url}): ${SAID[answer]}; connecting again`);
    },
  );
});
