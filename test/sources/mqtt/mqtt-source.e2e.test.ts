/**
 * The mqtt source against a real mosquitto: JSON messages become samples of their channels (with
 * the message's time or the receive time), wildcard filters, hostile payloads counted and logged
 * without stopping it, a broker restart it recovers from by itself, a persistent session that
 * keeps what was published while it was away, `run --once`'s readOnce, and TLS with a client
 * certificate through the project's one MQTT connection factory. Every wait is for an event (a
 * batch, a log line), never a sleep. The source's clock is the test's: receive times are exact.
 */
import { EventEmitter, once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { MqttSource, type MqttSourceDeps } from '../../../src/sources/mqtt/mqtt-source.js';
import { makeTestCa, startMosquitto } from '../../../src/testing/mosquitto.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { suiteServer } from '../../helpers/suite-server.js';

const broker = suiteServer(startMosquitto);
const T0 = 1_741_342_500_000;

interface LogLine {
  level: number;
  msg: string;
  kind?: string;
  unlogged?: number;
}

/** The first element `find` returns, once `event` has brought it. */
async function until<T>(emitter: EventEmitter, event: string, find: () => T | undefined): Promise<T> {
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    await once(emitter, event);
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A publisher on the suite's broker (or `url`), ended after the test. */
async function publisher(url = broker().url, options: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...options });
  cleanups.push(() => client.endAsync(true));
  return client;
}

/**
 * An mqtt source on the suite's broker with `settings` (url defaulted), its batches, log lines and
 * metrics, and a clock the test sets. Started unless `start` is false; stopped after the test.
 */
function harness(settings: Record<string, unknown>, deps: Partial<MqttSourceDeps> = {}) {
  const seen = new EventEmitter();
  const batches: Sample[][] = [];
  const logs: LogLine[] = [];
  const metrics = new GatewayMetrics();
  const clock = { now: T0 };
  const logger = createLogger('info', {
    write: (line: string) => {
      logs.push(JSON.parse(line));
      seen.emit('log');
    },
  } as unknown as NodeJS.WritableStream);
  const config = mqttSourceSchema.parse({
    name: 'broker',
    type: 'mqtt',
    url: broker().url,
    asset: 'pump-3',
    ...settings,
  });
  const source = new MqttSource(config, { logger, metrics, now: () => clock.now, ...deps });
  cleanups.push(() => source.stop());
  const logged = (find: (l: LogLine) => boolean) => until(seen, 'log', () => logs.find(find));
  /** The batches from the `from`-th on, once there are `n` of them. */
  const batchesFrom = (from: number, n: number) =>
    until(seen, 'batch', () => (batches.length >= from + n ? batches.slice(from, from + n) : undefined));
  return {
    source,
    config,
    seen,
    batches,
    logs,
    metrics,
    clock,
    logged,
    batchesFrom,
    /** Starts the source and resolves once it has subscribed. */
    async start() {
      const before = logs.length;
      await source.start((batch) => {
        batches.push([...batch]);
        seen.emit('batch');
      });
      await until(seen, 'log', () => logs.slice(before).find((l) => l.msg.includes(': subscribed to ')));
    },
  };
}

/**
 * Two sources with one client id on the suite's broker, started, once one of them has said the takeover: what it
 * said, the one that said it (`loud`), the other, and the test for the error line.
 */
async function twins(clientId: string, topic: string) {
  const settings = { client_id: clientId, tags: [{ channel: 'flow', topic }] };
  const a = harness(settings);
  const b = harness(settings);
  await a.start();
  await b.start();
  const taken = (l: LogLine) => l.level === 50 && l.msg.includes(`same client id ${clientId} `);
  const said = await Promise.race([a.logged(taken), b.logged(taken)]);
  const [loud, quiet] = a.logs.some(taken) ? [a, b] : [b, a];
  return { said, loud, quiet, taken };
}

