/**
 * Regression: a broker that speaks only MQTT 3.1.1 and answers an MQTT 5 CONNECT by resetting the connection (TCP RST,
 * ECONNRESET) rather than closing it or refusing the version got no hint (`read ECONNRESET` alone) and was connected
 * to again every second. Now the error says, as a close before a CONNACK does, which setting connects with 3.1.1, and
 * the connects are paced as for a close. The broker is a fault injection (test/helpers/oversize-broker.ts); the
 * delays are shortened.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../src/core/mqtt-connection.js';
import { publishOnce } from '../../src/core/mqtt-publish-once.js';
import { protocolVersionHint } from '../../src/core/mqtt-version-hints.js';
import { startOversizeBroker, type OversizeBroker } from '../helpers/oversize-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function resettingBroker(): Promise<OversizeBroker> {
  const broker = await startOversizeBroker({
    topic: 'unused',
    after: 'publish',
    floods: 0,
    speaks: [4],
    unspoken: 'reset',
  });
  cleanups.push(() => broker.close());
  return broker;
}

const HINT =
  ' (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 resets it so; ' +
  'set cloud.mqtt.protocol_version: 4 if it does not speak MQTT 5)';

describe('a 3.1.1-only broker that resets an MQTT 5 connection before accepting it', () => {
  it("connectMqtt's error gets the protocol hint, and the client connects again later each time", async () => {
    const broker = await resettingBroker();
    const hints: string[] = [];
    const told: string[] = [];
    const client = connectMqtt(
      { url: broker.url },
      {
        role: 'test',
        defaultClientId: 'lw-test',
        options: { reconnectPeriod: 100, protocolVersion: 5 },
        protocolSetting: 'cloud.mqtt.protocol_version',
        onClosedUnaccepted: (reason) => told.push(reason),
        backoff: { maxMs: 400, holdMs: 100, random: () => 1 },
      },
    );
    cleanups.push(() => client.endAsync(true));
    client.on('error', (err) =>
      hints.push(`${err.message}${protocolVersionHint(err, 5, 'cloud.mqtt.protocol_version')}`),
    );
    const answered: number[] = [];
    for (let n = 1; n <= 5; n++) {
      await broker.unspokenAnswered(n);
      answered.push(performance.now());
    }
    // 100, 200, 400 then 400 ms between connects (timers fire no earlier; a few ms of event-loop latency).
    const gaps = answered.slice(1).map((at, i) => at - answered[i]);
    [100, 200, 400, 400].forEach((delay, i) => expect(gaps[i]).toBeGreaterThan(delay - 5));
    expect(hints[0]).toBe(`read ECONNRESET${HINT}`);
    // Said by its error: not told again as a close.
    expect(told).toEqual([]);
    expect(client.connected).toBe(false);
  }, 30_000);

  it("publishOnce's error names its setting; with MQTT 3.1.1 the broker takes the connection", async () => {
    const broker = await resettingBroker();
    const publisher = {
      role: 'test',
      defaultClientId: 'lw-test-once',
      maxIncomingBytes: 4096,
      boundOf: 'the test connection',
      timeoutMs: 60_000,
      protocolSetting: '--protocol-version',
    };
    const message = { topic: 'plant7/t', payload: 'p', qos: 1 as const, retain: false };
    await expect(
      publishOnce({ url: broker.url }, { ...publisher, options: { protocolVersion: 5 } }, message),
    ).rejects.toThrow(
      new Error(
        'read ECONNRESET (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 ' +
          'resets it so; pass --protocol-version 4 if it does not speak MQTT 5)',
      ),
    );
    await publishOnce({ url: broker.url }, { ...publisher, options: { protocolVersion: 4 } }, message);
    expect(broker.accepted).toEqual([4]);
  }, 30_000);
});
