/**
 * What the gateway subscribes to its bus at start (src/runtime/gateway-wiring.ts), with stand-ins
 * that record each call: on every topic logging first, sinks next, actions last (journaled before
 * dispatched: with a real local store, an action sees its transition on disk, or the commit failed);
 * everything unsubscribed by the function it returns; subscriber errors counted and logged.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlarmAction } from '../../src/actions/alarm-action.js';
import type { Sink, SinkRecords } from '../../src/core/components.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { HealthPoint, PartResult, ScoreResult } from '../../src/core/types.js';
import type { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { subscriberErrorReporter, wireGateway, type GatewayTopics } from '../../src/runtime/gateway-wiring.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { localStoreSchema } from '../../src/sinks/local/schema.js';
import { SqliteStore } from '../../src/sinks/local/sqlite-store.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { sampleRun } from '../../src/testing/samples.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { INJECTED, sqliteFault } from '../helpers/sqlite-fault.js';

const TOPICS = ['samples', 'scores', 'parts', 'alarm', 'model', 'health', 'journalGap'] as const;

/** A bus wired to two sinks, a pipeline, an alarm action and a part action per asset, all recording into `calls`. */
function wired() {
  const calls: string[] = [];
  const writes: { sink: string; records: SinkRecords }[] = [];
  const logger = createLogger('debug', {
    write: (line: string) => calls.push(`log ${JSON.parse(line).msg}`),
  } as unknown as NodeJS.WritableStream);
  const onError = (topic: string, error: unknown) => calls.push(`error on ${topic}: ${String(error)}`);
  const bus = new EventBus<GatewayTopics>(onError);
  const sink = (name: string) =>
    ({
      name,
      write: (records: SinkRecords) => {
        calls.push(`sink ${name}`);
        writes.push({ sink: name, records });
      },
    }) as unknown as Sink;
  const pipeline = { push: (batch: readonly unknown[]) => calls.push(`pipeline ${batch.length} samples`) };
  const action = (asset: string, writesToDevice = false) =>
    ({
      asset,
      writesToDevice,
      dispatch: (e: { state: string }) => calls.push(`action ${asset} ${e.state}`),
      dispatchPart: (p: PartResult) => calls.push(`part ${writesToDevice ? 'write' : 'action'} ${asset} ${p.partId}`),
    }) as unknown as AlarmAction;
  const unwire = wireGateway(bus, {
    pipelines: [pipeline as unknown as AssetPipeline],
    sinks: [sink('local'), sink('influxdb')],
    actions: [action('pump-1'), action('press-1')],
    partActions: [action('press-1'), action('press-1', true)],
    logger,
    onError,
  });
  return { bus, calls, writes, unwire };
}

const score = { asset: 'pump-1', score: 0.5, threshold: 1 } as ScoreResult;
const part = (partId: string, verdict: PartResult['verdict']): PartResult => ({
  asset: 'press-1',
  partId,
  ts: 1,
  verdict,
  topChannels: [],
  model: 'press-ae',
});

describe('wireGateway', () => {
  it('gives samples to the pipelines, then to the sinks', () => {
    const { bus, calls, writes } = wired();
    const samples = sampleRun(3, 0);
    bus.publish('samples', samples);
    expect(calls).toEqual(['pipeline 3 samples', 'sink local', 'sink influxdb']);
    expect(writes[0]).toEqual({ sink: 'local', records: { samples, scores: [], alarms: [] } });
  });

  it('logs scores, then stores them', () => {
    const { bus, calls, writes } = wired();
    bus.publish('scores', [score]);
    expect(calls).toEqual(['log windows scored', 'sink local', 'sink influxdb']);
    expect(writes[1]).toEqual({ sink: 'influxdb', records: { samples: [], scores: [score], alarms: [] } });
  });

  it('logs an alarm transition, journals it in every sink, then dispatches it to the actions of its asset only', () => {
    const { bus, calls, writes } = wired();
    const event = anomalyEvent('unack_active', { message: 'pump-1 anomaly raised' });
    bus.publish('alarm', event);
    expect(calls).toEqual(['log pump-1 anomaly raised', 'sink local', 'sink influxdb', 'action pump-1 unack_active']);
    expect(writes[0].records).toEqual({ samples: [], scores: [], alarms: [event] });
  });

  it('logs the parts that did not pass, stores all, then dispatches each to the part actions of its asset', () => {
    const { bus, calls, writes } = wired();
    const parts = [part('17', 'pass'), part('18', 'fail')];
    bus.publish('parts', parts);
    expect(calls).toEqual([
      'log press-1: part 18 fail',
      'sink local',
      'sink influxdb',
      'part action press-1 17',
      'part action press-1 18',
      'part write press-1 17',
      'part write press-1 18',
    ]);
    expect(writes[0].records).toEqual({ samples: [], scores: [], alarms: [], parts });
  });

  it('a part the counter skipped (made unseen) is stored and told to the message actions, never written to a device', () => {
    const { bus, calls, writes } = wired();
    // Its record comes just before the next part's: a reject gate written for it would act on that next part.
    const missed: PartResult = { ...part('19', 'unknown'), reason: 'made while its readings were lost', missed: true };
    bus.publish('parts', [missed, part('20', 'pass')]);
    expect(calls.filter((c) => c.startsWith('part '))).toEqual([
      'part action press-1 19',
      'part action press-1 20',
      'part write press-1 20',
    ]);
    expect(writes[0].records.parts).toEqual([missed, part('20', 'pass')]);
  });

  it('stores model updates (a copy of each); health points are not stored through the bus', () => {
    const { bus, calls, writes } = wired();
    const update: ModelUpdateEvent = {
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.1.0',
      previousVersion: '1.0.0',
      outcome: 'applied',
      ts: 5,
    };
    const health: HealthPoint[] = [{ ts: 5, fields: { samples_total: 3 } }];
    bus.publish('model', update);
    // Each sink gets them at its own interval from the gateway (health-schedule.ts), not at every publish.
    bus.publish('health', health);
    expect(calls).toEqual(['sink local', 'sink influxdb']);
    expect(writes.map((w) => w.records)).toEqual([
      { samples: [], scores: [], alarms: [], modelUpdates: [update] },
      { samples: [], scores: [], alarms: [], modelUpdates: [update] },
    ]);
    expect(writes[0].records.modelUpdates![0]).not.toBe(update);
  });

  it('stores each gap the alarm journal recorded, as a record of its own, in every sink', () => {
    const { bus, calls, writes } = wired();
    const gap = { asset: 'pump-1', alarm: 'anomaly', dropped: 2, from: 3, to: 4, ts: 5, message: '2 transition(s)' };
    bus.publish('journalGap', gap);
    expect(calls).toEqual(['sink local', 'sink influxdb']);
    expect(writes[1]).toEqual({
      sink: 'influxdb',
      records: { samples: [], scores: [], alarms: [], journalGaps: [gap] },
    });
  });

  it('runs a subscriber added later after its own, and unsubscribes only its own when undone', () => {
    const { bus, calls, unwire } = wired();
    bus.subscribe('scores', () => calls.push('console'));
    bus.publish('scores', [score]);
    expect(calls.at(-1)).toBe('console');
    unwire();
    expect(TOPICS.map((t) => bus.subscriberCount(t))).toEqual([0, 1, 0, 0, 0, 0, 0]);
    calls.length = 0;
    bus.publish('alarm', anomalyEvent('unack_active'));
    bus.publish('scores', [score]);
    expect(calls).toEqual(['console']);
  });
});