/** A counter's value for the labels given (0 when it has none). */
async function count(
  counter: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await counter.get();
  return (
    values.find((v) =>
      Object.entries(labels).every(([k, x]) => (v.labels as Record<string, string | number | undefined>)[k] === x),
    )?.value ?? 0
  );
}

const sample = (channel: string, value: number, ts: number, extra: Partial<Sample> = {}): Sample => ({
  source: 'broker',
  asset: 'pump-3',
  channel,
  ts,
  received: T0,
  value,
  quality: 'good',
  ...extra,
});

describe('mqtt source', () => {
  it('turns JSON messages into samples of their channels, at the message time or the receive time', async () => {
    const h = harness({
      tags: [
        {
          channel: 'flow',
          topic: 't/json/pump-3/telemetry',
          field: 'values.flow',
          timestamp_field: 'ts',
          unit: 'm3/h',
        },
        { channel: 'pressure', topic: 't/json/pump-3/telemetry', field: 'values.pressure' },
        { channel: 'running', topic: 't/json/pump-3/telemetry', field: 'state.running', timestamp_field: 'ts' },
        { channel: 'temperature', topic: 't/json/pump-3/temperature' },
      ],
    });
    await h.start();
    expect(h.source.connected).toBe(true);
    const pub = await publisher();
    await pub.publishAsync(
      't/json/pump-3/telemetry',
      JSON.stringify({ ts: T0 - 750, values: { flow: 12.5, pressure: '3.25' }, state: { running: true } }),
      { qos: 1 },
    );
    await pub.publishAsync(
      't/json/pump-3/telemetry',
      JSON.stringify({
        ts: '2025-03-07T11:14:59.500+01:00',
        values: { flow: -0.5, pressure: 0 },
        state: { running: false },
      }),
      { qos: 1 },
    );
    await pub.publishAsync('t/json/pump-3/temperature', '41.5', { qos: 1 });
    expect(await h.batchesFrom(0, 3)).toEqual([
      [sample('flow', 12.5, T0 - 750, { unit: 'm3/h' }), sample('pressure', 3.25, T0), sample('running', 1, T0 - 750)],
      [
        sample('flow', -0.5, Date.UTC(2025, 2, 7, 10, 14, 59, 500), { unit: 'm3/h' }),
        sample('pressure', 0, T0),
        sample('running', 0, Date.UTC(2025, 2, 7, 10, 14, 59, 500)),
      ],
      [sample('temperature', 41.5, T0)],
    ]);
    expect(await count(h.metrics.samples, { source: 'broker', quality: 'good' })).toBe(7);
    expect(await count(h.metrics.sourcePolls, { source: 'broker' })).toBe(3);
    expect((await h.metrics.sourceConnected.get()).values).toEqual([{ labels: { source: 'broker' }, value: 1 }]);
  });

  it('subscribes to wildcard filters: "+" one level, "#" the rest', async () => {
    const h = harness({
      tags: [
        { channel: 'temperature', topic: 't/wild/+/temperature', field: 'v' },
        { channel: 'status', topic: 't/wild/status/#', field: 'code' },
      ],
    });
    await h.start();
    const pub = await publisher();
    // Not for this source: two levels where "+" takes one.
    await pub.publishAsync('t/wild/s1/extra/temperature', '{"v": 99}', { qos: 1 });
    await pub.publishAsync('t/wild/s1/temperature', '{"v": 20.5}', { qos: 1 });
    await pub.publishAsync('t/wild/s2/temperature', '{"v": 21}', { qos: 1 });
    await pub.publishAsync('t/wild/status', '{"code": 3}', { qos: 1 });
    await pub.publishAsync('t/wild/status/line-3/pump-3', '{"code": 4}', { qos: 1 });
    expect(await h.batchesFrom(0, 4)).toEqual([
      [sample('temperature', 20.5, T0)],
      [sample('temperature', 21, T0)],
      [sample('status', 3, T0)],
      [sample('status', 4, T0)],
    ]);
  });

  it('protocol_version 5: a 2 MB message over max_payload_bytes is dropped by the broker: the source told it the largest packet it takes', async () => {
    const h = harness({
      max_payload_bytes: 256,
      protocol_version: 5,
      tags: [{ channel: 'flow', topic: 't/huge/pump-3', field: 'flow' }],
    });
    await h.start();
    const pub = await publisher();
    await pub.publishAsync('t/huge/pump-3', JSON.stringify({ flow: 1, pad: 'x'.repeat(2_000_000) }), { qos: 1 });
    await pub.publishAsync('t/huge/pump-3', '{"flow": 2}', { qos: 1 });
    // The next message arrives; nothing came before it.
    expect(await h.batchesFrom(0, 1)).toEqual([[sample('flow', 2, T0)]]);
    expect(await count(h.metrics.sourceErrors, { source: 'broker', kind: 'too_large' })).toBe(0);
    expect(h.source.connected).toBe(true);
  });

  it('protocol_version 4 (3.1.1 cannot tell the broker): a 2 MB message is refused unread, its connection closed; the source connects again', async () => {
    const h = harness({
      max_payload_bytes: 256,
      protocol_version: 4,
      tags: [{ channel: 'flow', topic: 't/huge/pump-3', field: 'flow' }],
    });
    await h.start();
    const pub = await publisher();
    await pub.publishAsync('t/huge/pump-3', JSON.stringify({ flow: 1, pad: 'x'.repeat(2_000_000) }), { qos: 1 });
    const [refused] = await h.batchesFrom(0, 1);
    expect(refused).toMatchObject([{ channel: 'flow', quality: 'bad' }]);
    expect(refused[0].reason).toMatch(
      /a publish on t\/huge\/pump-3 of 20000\d\d bytes is over the 66815 bytes a packet may take \(max_payload_bytes and the longest topic\): not read, the connection closed$/,
    );
    expect(await count(h.metrics.sourceErrors, { source: 'broker', kind: 'too_large' })).toBe(1);
    await h.logged((l) => l.msg.includes(': subscribed to t/huge/pump-3 again'));
    await pub.publishAsync('t/huge/pump-3', '{"flow": 2}', { qos: 1 });
    expect(await h.batchesFrom(1, 1)).toEqual([[sample('flow', 2, T0)]]);
  });

  /** A retained message of 100 kB on t/kept/big; a source of protocol_version 4 on it and t/kept/small, started. */
  async function leftOutBig(deps: Partial<MqttSourceDeps> = {}) {
    const pub = await publisher();
    const big = JSON.stringify({ flow: 1, pad: 'x'.repeat(100_000) });
    await pub.publishAsync('t/kept/big', big, { qos: 1, retain: true });
    cleanups.push(() => pub.publishAsync('t/kept/big', '', { qos: 1, retain: true }));
    // A publish packet: a fixed header of 4 bytes (3 of length), the topic's 2 + 10, a packet id's 2, the payload.
    const h = harness(
      {
        max_payload_bytes: 256,
        protocol_version: 4,
        tags: [
          { channel: 'flow', topic: 't/kept/big', field: 'flow' },
          { channel: 'pressure', topic: 't/kept/small', field: 'pressure' },
        ],
      },
      deps,
    );
    await h.start();
    const said = await h.logged((l) => l.level === 50);
    await h.logged((l) => l.msg.endsWith(': subscribed to t/kept/small again, after 1 failed attempt(s)'));
    return { pub, big, h, said };
  }

  it('protocol_version 4: a retained message too large to read leaves its filter out, said once with when it is looked at again; the other topics go on over one reconnect', async () => {
    const { pub, big, h, said } = await leftOutBig({
      leftOutRetry: { minMs: 3_600_000, maxMs: 7_200_000, random: () => 1 },
    });
    expect(said.msg).toBe(
      `mqtt broker (${broker().url}): the broker holds a retained message on t/kept/big of ${big.length + 18} bytes, over the 66815 bytes a packet may take (source broker.max_payload_bytes and the longest topic), which MQTT 3.1.1 sends again at each subscription and which closes the connection unread: t/kept/big no longer subscribed, so the other topics' messages come; their tags get no samples until it is cleared or small enough: looked at again on a connection of its own at ${new Date(T0 + 3_600_000).toISOString()} (later each time it is still there, up to 120 min apart), and subscribed again then. Raise source broker.max_payload_bytes, have the message cleared (mosquitto_pub -r -n -t t/kept/big), or set source broker.protocol_version: 5 (the broker then keeps such messages back)`,
    );
    await pub.publishAsync('t/kept/small', '{"pressure": 2}', { qos: 1 });
    const [, second] = await h.batchesFrom(0, 2);
    expect(second).toEqual([sample('pressure', 2, T0)]);
    // One connection closed by it, no more: the reconnect loop is gone.
    expect(await count(h.metrics.sourceReconnects, { source: 'broker' })).toBe(1);
    expect(h.source.connected).toBe(true);
    expect(h.source.tagIssues()).toEqual([said.msg.slice(`mqtt broker (${broker().url}): `.length)]);
  });

  it('protocol_version 4: a left-out topic still too large is looked at on a connection of its own, later each time, the subscribed one left alone', async () => {
    const { big, h } = await leftOutBig({ leftOutRetry: { minMs: 50, maxMs: 200, random: () => 1 } });
    const stillThere = ': t/kept/big still holds a retained message of';
    const looks = await until(h.seen, 'log', () => {
      const found = h.logs.filter((l) => l.msg.includes(stillThere));
      return found.length >= 3 ? found : undefined;
    });
    // The look subscribes at QoS 0: the retained publish comes without a packet id (2 bytes less).
    expect(looks.map((l) => l.msg)).toEqual(
      [100, 200, 200].map(
        (ms) =>
          `mqtt broker (${broker().url}): t/kept/big still holds a retained message of ${big.length + 16} bytes: t/kept/big left out, looked at again at ${new Date(T0 + ms).toISOString()}`,
      ),
    );
    expect(looks[0].level).toBe(30);
    // The connection the other topics come by was closed once, by the first subscription, never by a look.
    expect(await count(h.metrics.sourceReconnects, { source: 'broker' })).toBe(1);
    expect(h.source.connected).toBe(true);
    expect(h.source.tagIssues()[0]).toContain(' look(s) so far; later each time it is still there, up to 0.2 s apart)');
  });

  it('protocol_version 4: a left-out topic whose retained message was cleared is subscribed again without a reconnect, and its tags get samples', async () => {
    const { pub, h } = await leftOutBig({ leftOutRetry: { minMs: 50, maxMs: 200, random: () => 1 } });
    await pub.publishAsync('t/kept/big', '{"flow": 3}', { qos: 1, retain: true });
    await h.logged((l) => l.msg.endsWith(': subscribed to t/kept/big again'));
    const back = h.logs.find((l) => l.msg.includes(' is gone or small enough now'));
    expect(back?.msg).toBe(
      `mqtt broker (${broker().url}): the retained message on t/kept/big is gone or small enough now: subscribing to t/kept/big again`,
    );
    // The retained message that replaced it comes at the subscription, then what is published on it.
    await pub.publishAsync('t/kept/big', '{"flow": 4}', { qos: 1 });
    const from = await until(h.seen, 'batch', () => {
      const i = h.batches.findIndex((b) => b[0].channel === 'flow' && b[0].value === 3);
      return i >= 0 ? i : undefined;
    });
    expect(await h.batchesFrom(from, 2)).toEqual([[sample('flow', 3, T0)], [sample('flow', 4, T0)]]);
    expect(await count(h.metrics.sourceReconnects, { source: 'broker' })).toBe(1);
    expect(h.source.tagIssues()).toEqual([]);
  });

  it('counts and logs bad messages (not JSON, too big, not a number), keeps what it had, and goes on', async () => {
    const h = harness({
      max_payload_bytes: 256,
      tags: [
        { channel: 'flow', topic: 't/bad/pump-3', field: 'flow' },
        { channel: 'pressure', topic: 't/bad/pump-3', field: 'pressure' },
      ],
    });
    await h.start();
    const pub = await publisher();
    const bad = (channel: string, reason: string): Sample =>
      sample(channel, Number.NaN, T0, {
        quality: 'bad',
        reason: `mqtt broker (${h.config.url}): t/bad/pump-3: ${reason}`,
      });
    const big = JSON.stringify({ flow: 1, pressure: 2, pad: 'x'.repeat(300) });

    await pub.publishAsync('t/bad/pump-3', '{"flow": 1.5, "pressure": 2.5}', { qos: 1 });
    const [first] = await h.batchesFrom(0, 1);
    await pub.publishAsync('t/bad/pump-3', 'flow=1.5', { qos: 1 });
    await pub.publishAsync('t/bad/pump-3', big, { qos: 1 });
    await pub.publishAsync('t/bad/pump-3', '{"flow": "fast", "pressure": 2.75}', { qos: 1 });
    await pub.publishAsync('t/bad/pump-3', '{"flow": 1e999, "pressure": 2.75}', { qos: 1 });
    await pub.publishAsync('t/bad/pump-3', '{"flow": 1.75, "pressure": 3}', { qos: 1 });
    expect(await h.batchesFrom(0, 6)).toEqual([
      [sample('flow', 1.5, T0), sample('pressure', 2.5, T0)],
      [bad('flow', 'the payload is not JSON'), bad('pressure', 'the payload is not JSON')],
      [
        bad('flow', `a payload of ${big.length} bytes is over max_payload_bytes (256)`),
        bad('pressure', `a payload of ${big.length} bytes is over max_payload_bytes (256)`),
      ],
      [bad('flow', 'field flow: expected a number, got a string ("fast")'), sample('pressure', 2.75, T0)],
      [bad('flow', 'field flow: expected a finite number, got Infinity'), sample('pressure', 2.75, T0)],
      [sample('flow', 1.75, T0), sample('pressure', 3, T0)],
    ]);
    // The batch delivered before the bad messages is untouched.
    expect(h.batches[0]).toBe(first);
    expect(first).toEqual([sample('flow', 1.5, T0), sample('pressure', 2.5, T0)]);
    expect(h.source.connected).toBe(true);

    const errors = (kind: string) => count(h.metrics.sourceErrors, { source: 'broker', kind });
    expect([await errors('not_json'), await errors('too_large'), await errors('bad_value')]).toEqual([1, 1, 2]);
    expect(await count(h.metrics.samples, { source: 'broker', quality: 'bad' })).toBe(6);
    expect(await count(h.metrics.samples, { source: 'broker', quality: 'good' })).toBe(6);

    // Logged once a minute at most: the first bad message now, the next three only counted...
    const badLines = () => h.logs.filter((l) => l.msg.includes('bad message'));
    expect(badLines()).toEqual([
      expect.objectContaining({
        level: 40,
        kind: 'not_json',
        unlogged: 0,
        msg: `mqtt broker (${h.config.url}): bad message: t/bad/pump-3: the payload is not JSON; its tags' samples are bad`,
      }),
    ]);
    // ...and a minute later the next one is logged with how many went unlogged.
    h.clock.now = T0 + 60_000;
    await pub.publishAsync('t/bad/pump-3', '{"flow": {}, "pressure": 1}', { qos: 1 });
    await h.logged((l) => l.msg.includes('bad message') && l.unlogged === 3);
    expect(badLines().map((l) => l.msg)).toEqual([
      `mqtt broker (${h.config.url}): bad message: t/bad/pump-3: the payload is not JSON; its tags' samples are bad`,
      `mqtt broker (${h.config.url}): bad message: t/bad/pump-3: field flow: expected a number, got an object; the sample of each tag whose value or timestamp is unreadable is bad, the others' are read (and 3 more bad messages since the last of these lines, logged at most once a minute)`,
    ]);
  });

  it('a tag published on change (hold_ms) is sent again every publish interval while it holds, on its own', async () => {
    const h = harness({
      publish_interval_ms: 50,
      tags: [
        { channel: 'flow', topic: 't/held/pump-3/flow' },
        { channel: 'temperature', topic: 't/held/pump-3/temperature', hold_ms: 60_000 },
      ],
    });
    await h.start();
    const pub = await publisher();
    await pub.publishAsync('t/held/pump-3/temperature', '41.5', { qos: 1 });
    expect(await h.batchesFrom(0, 1)).toEqual([[sample('temperature', 41.5, T0)]]);
    // The gateway's clock moves on a second: the held value comes again, stamped then (the flow tag is not held).
    h.clock.now = T0 + 1000;
    expect(await h.batchesFrom(1, 1)).toEqual([[sample('temperature', 41.5, T0 + 1000, { received: T0 + 1000 })]]);
    h.clock.now = T0 + 2000;
    await pub.publishAsync('t/held/pump-3/flow', '7', { qos: 1 });
    const next = await h.batchesFrom(2, 2);
    expect(next).toContainEqual([sample('flow', 7, T0 + 2000, { received: T0 + 2000 })]);
    expect(next).toContainEqual([sample('temperature', 41.5, T0 + 2000, { received: T0 + 2000 })]);
    expect(h.batches.flat().filter((s) => s.channel === 'flow')).toHaveLength(1);
    // Readings that came and values sent again are counted apart.
    const resent = h.batches.flat().filter((s) => s.channel === 'temperature').length - 1;
    expect(resent).toBeGreaterThanOrEqual(2);
    expect(await count(h.metrics.heldSamples, { source: 'broker' })).toBe(resent);
    expect(await count(h.metrics.samples, { source: 'broker', quality: 'good' })).toBe(2);
  });

  it('after a broker restart it reconnects with backoff, subscribes again, and samples flow again', async () => {
    const h = harness({ tags: [{ channel: 'flow', topic: 't/restart/pump-3', field: 'flow' }] });
    await h.start();
    const before = await publisher();
    await before.publishAsync('t/restart/pump-3', '{"flow": 1}', { qos: 1 });
    await h.batchesFrom(0, 1);

    await broker().pause();
    await h.logged((l) => l.msg === `mqtt broker (${h.config.url}): connection lost; connecting again`);
    expect(h.source.connected).toBe(false);
    expect((await h.metrics.sourceConnected.get()).values).toEqual([{ labels: { source: 'broker' }, value: 0 }]);

    await broker().resume();
    const again = await h.logged((l) => l.msg.includes('subscribed to t/restart/pump-3 again'));
    expect(h.source.connected).toBe(true);
    // Every failed attempt (the lost connection, then connects refused while the broker was down) is counted.
    const reconnects = await count(h.metrics.sourceReconnects, { source: 'broker' });
    expect(reconnects).toBeGreaterThan(0);
    expect(again.msg).toBe(
      `mqtt broker (${h.config.url}): subscribed to t/restart/pump-3 again, after ${reconnects} failed attempt(s)`,
    );
    expect(await count(h.metrics.sourceErrors, { source: 'broker', kind: 'connection' })).toBe(reconnects);
    const after = await publisher();
    await after.publishAsync('t/restart/pump-3', '{"flow": 2}', { qos: 1 });
    expect(await h.batchesFrom(1, 1)).toEqual([[sample('flow', 2, T0)]]);
  });

  it('says since when it is subscribed or not and, while not, why (for /api/status; it said connected alone)', async () => {
    const h = harness({ tags: [{ channel: 'flow', topic: 't/state/pump-3', field: 'flow' }] });
    expect(h.source.connectionState()).toEqual({});
    await h.start();
    expect(h.source.connectionState()).toEqual({ since: T0 });

    h.clock.now = T0 + 1000;
    await broker().pause();
    try {
      await h.logged((l) => l.msg === `mqtt broker (${h.config.url}): connection lost; connecting again`);
      // Failures while it is down keep the time the outage began, and say the latest reason.
      h.clock.now = T0 + 2000;
      const down = h.source.connectionState();
      expect(down.since).toBe(T0 + 1000);
      const warned = h.logs.filter((l) => l.level === 40).map((l) => l.msg.replace(/; connecting again$/, ''));
      expect(warned).toContain(down.lastError);
    } finally {
      await broker().resume();
    }
    await h.logged((l) => l.msg.includes('subscribed to t/state/pump-3 again'));
    expect(h.source.connectionState()).toEqual({ since: T0 + 2000 });
  });

  it('with a persistent session, QoS 1 messages published while it was stopped arrive when it starts again', async () => {
    const settings = {
      client_id: 'linewatch-e2e-persistent',
      persistent_session: true,
      tags: [{ channel: 'flow', topic: 't/persist/pump-3', field: 'flow' }],
    };
    const first = harness(settings);
    await first.start();
    await first.source.stop();
    const pub = await publisher();
    for (const flow of [1, 2, 3]) await pub.publishAsync('t/persist/pump-3', JSON.stringify({ flow }), { qos: 1 });
    const second = harness(settings);
    await second.start();
    expect(await second.batchesFrom(0, 3)).toEqual([
      [sample('flow', 1, T0)],
      [sample('flow', 2, T0)],
      [sample('flow', 3, T0)],
    ]);
    expect(first.batches).toEqual([]);
  });

  it('two sources with one client_id (a copied config): said once as an error naming the id, quiet until one holds', async () => {
    const { said, loud, quiet, taken } = await twins('linewatch-e2e-twin', 't/twin/pump-3');
    expect(said.msg).toBe(
      `mqtt source broker: broker ${broker().url} closed the connection 3 times in a row within 5 s of opening it: ` +
        'most likely another client connects with the same client id linewatch-e2e-twin (two gateways with one ' +
        'client_id), and each takes the connection from the other; give each its own. Otherwise the broker restarts ' +
        'again and again, or refuses something this client does: see its log',
    );
    const after = loud.logs.length;
    // The other one stops: the connection holds, said once, and samples flow.
    await quiet.source.stop();
    await loud.logged((l) => l.msg.endsWith(': the connection holds again'));
    const since = loud.logs.slice(after);
    expect(since.filter(taken)).toEqual([]);
    expect(since.filter((l) => l.msg.includes('connecting again'))).toHaveLength(0);
    const pub = await publisher();
    await pub.publishAsync('t/twin/pump-3', '7');
    expect(await loud.batchesFrom(loud.batches.length, 1)).toEqual([[sample('flow', 7, T0)]]);
  }, 60_000);

  it('after a takeover was said, a broker that goes down is said as any failure (a refused connect is no takeover)', async () => {
    const { loud } = await twins('linewatch-e2e-twin-down', 't/twin2/pump-3');
    const from = loud.logs.length;
    await broker().pause();
    try {
      const said = await until(loud.seen, 'log', () =>
        loud.logs.slice(from).find((l) => l.level === 40 && l.msg.endsWith('; connecting again')),
      );
      expect(said.msg).toMatch(/^mqtt broker \(mqtt:\/\/127\.0\.0\.1:\d+\): .+; connecting again$/);
    } finally {
      await broker().resume();
    }
  }, 60_000);

  it('readOnce: the latest message of every tag (retained ones at once), a tag without one bad with the reason', async () => {
    const pub = await publisher();
    await pub.publishAsync('t/once/pump-3', '{"flow": 4.5, "pressure": 1.25}', { qos: 1, retain: true });
    const h = harness({
      publish_interval_ms: 100,
      timeout_ms: 400,
      tags: [
        { channel: 'flow', topic: 't/once/pump-3', field: 'flow' },
        { channel: 'pressure', topic: 't/once/pump-3', field: 'pressure', unit: 'bar' },
        { channel: 'level', topic: 't/once/tank-1', field: 'level' },
      ],
    });
    expect(await h.source.readOnce()).toEqual([
      sample('flow', 4.5, T0),
      sample('pressure', 1.25, T0, { unit: 'bar' }),
      {
        source: 'broker',
        asset: 'pump-3',
        channel: 'level',
        ts: T0,
        value: Number.NaN,
        quality: 'bad',
        reason: `mqtt broker (${h.config.url}): no message on t/once/tank-1 within 500 ms`,
      },
    ]);
    expect(h.source.connected).toBe(false);
  });

  it('readOnce, protocol_version 4: a retained message too large to read is a bad sample, and nothing is left out or looked at later', async () => {
    const pub = await publisher();
    await pub.publishAsync('t/once/big', JSON.stringify({ flow: 1, pad: 'x'.repeat(100_000) }), {
      qos: 1,
      retain: true,
    });
    cleanups.push(() => pub.publishAsync('t/once/big', '', { qos: 1, retain: true }));
    const h = harness(
      { max_payload_bytes: 256, protocol_version: 4, tags: [{ channel: 'flow', topic: 't/once/big', field: 'flow' }] },
      { leftOutRetry: { minMs: 1, maxMs: 1 } },
    );
    const [read] = await h.source.readOnce();
    expect([read.quality, read.reason]).toEqual([
      'bad',
      `mqtt broker (${broker().url}): a publish on t/once/big of 100037 bytes is over the 66815 bytes a packet may take (max_payload_bytes and the longest topic): not read, the connection closed`,
    ]);
    expect(h.source.tagIssues()).toEqual([]);
    expect(h.logs.filter((l) => l.level === 50)).toEqual([]);
  });

  it('readOnce rejects, naming the source and the broker, when the broker cannot be reached', async () => {
    const h = harness({ url: 'mqtt://127.0.0.1:1', tags: [{ channel: 'flow', topic: 't/x' }] });
    await expect(h.source.readOnce()).rejects.toThrow(
      'mqtt broker (mqtt://127.0.0.1:1): connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('mqtt source over TLS with a client certificate', () => {
  it('connects with the TLS files of its config; a CA that did not sign the broker is named in the log', async () => {
    const tlsBroker = await startMosquitto({ tls: true });
    cleanups.push(() => tlsBroker.stop());
    const t = tlsBroker.tls!;
    const tls = { ca_file: t.caFile, cert_file: t.clientCert, key_file: t.clientKey };
    const h = harness({ url: t.url, ...tls, tags: [{ channel: 'flow', topic: 't/tls/pump-3', field: 'flow' }] });
    await h.start();
    const pub = await publisher(t.url, {
      ca: await readFile(t.caFile),
      cert: await readFile(t.clientCert),
      key: await readFile(t.clientKey),
    });
    await pub.publishAsync('t/tls/pump-3', '{"flow": 7}', { qos: 1 });
    expect(await h.batchesFrom(0, 1)).toEqual([[sample('flow', 7, T0)]]);

    const wrongCa = makeTestCa(await mkdtemp(join(tmpdir(), 'lw-mqtt-ca-')), 'other').cert;
    const refused = harness({ url: t.url, ...tls, ca_file: wrongCa, tags: [{ channel: 'flow', topic: 't/tls/x' }] });
    void refused.source.start(() => undefined);
    const line = await refused.logged((l) => l.level === 40);
    expect(line.msg).toBe(
      `mqtt broker (${t.url}): the broker's TLS certificate is not trusted: ca_file ${wrongCa} holds no CA that signed it (self-signed certificate in certificate chain); connecting again`,
    );
    expect(refused.source.connected).toBe(false);
  });
});
