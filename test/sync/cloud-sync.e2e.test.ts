/**
 * Edge–cloud sync against a real mosquitto: birth and goodbye status, summaries, alarm and part
 * messages with stable ids; and a broker stopped for a while under load, then started: every
 * message arrives, in order per asset, duplicates only where QoS 1 allows (dropped by id).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { suiteServer } from '../helpers/suite-server.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { SqliteQueue } from '../../src/buffer/sqlite-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import type { AlarmEvent, ScoreResult } from '../../src/core/types.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

const OUTAGE_S = Number(process.env.LINEWATCH_OUTAGE_S ?? 60);
const broker = suiteServer(startMosquitto);

const identity = {
  gateway: 'gw-7',
  site: 's',
  line: 'l',
  version: '0.1.0',
  models: () => [{ asset: 'pump-1', model: 'pump-ae', version: '1', drivingVersion: '1' }],
};
const alarm = (asset: string, n: number, ts: number): AlarmEvent => ({
  asset,
  alarm: 'anomaly',
  priority: 'high',
  state: n % 2 ? 'normal' : 'unack_active',
  previous: n % 2 ? 'unack_active' : 'normal',
  ts,
  cause: 'condition',
  conditionActive: n % 2 === 0,
  score: n,
  threshold: 1,
  topChannels: [],
  message: `event ${n}`,
});

describe('cloud sync over MQTT', () => {
  it('says since when and why the broker cannot be reached (/api/status), and nothing once it is', async () => {
    const proxy = await startTcpProxy(broker().port);
    proxy.setUp(false);
    // A gateway of its own: its retained status stays off the topics the other tests read.
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: `mqtt://127.0.0.1:${proxy.port}` }),
      { ...identity, gateway: 'gw-unreachable' },
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    try {
      await sync.start();
      await expect
        .poll(() => sync.failing(), { timeout: 20_000 })
        .toMatchObject({
          since: expect.any(Number),
          error: expect.stringMatching(/^cloud broker mqtt:\/\/127\.0\.0\.1:\d+/),
        });
      proxy.setUp(true);
      await expect.poll(() => sync.failing(), { timeout: 20_000 }).toBeUndefined();
    } finally {
      await sync.close();
      await proxy.close();
    }
  }, 60_000);

  it('closes within its publish timeouts when the broker went silent (its goodbye and the end never acknowledged)', async () => {
    const proxy = await startTcpProxy(broker().port);
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-silent' });
    await consumer.subscribeAsync('linewatch/gw-silent/status', { qos: 1 });
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: `mqtt://127.0.0.1:${proxy.port}`, publish_timeout_ms: 500 }),
      { ...identity, gateway: 'gw-silent' },
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    try {
      const birth = new Promise((resolve) => consumer.once('message', resolve));
      await sync.start();
      await birth; // connected
      proxy.stall(true);
      const started = Date.now();
      await sync.close(); // waited for good before: a goodbye without PUBACK, then an end waiting for it
      expect(Date.now() - started).toBeLessThan(500 + 500 + 1000);
    } finally {
      await sync.close();
      proxy.stall(false);
      await proxy.close();
      await consumer.endAsync();
    }
  }, 30_000);

  it('publishes birth, summaries, alarms and parts with stable ids, and says goodbye', async () => {
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-basic' });
    await consumer.subscribeAsync('linewatch/gw-7/#', { qos: 1 });
    const got: { topic: string; msg: Record<string, unknown> }[] = [];
    consumer.on('message', (topic, payload) => got.push({ topic, msg: JSON.parse(payload.toString()) }));
    const sync = new MqttSync(mqttSyncSchema.parse({ url: broker().url }), identity, {
      logger: silentLogger(),
      metrics: new GatewayMetrics(),
      queue: new MemoryQueue(1 << 20),
    });
    await sync.start();
    while (!got.some((g) => g.topic === 'linewatch/gw-7/status')) await new Promise((r) => consumer.once('message', r));
    // Three minutes back, at the start of a minute: summaries are per minute, so the scores and the
    // alarm below fall into one summary whatever the clock says (a minute boundary between them
    // split them over two summaries once in CI).
    const t0 = Math.floor((Date.now() - 180_000) / 60_000) * 60_000 + 1000;
    const scores: ScoreResult[] = [1, 2, 3].map((s, i) => ({
      asset: 'pump-1',
      model: 'm',
      modelVersion: '1',
      ts: t0 + i * 1000,
      score: s,
      threshold: 2,
      anomalous: s > 2,
      contributions: [],
    }));
    sync.write({
      samples: [],
      scores,
      alarms: [alarm('pump-1', 0, t0 + 5000)],
      parts: [
        { asset: 'press-1', partId: '42', ts: t0 + 6000, verdict: 'fail', topChannels: ['force'], model: 'press-ae' },
      ],
    });
    await sync.close();
    while (!got.some((g) => g.topic === 'linewatch/gw-7/status' && g.msg.state === 'offline'))
      await new Promise((r) => consumer.once('message', r));
    await consumer.endAsync();
    const topics = got.map((g) => g.topic);
    expect(topics).toContain('linewatch/gw-7/alarm/pump-1');
    expect(topics).toContain('linewatch/gw-7/part/press-1');
    const summary = got.find((g) => g.topic === 'linewatch/gw-7/summary/pump-1')!.msg;
    expect(summary).toMatchObject({
      schema: 'linewatch.summary/1',
      windows: 3,
      score: { min: 1, max: 3, mean: 2 },
      alarms: { raised: 1 },
    });
    expect(String(summary.id)).toMatch(/^gw-7\/pump-1\/\d{4}-\d\d-\d\dT/);
    const birth = got.find((g) => g.topic === 'linewatch/gw-7/status')!.msg;
    expect(birth).toMatchObject({ state: 'online', gateway: 'gw-7', version: '0.1.0', models: identity.models() });
    expect(got.find((g) => g.topic === 'linewatch/gw-7/part/press-1')!.msg).toMatchObject({
      id: `gw-7/press-1/42/${t0 + 6000}`,
      verdict: 'fail',
    });
  });

  it('says offline in its last will without models (set when the sync started), and names them in its goodbye', async () => {
    const proxy = await startTcpProxy(broker().port);
    const started = Date.parse('2026-12-06T15:28:09Z');
    let clock = started;
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-will' });
    await consumer.subscribeAsync('linewatch/gw-9/status', { qos: 1 });
    const statuses: Record<string, unknown>[] = [];
    consumer.on('message', (_topic, payload) => statuses.push(JSON.parse(payload.toString())));
    const next = async (n: number) => {
      while (statuses.length < n) await new Promise((r) => consumer.once('message', r));
      return statuses[n - 1];
    };
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: `mqtt://127.0.0.1:${proxy.port}` }),
      { ...identity, gateway: 'gw-9' },
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20), now: () => clock },
    );
    try {
      await sync.start();
      expect(await next(1)).toMatchObject({ state: 'online', models: identity.models() });
      clock += 76_000; // the link is cut 76 s after the sync started
      proxy.setUp(false); // Fault: the connection drops with no goodbye (the gateway killed, its link cut).
      const will = await next(2);
      expect([will.state, 'models' in will]).toEqual(['offline', false]);
      // Before: `ts` gave the start (the will is set then) as if it were when the gateway went offline.
      expect('ts' in will).toBe(false);
      expect(will.startedAt).toBe(new Date(started).toISOString());
      proxy.setUp(true);
      expect(await next(3)).toMatchObject({ state: 'online', models: identity.models() });
      await sync.close();
      expect(await next(4)).toMatchObject({ state: 'offline', models: identity.models() });
    } finally {
      await sync.close();
      await consumer.endAsync();
      await proxy.close();
    }
  });

  it('publishes its retained status again when an asset runs another model or ends a probation (applied, rolled back, confirmed)', async () => {
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-status' });
    await consumer.subscribeAsync('linewatch/gw-8/status', { qos: 1 });
    const statuses: Record<string, unknown>[] = [];
    consumer.on('message', (_topic, payload) => statuses.push(JSON.parse(payload.toString())));
    let running = '1.0.0';
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker().url }),
      {
        ...identity,
        gateway: 'gw-8',
        models: () => [{ asset: 'pump-1', model: 'pump-ae', version: running, drivingVersion: running }],
      },
      { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    try {
      await sync.start();
      while (!statuses.some((m) => m.state === 'online')) await new Promise((r) => consumer.once('message', r));
      running = '2.0.0';
      const update = { asset: 'pump-1', model: 'pump-ae', previousVersion: '1.0.0', ts: Date.now() };
      const report = (version: string, outcome: 'applied' | 'rejected' | 'rolled_back' | 'confirmed') =>
        sync.write({ samples: [], scores: [], alarms: [], modelUpdates: [{ ...update, version, outcome }] });
      report('2.0.0', 'applied');
      while (statuses.length < 2) await new Promise((r) => consumer.once('message', r));
      expect(statuses[1]).toMatchObject({ state: 'online', models: [{ asset: 'pump-1', version: '2.0.0' }] });
      // A rejected release changes nothing: no status for it.
      report('3.0.0', 'rejected');
      running = '1.0.0';
      report('2.0.0', 'rolled_back');
      while (statuses.length < 3) await new Promise((r) => consumer.once('message', r));
      expect(statuses.map((m) => (m.models as { version: string }[])[0].version)).toEqual(['1.0.0', '2.0.0', '1.0.0']);
      // A confirmation ends a probation (shadowed, the release's results drive the alarms from then on): a status too.
      report('1.0.0', 'confirmed');
      while (statuses.length < 4) await new Promise((r) => consumer.once('message', r));
      expect(statuses).toHaveLength(4);
    } finally {
      await sync.close();
      await consumer.endAsync();
    }
  });

  /** Publishes numbered alarm events for two assets every 20 ms through `sync`; returns their ids. */
  function load(sync: MqttSync): { ids: string[]; stop(): void } {
    const ids: string[] = [];
    let n = 0;
    const t0 = Date.now();
    const timer = setInterval(() => {
      for (const asset of ['pump-1', 'pump-2']) {
        const e = alarm(asset, n, t0 + n);
        ids.push(`gw-7/${asset}/anomaly/${e.ts}/${e.state}`);
        sync.write({ samples: [], scores: [], alarms: [e] });
      }
      n++;
    }, 20);
    return { ids, stop: () => clearInterval(timer) };
  }

  async function collect(consumer: mqtt.MqttClient, received: string[], wanted: readonly string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (wanted.some((id) => !received.includes(id)) && Date.now() < deadline)
      await Promise.race([new Promise((r) => consumer.once('message', r)), new Promise((r) => setTimeout(r, 1000))]);
  }

  function expectInOrder(received: string[], ids: readonly string[]): void {
    const unique = [...new Set(received)];
    for (const asset of ['pump-1', 'pump-2']) {
      const mine = (list: readonly string[]) => list.filter((id) => id.startsWith(`gw-7/${asset}/`));
      expect(mine(unique)).toEqual(mine(ids));
    }
  }

  it(
    `broker unreachable for ${OUTAGE_S} s under load: every message arrives, in order per asset`,
    async () => {
      // Fault injection: the network between gateway and broker goes down; the broker stays up.
      const proxy = await startTcpProxy(broker().port);
      const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-outage' });
      await consumer.subscribeAsync('linewatch/gw-7/alarm/#', { qos: 1 });
      const received: string[] = [];
      consumer.on('message', (_t, payload) =>
        received.push(String((JSON.parse(payload.toString()) as { id: string }).id)),
      );
      const queue = new SqliteQueue({
        path: join(mkdtempSync(join(tmpdir(), 'lw-cloud-q-')), 'cloud.queue.db'),
        maxBytes: 1 << 30,
      });
      const sync = new MqttSync(
        mqttSyncSchema.parse({ url: `mqtt://127.0.0.1:${proxy.port}`, publish_timeout_ms: 2000 }),
        identity,
        // The proxy down accepts each connection and closes it unanswered, which slows the reconnects down (up to a
        // minute apart by default: reconnect-pacing.ts); kept at the reconnect period here, this test is about what
        // is queued and delivered, not about the pace.
        {
          logger: silentLogger(),
          metrics: new GatewayMetrics(),
          queue,
          refusalBackoff: { maxMs: 1000, holdMs: 5000 },
        },
      );
      await sync.start();
      const producer = load(sync);
      await new Promise((r) => setTimeout(r, 2000));
      proxy.setUp(false);
      const atCut = producer.ids.length;
      await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
      const queued = queue.stats().records;
      proxy.setUp(true);
      // Two more seconds of alarms while the backlog drains, then until the queue is empty: a close before it would
      // keep the rest for the next start (as it should), which a loaded machine reached with 972 still queued.
      await new Promise((r) => setTimeout(r, 2000));
      producer.stop();
      await expect.poll(() => queue.stats().records, { timeout: 60_000, interval: 200 }).toBe(0);
      await sync.close();
      await collect(consumer, received, producer.ids);
      await consumer.endAsync();
      await proxy.close();
      const unique = new Set(received);
      process.stdout.write(
        `mqtt outage: ${producer.ids.length} alarm messages, ${producer.ids.length - atCut} during and after ${OUTAGE_S} s without the broker (${queued} queued at its end); ${unique.size} arrived, ${received.length - unique.size} duplicates (dropped by id)\n`,
      );
      expect(unique).toEqual(new Set(producer.ids));
      expectInOrder(received, producer.ids);
    },
    (OUTAGE_S + 150) * 1000,
  );

  it(
    `broker stopped for ${OUTAGE_S} s and started again: everything it had not acknowledged is sent again and arrives`,
    async () => {
      const consumer = await mqtt.connectAsync(broker().url, {
        clientId: 'consumer-restart',
        clean: false,
        reconnectPeriod: 300,
      });
      await consumer.subscribeAsync('linewatch/gw-7/alarm/#', { qos: 1 });
      const received: string[] = [];
      consumer.on('message', (_t, payload) =>
        received.push(String((JSON.parse(payload.toString()) as { id: string }).id)),
      );
      const queue = new SqliteQueue({
        path: join(mkdtempSync(join(tmpdir(), 'lw-cloud-q-')), 'cloud.queue.db'),
        maxBytes: 1 << 30,
      });
      const sync = new MqttSync(mqttSyncSchema.parse({ url: broker().url, publish_timeout_ms: 2000 }), identity, {
        logger: silentLogger(),
        metrics: new GatewayMetrics(),
        queue,
      });
      await sync.start();
      const producer = load(sync);
      await new Promise((r) => setTimeout(r, 1000));
      await broker().pause();
      const atStop = producer.ids.length;
      await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
      await broker().resume();
      await new Promise((r) => setTimeout(r, 2000));
      producer.stop();
      await sync.close();
      const ours = producer.ids.slice(atStop);
      await collect(consumer, received, ours);
      await consumer.endAsync();
      const lostByBroker = producer.ids.slice(0, atStop).filter((id) => !received.includes(id)).length;
      process.stdout.write(
        `mqtt broker restart: broker stopped ${OUTAGE_S} s; ${producer.ids.length} messages, ${ours.length} from the stop on (all must arrive, ${ours.filter((id) => received.includes(id)).length} did); ${lostByBroker} acknowledged by the broker before its stop did not survive its restart (the broker's own persistence)\n`,
      );
      expect(ours.filter((id) => !received.includes(id))).toEqual([]);
      expectInOrder(
        received.filter((id) => ours.includes(id)),
        ours,
      );
    },
    (OUTAGE_S + 90) * 1000,
  );
});

