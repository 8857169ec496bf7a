/**
 * A release notice is taken only on its own model's topic (release-notice.ts: wrongTopic): one key signs every
 * model, so a broker ACL that lets a publisher announce press-ae must not let it announce pump-ae. Regression: a signed
 * pump-ae release announced on `linewatch/releases/press-ae` was downloaded and put on probation on pump-1. Over a
 * real mosquitto, to an updater running pump-ae beside a real release server.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { logLines } from '../helpers/log-lines.js';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real mosquitto, a client publishing on it, and a release server with a signed pump-ae 2.0.0 in `v2/`. */
async function brokered() {
  const broker = await startMosquitto();
  cleanups.push(() => broker.stop());
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  return {
    url: broker.url,
    publish: (topic: string, notice: unknown, retain: boolean) =>
      client.publishAsync(topic, JSON.stringify(notice), { qos: 1, retain }),
  };
}

/** The updater, subscribed to the broker's release notices (those retained before it started come at once). */
async function updaterOn(url: string, log = logLines('info')): Promise<UpdaterFixture> {
  const f = await startUpdater({
    config: () => ({ mqtt: true }),
    mqtt: mqttSyncSchema.parse({ url }),
    logger: log.logger,
  });
  cleanups.push(() => f.close());
  return f;
}

describe('a release notice on another model’s topic', () => {
  it('is refused before anything is fetched, and the same notice on its own topic is applied', async () => {
    const broker = await brokered();
    const f = await updaterOn(broker.url);
    await f.release('v2', '2.0.0', 1);
    const notice = { model: 'pump-ae', version: '2.0.0', url: `${f.releases.url}/v2/` };
    const refused = f.nextEvent();
    await broker.publish('linewatch/releases/press-ae', notice, true);
    const event = await refused;
    expect(outcomeOf(event)).toBe('2.0.0:rejected:wrong_topic');
    expect(event.reason).toBe(
      'wrong_topic: a notice for pump-ae on linewatch/releases/press-ae; a release notice is taken only on its own ' +
        "model's topic, linewatch/releases/pump-ae (where the broker lets its publisher announce that model)",
    );
    expect(f.releases.requests).toEqual([]);
    expect(f.current().version).toBe('1.0.0+seed7');
    expect(f.updater.lastRefusals()).toEqual([
      { model: 'pump-ae', version: '2.0.0', at: f.clock.now, reason: event.reason },
    ]);
    // Remembered as refused on that topic only: on pump-ae's own topic, the same notice is taken.
    const applied = f.nextEvent();
    await broker.publish('linewatch/releases/pump-ae', notice, false);
    expect(outcomeOf(await applied)).toBe('2.0.0:applied');
    expect(f.current().version).toBe('2.0.0');
  }, 60_000);

  it('is remembered on that topic: published again, it makes no second outcome until a minute has passed', async () => {
    const broker = await brokered();
    const log = logLines('info');
    const f = await updaterOn(broker.url, log);
    await f.release('v2', '2.0.0', 1);
    const notice = { model: 'pump-ae', version: '2.0.0', url: `${f.releases.url}/v2/` };
    const refused = f.nextEvent();
    await broker.publish('linewatch/releases/press-ae', notice, false);
    expect(outcomeOf(await refused)).toBe('2.0.0:rejected:wrong_topic');
    await broker.publish('linewatch/releases/press-ae', notice, false);
    const told = await log.next(/^release notice for pump-ae 2\.0\.0 already handled/);
    expect(told.msg).toBe(
      'release notice for pump-ae 2.0.0 already handled: rejected (wrong_topic) at 1970-01-01T00:16:40.000Z; looked ' +
        'at again when published anew after 1970-01-01T00:17:40.000Z, or delivered again (a reconnect, a poll) after ' +
        "1970-01-01T00:31:40.000Z; on its own model's topic it is handled now",
    );
    expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:wrong_topic']);
    f.clock.now += 60_000;
    const again = f.nextEvent();
    await broker.publish('linewatch/releases/press-ae', notice, false);
    expect(outcomeOf(await again)).toBe('2.0.0:rejected:wrong_topic');
    expect(f.releases.requests).toEqual([]);
  }, 60_000);

  it('for a model no asset here runs is kept in the status and logged, with no outcome', async () => {
    const broker = await brokered();
    const log = logLines('info');
    const notice = { model: 'press-ae', version: '3.0.0', url: 'http://127.0.0.1:9/press/' };
    await broker.publish('linewatch/releases/pump-ae', notice, true);
    const f = await updaterOn(broker.url, log);
    const line = await log.next(/^release notice for press-ae 3\.0\.0 refused/);
    expect(line.msg).toBe(
      'release notice for press-ae 3.0.0 refused: wrong_topic: a notice for press-ae on linewatch/releases/pump-ae; a ' +
        "release notice is taken only on its own model's topic, linewatch/releases/press-ae (where the broker lets its " +
        'publisher announce that model)',
    );
    expect(f.updater.lastRefusals()).toEqual([
      {
        model: 'press-ae',
        version: '3.0.0',
        at: f.clock.now,
        reason: line.msg.slice('release notice for press-ae 3.0.0 refused: '.length),
        from: 'mqtt linewatch/releases/pump-ae',
        passedOver: true,
      },
    ]);
    expect(f.events).toEqual([]);
  }, 60_000);

  it('names a long topic level cut, as a notice model is bounded', async () => {
    const broker = await brokered();
    const notice = { model: 'pump-ae', version: '2.0.0', url: 'http://127.0.0.1:9/v2/' };
    await broker.publish(`linewatch/releases/${'x'.repeat(5000)}`, notice, true);
    const f = await updaterOn(broker.url);
    const { reason } = f.events[0] ?? (await f.nextEvent());
    expect(reason).toBe(
      `wrong_topic: a notice for pump-ae on linewatch/releases/${'x'.repeat(256)}…; a release notice is taken only on ` +
        "its own model's topic, linewatch/releases/pump-ae (where the broker lets its publisher announce that model)",
    );
  }, 60_000);
});
