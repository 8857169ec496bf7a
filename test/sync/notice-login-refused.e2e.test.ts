/**
 * Regression: the release-notice client, refused its login by the cloud broker, never connected again (mqtt.js stops
 * after a refused CONNACK unless told otherwise). Now it keeps trying, later each time, says the refusal once, and
 * gets notices once the broker takes the login. Real mosquitto with a password file, behind a TCP proxy that says
 * when each connection opens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { NoticeSources } from '../../src/sync/notice-sources.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/sync/schema.js';
import { logLines } from '../helpers/log-lines.js';
import { startLoginRefusingBroker, WATCHER } from '../helpers/login-refusing-broker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('release notices refused their login', () => {
  it('say it once, try again later each time, and subscribe once the broker takes the login', async () => {
    const { broker, proxy, url } = await startLoginRefusingBroker(cleanups);
    const log = logLines('info');
    let received: (text: string) => void = () => undefined;
    const notice = new Promise<string>((resolve) => (received = resolve));
    const sources = new NoticeSources(
      modelUpdatesSchema.parse({ public_key_file: '/nonexistent.pem' }),
      mqttSyncSchema.parse({ url, username: 'gw', password: 'pw' }),
      log.logger,
      (text) => received(text),
    );
    cleanups.push(async () => sources.stop());
    sources.start();
    await proxy.accepted(3);
    // 1 s then 2 s after each refusal, jittered to no less than half (backoff.ts).
    expect(proxy.opened[2] - proxy.opened[1]).toBeGreaterThan(998);
    expect(log.lines.map((l) => l.msg)).toEqual([
      `release notices: broker ${url}: Connection refused: Not authorized: check the username and password, and ` +
        'that the broker has this user and lets it connect (its ACL); the client connects again later each time ' +
        'while the broker refuses (up to 60 s apart)',
    ]);
    broker.addUser('gw', 'pw');
    const publisher = await mqtt.connectAsync(broker.url, WATCHER);
    cleanups.push(() => publisher.endAsync(true));
    await publisher.publishAsync('linewatch/releases/pump-ae', '{"n":1}', { qos: 1, retain: true });
    expect(await notice).toBe('{"n":1}');
  }, 90_000);
});
