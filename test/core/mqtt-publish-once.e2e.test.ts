/**
 * publishOnce (model publish, the mqtt_publish action) where the broker ends the connection without a word: a listener
 * that closes each connection as it comes, or after its CONNACK (fault injection: a port that speaks no MQTT, a
 * broker or load balancer that refuses by closing).
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { publishOnce } from '../../src/core/mqtt-publish-once.js';
import { closedUnacceptedText } from '../../src/core/mqtt-version-hints.js';

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  if (server?.listening) await once(server, 'close');
  server = undefined;
});

/** A listener that does `onConnection` with each connection; its mqtt:// URL. */
async function listener(onConnection: (socket: Socket) => void): Promise<string> {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const publisher = {
  role: 'test',
  defaultClientId: 'linewatch-test',
  maxIncomingBytes: 4096,
  boundOf: 'the test connection',
  // Longer than the test's own timeout: a failure that waits for it is a failure of the test.
  timeoutMs: 60_000,
};
const message = { topic: 'plant7/t', payload: 'p', qos: 1 as const, retain: false };

describe('publishOnce where the broker closes the connection', () => {
  it('fails naming it when the broker closes before it accepts the connection (no CONNACK), not waits for ever', async () => {
    const url = await listener((socket) => socket.end());
    // The one text of a close before a CONNACK, as cloud sync says it (a client of 3.1.1: what to check).
    await expect(publishOnce({ url }, publisher, message)).rejects.toThrow(
      new Error(
        "the broker closed the connection before accepting it (no CONNACK): is it an MQTT broker at this address, and does it take this client's login and MQTT version? See its log",
      ),
    );
    // Cloud sync over MQTT 3.1.1 says the same of its closes (one text: mqtt-version-hints.ts).
    const err = await publishOnce({ url }, publisher, message).catch((e: Error) => e);
    expect(closedUnacceptedText(4, 'cloud.mqtt.protocol_version')).toBe((err as Error).message);
  }, 10_000);

  it('with MQTT 5, names the setting that connects with 3.1.1, as cloud sync does', async () => {
    const url = await listener((socket) => socket.end());
    const v5 = { ...publisher, options: { protocolVersion: 5 as const }, protocolSetting: '--protocol-version' };
    await expect(publishOnce({ url }, v5, message)).rejects.toThrow(
      new Error(
        'the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; ' +
          'pass --protocol-version 4 if it does not speak MQTT 5',
      ),
    );
    expect(closedUnacceptedText(5, 'cloud.mqtt.protocol_version')).toBe(
      'the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; ' +
        'set cloud.mqtt.protocol_version: 4 if it does not speak MQTT 5',
    );
  }, 10_000);

  it('fails naming it when the broker closes after accepting, before the PUBACK, not at the timeout', async () => {
    // CONNACK (accepted) to the CONNECT, then the connection closed at the PUBLISH.
    const url = await listener((socket) => {
      socket.once('data', () => {
        socket.write(Buffer.from([0x20, 2, 0, 0]));
        socket.once('data', () => socket.end());
      });
    });
    await expect(publishOnce({ url }, publisher, message)).rejects.toThrow(
      /^the broker accepted the connection \(CONNACK\), then closed it \d+ ms later, before its PUBACK: most likely the broker refuses its message on plant7\/t \(1 byte\): /,
    );
  }, 10_000);
});
