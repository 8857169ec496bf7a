/**
 * A reconnecting client refused the same packet at each connection waits longer each time before connecting again,
 * and is back to its reconnect period once a connection holds. Real sockets; the broker is a fault injection that
 * sends a huge publish after the first CONNACKs (test/helpers/oversize-broker.ts); the delays are shortened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../../src/core/mqtt-connection.js';
import type { RefusalRetry } from '../../src/core/mqtt-refusals.js';
import { startOversizeBroker } from '../helpers/oversize-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('refusals of the same packet in a row', () => {
  it('grow the delay before each connect, and a connection that holds ends them', async () => {
    const broker = await startOversizeBroker({ topic: 'linewatch/releases/pump-ae', after: 'connack', floods: 3 });
    cleanups.push(() => broker.close());
    const refusals: { at: number; retry: RefusalRetry }[] = [];
    const connects: number[] = [];
    let held: (refusals: number) => void = () => undefined;
    const heldAfter = new Promise<number>((resolve) => (held = resolve));
    const client: MqttClient = connectMqtt(
      { url: broker.url },
      {
        role: 'test',
        defaultClientId: 'lw-test',
        options: { reconnectPeriod: 100 },
        incoming: {
          maxPacketBytes: 4096,
          onRefused: (_packet, retry) => refusals.push({ at: performance.now(), retry }),
        },
        onHeld: (n) => held(n),
        backoff: { maxMs: 400, holdMs: 100, random: () => 1 },
      },
    );
    cleanups.push(() => client.endAsync(true));
    client.on('connect', () => connects.push(performance.now()));
    client.on('error', () => undefined);
    expect(await heldAfter).toBe(3);
    expect(refusals.map((r) => r.retry)).toEqual([
      { count: 1, delayMs: 100 },
      { count: 2, delayMs: 200 },
      { count: 3, delayMs: 400 },
    ]);
    // Each connect after a refusal waited at least its delay (timers fire no earlier; a millisecond of rounding).
    expect(connects.length).toBe(4);
    refusals.forEach((r, i) => expect(connects[i + 1] - r.at).toBeGreaterThan(r.retry.delayMs! - 2));
    expect(client.connected).toBe(true);
    expect(client.options.reconnectPeriod).toBe(100);
  }, 30_000);
});
