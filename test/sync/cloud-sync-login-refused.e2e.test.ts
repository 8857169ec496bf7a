/**
 * Regression: after the cloud broker refused the gateway's login (CONNACK "Not authorized"), the cloud sync never
 * connected again: adding the user on the broker changed nothing until the gateway restarted. Now it keeps trying,
 * later each time, says the refusal once with what to check, keeps it as its status until a connection is accepted,
 * then says the broker is reachable again and publishes. Real mosquitto with a password file; a TCP proxy in front
 * says when each connection opens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import { startLoginRefusingBroker, WATCHER } from '../helpers/login-refusing-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('cloud sync refused its login', () => {
  it('tries again later each time, and connects and publishes once the broker takes the login', async () => {
    const { broker, proxy, url } = await startLoginRefusingBroker(cleanups);
    const log = logLines('info');
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url, username: 'gw', password: 'pw' }),
      { gateway: 'gw', site: 's', line: 'l', version: '0', models: () => [] },
      {
        logger: log.logger,
        metrics: new GatewayMetrics(),
        queue: new MemoryQueue(1 << 20),
        // From its reconnect period (1 s), doubling, no jitter.
        refusalBackoff: { maxMs: 4000, holdMs: 200, random: () => 1 },
      },
    );
    cleanups.push(() => sync.close());
    await sync.start();
    await proxy.accepted(3);
    // 1 s then 2 s after each refusal (timers fire no earlier; a millisecond of rounding).
    expect(proxy.opened[1] - proxy.opened[0]).toBeGreaterThan(998);
    expect(proxy.opened[2] - proxy.opened[1]).toBeGreaterThan(1998);
    const refusal =
      `cloud broker ${url}: Connection refused: Not authorized: check the username and password, and that the broker ` +
      'has this user and lets it connect (its ACL); the client connects again later each time while the broker ' +
      'refuses (up to 4 s apart)';
    expect(sync.failing()?.error).toBe(refusal);
    broker.addUser('gw', 'pw');
    await log.next(/reachable again/);
    expect(sync.failing()).toBeUndefined();
    // Said once for the three refusals, and once more when accepted.
    expect(log.lines.map((l) => l.msg)).toEqual([
      `${refusal}; messages stay queued`,
      `cloud broker ${url} reachable again`,
    ]);
    const watcher = await mqtt.connectAsync(broker.url, WATCHER);
    cleanups.push(() => watcher.endAsync(true));
    const status = new Promise<string>((resolve) => watcher.on('message', (_t, payload) => resolve(String(payload))));
    await watcher.subscribeAsync('linewatch/gw/status', { qos: 1 });
    expect(JSON.parse(await status)).toMatchObject({ state: 'online', gateway: 'gw' });
  }, 30_000);
});