/**
 * A bus wired to a real local store and pump-1's alarm action, which notes at each dispatch how many journal rows
 * another connection (the next start) reads.
 */
async function wiredToStore() {
  const path = join(mkdtempSync(join(tmpdir(), 'lw-wiring-')), 'store.db');
  const store = new SqliteStore(localStoreSchema.parse({ path }), {
    logger: silentLogger(),
    metrics: new GatewayMetrics(),
    flushIntervalMs: 3_600_000,
  });
  await store.start();
  const onDisk = () => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM alarm_journal').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const dispatched: string[] = [];
  const errors: string[] = [];
  const bus = new EventBus<GatewayTopics>((topic, error) => errors.push(`${topic}: ${String(error)}`));
  const action = {
    asset: 'pump-1',
    dispatch: (e: { state: string }) => dispatched.push(`${e.state}, ${onDisk()} journal row(s) on disk`),
  } as unknown as AlarmAction;
  wireGateway(bus, {
    pipelines: [],
    sinks: [store],
    actions: [action],
    partActions: [],
    logger: silentLogger(),
    onError: (topic, error) => errors.push(`${topic}: ${String(error)}`),
  });
  return { path, store, bus, dispatched, errors };
}

describe('wireGateway with a local store', () => {
  it('dispatches an alarm transition to the actions once the store has it on disk', async () => {
    const w = await wiredToStore();
    try {
      w.bus.publish('alarm', anomalyEvent('unack_active'));
      w.bus.publish('alarm', anomalyEvent('ack_active', { previous: 'unack_active' }));
      expect(w.dispatched).toEqual([]); // the commit runs after this turn
      await w.store.journaled(); // the wiring waits on the same commit, and was first to
      expect(w.dispatched).toEqual(['unack_active, 2 journal row(s) on disk', 'ack_active, 2 journal row(s) on disk']);
      expect(w.errors).toEqual([]);
    } finally {
      await w.store.close();
    }
  });

  it('dispatches it all the same where the commit failed (a full disk does not keep a stack light dark)', async () => {
    const w = await wiredToStore();
    const fault = sqliteFault(w.path, 'alarm_journal').failInserts();
    try {
      w.bus.publish('alarm', anomalyEvent('unack_active'));
      await expect(w.store.journaled()).rejects.toThrow(new Error(`local store ${w.path}: write failed: ${INJECTED}`));
      expect(w.dispatched).toEqual(['unack_active, 0 journal row(s) on disk']);
      expect(w.errors).toEqual([]);
    } finally {
      fault.heal();
      await w.store.close();
    }
  });
});

describe('subscriberErrorReporter', () => {
  it('counts every error per topic and logs it with the topic once while it repeats', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', {
      write: (line: string) => lines.push(JSON.parse(line)),
    } as unknown as NodeJS.WritableStream);
    const metrics = new GatewayMetrics();
    const report = subscriberErrorReporter({ logger, metrics });
    report('scores', new Error('console closed'));
    report('scores', new Error('console closed'));
    report('alarm', new Error('console closed'));
    report('scores', 'not an Error');
    const counted = (await metrics.eventSubscriberErrors.get()).values.map((v) => [v.labels.topic, v.value]);
    expect(counted).toEqual([
      ['scores', 3],
      ['alarm', 1],
    ]);
    expect(lines.map((l) => [l.level, l.component, l.topic, l.msg])).toEqual([
      [50, 'events', 'scores', 'a subscriber to scores failed: console closed (the other subscribers ran)'],
      [50, 'events', 'alarm', 'a subscriber to alarm failed: console closed (the other subscribers ran)'],
      [50, 'events', 'scores', 'a subscriber to scores failed: not an Error (the other subscribers ran)'],
    ]);
    expect(lines[0].stack).toMatch(/^Error: console closed\n/);
  });
});