describe('cloud sync over TLS with a client certificate', () => {
  it('publishes to a broker that requires TLS and a client certificate (certificates made here with openssl)', async () => {
    const tlsBroker = await startMosquitto({ tls: true });
    try {
      const t = tlsBroker.tls!;
      const consumer = await mqtt.connectAsync(t.url, {
        ca: readFileSync(t.caFile),
        cert: readFileSync(t.clientCert),
        key: readFileSync(t.clientKey),
      });
      await consumer.subscribeAsync('linewatch/gw-7/alarm/#', { qos: 1 });
      const got = new Promise<string>((resolve) => consumer.once('message', (topic) => resolve(topic)));
      const sync = new MqttSync(
        mqttSyncSchema.parse({ url: t.url, ca_file: t.caFile, cert_file: t.clientCert, key_file: t.clientKey }),
        identity,
        { logger: silentLogger(), metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
      );
      await sync.start();
      sync.write({ samples: [], scores: [], alarms: [alarm('pump-1', 0, Date.now())] });
      expect(await got).toBe('linewatch/gw-7/alarm/pump-1');
      await sync.close();
      await consumer.endAsync();
      // Without a client certificate the broker refuses the connection.
      await expect(
        mqtt.connectAsync(t.url, { ca: readFileSync(t.caFile), reconnectPeriod: 0, connectTimeout: 3000 }),
      ).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    } finally {
      await tlsBroker.stop();
    }
  });
});
