/**
 * Regression: a reconnecting client whose connection the broker refused (a CONNACK with a refusal code: a login it
 * does not take) never connected again (mqtt.js stops after a refused CONNACK unless told otherwise), so a gateway
 * whose user was added on the broker afterwards stayed cut off until restarted. Now it keeps trying, later each time,
 * and connects once the broker takes its login. Real mosquitto with a password file, behind a TCP proxy that says
 * when each connection opens; the delays are shortened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../src/core/mqtt-connection.js';
import { startLoginRefusingBroker } from '../helpers/login-refusing-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a broker that refuses the login', () => {
  it('is tried again later each time, and the client connects once the user is added', async () => {
    const { broker, proxy, url } = await startLoginRefusingBroker(cleanups);
    const errors: string[] = [];
    let held: (failures: number) => void = () => undefined;
    const heldAfter = new Promise<number>((resolve) => (held = resolve));
    const client = connectMqtt(
      { url, username: 'gw', password: 'pw' },
      {
        role: 'test',
        defaultClientId: 'lw-test',
        options: { reconnectPeriod: 100 },
        onHeld: (n) => held(n),
        backoff: { maxMs: 400, holdMs: 100, random: () => 1 },
      },
    );
    cleanups.push(() => client.endAsync(true));
    client.on('error', (err) => errors.push(err.message));
    await proxy.accepted(4);
    // 100, 200 then 400 ms after each refusal (timers fire no earlier; a millisecond of rounding).
    const gaps = proxy.opened.slice(1, 4).map((at, i) => at - proxy.opened[i]);
    [100, 200, 400].forEach((delay, i) => expect(gaps[i]).toBeGreaterThan(delay - 2));
    expect(errors[0]).toBe('Connection refused: Not authorized');
    expect(client.connected).toBe(false);
    broker.addUser('gw', 'pw');
    // (events.once would reject at the next refusal's 'error', if one came first.)
    await new Promise((resolve) => client.once('connect', resolve));
    await client.publishAsync('t', 'after the refusals', { qos: 1 });
    expect(await heldAfter).toBeGreaterThan(3);
    expect(client.options.reconnectPeriod).toBe(100);
  }, 30_000);
});
