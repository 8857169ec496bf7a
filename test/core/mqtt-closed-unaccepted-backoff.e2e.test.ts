/**
 * Regression: a broker that closes each connection before accepting it (no CONNACK: a 3.1.1-only broker answering
 * MQTT 5) was connected to again every second for ever. Now the delay grows as for a refusal, and is as before once a
 * connection holds. The broker is a fault injection (test/helpers/oversize-broker.ts) behind a TCP proxy that says
 * when each connection opens; the delays are shortened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../src/core/mqtt-connection.js';
import { startOversizeBroker } from '../helpers/oversize-broker.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a broker that closes connections before accepting them', () => {
  it('is connected to again later each time', async () => {
    const broker = await startOversizeBroker({ topic: 'unused', after: 'suback', speaks: [4], unspoken: 'close' });
    cleanups.push(() => broker.close());
    const proxy = await startTcpProxy(Number(new URL(broker.url).port));
    cleanups.push(() => proxy.close());
    const told: string[] = [];
    const client = connectMqtt(
      { url: `mqtt://127.0.0.1:${proxy.port}` },
      {
        role: 'test',
        defaultClientId: 'lw-test',
        options: { reconnectPeriod: 100, protocolVersion: 5 },
        protocolSetting: 'x.protocol_version',
        onClosedUnaccepted: (reason) => told.push(reason),
        backoff: { maxMs: 400, holdMs: 100, random: () => 1 },
      },
    );
    cleanups.push(() => client.endAsync(true));
    client.on('error', () => undefined);
    await proxy.accepted(5);
    // 100, 200, 400 then 400 ms after each close (timers fire no earlier; a millisecond of rounding).
    const gaps = proxy.opened.slice(1, 5).map((at, i) => at - proxy.opened[i]);
    [100, 200, 400, 400].forEach((delay, i) => expect(gaps[i]).toBeGreaterThan(delay - 2));
    expect(told[0]).toContain('the broker closed the connection before accepting it (no CONNACK)');
    expect(client.connected).toBe(false);
  }, 30_000);
});
