/**
 * Regression (pilot walk): a restart within a minute gave that minute two summaries with one id,
 * `<gateway>/<asset>/<minute>`: the one the stop flushed (with an alarm raised) and the next run's. A consumer that
 * drops duplicates by id kept only the first, and the Telegraf consumer (keyed on minute, gateway and asset) let the
 * second overwrite the first: the raised alarm vanished from central data. Now each run's summaries carry its start
 * (`run`, in the id): both arrive with their own ids, to be added. A real mosquitto; the clock is the test's.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { suiteServer } from '../helpers/suite-server.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import type { AlarmEvent, ScoreResult } from '../../src/core/types.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

const broker = suiteServer(startMosquitto);

const MINUTE = Date.parse('2026-12-06T15:29:00Z');
const identity = { gateway: 'gw-r', site: 's', line: 'l', version: '0.1.0', models: () => [] };

const score = (ts: number, value: number): ScoreResult => ({
  asset: 'pump-1',
  model: 'm',
  modelVersion: '1',
  ts,
  score: value,
  threshold: 2,
  anomalous: value > 2,
  contributions: [],
});

const raised = (ts: number): AlarmEvent => ({
  asset: 'pump-1',
  alarm: 'anomaly',
  priority: 'high',
  state: 'unack_active',
  previous: 'normal',
  ts,
  cause: 'condition',
  conditionActive: true,
  score: 3,
  threshold: 2,
  topChannels: [],
  message: 'raised',
});

/**
 * One run of the gateway's sync, started at `startedAt`: once `online` (its birth) resolves, writes the records, then
 * stops (its goodbye flushes the minute it is in).
 */
async function run(
  startedAt: number,
  online: () => Promise<unknown>,
  scores: ScoreResult[],
  alarms: AlarmEvent[],
): Promise<void> {
  const sync = new MqttSync(mqttSyncSchema.parse({ url: broker().url }), identity, {
    logger: silentLogger(),
    metrics: new GatewayMetrics(),
    queue: new MemoryQueue(1 << 20),
    now: () => startedAt,
  });
  await sync.start();
  await online();
  sync.write({ samples: [], scores, alarms });
  await sync.close(); // flushes the minute it is in
}

describe('minute summaries across a restart within the minute', () => {
  it('both runs’ summaries of the minute arrive, with their own ids and runs, and add up', async () => {
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-summaries' });
    await consumer.subscribeAsync('linewatch/gw-r/#', { qos: 1 });
    const summaries: Record<string, any>[] = [];
    let births = 0;
    consumer.on('message', (topic, payload) => {
      const msg = JSON.parse(payload.toString());
      if (topic.endsWith('/status')) births += msg.state === 'online' ? 1 : 0;
      else if (topic.includes('/summary/')) summaries.push(msg);
    });
    const birth = (n: number) => async () => {
      while (births < n) await new Promise((r) => consumer.once('message', r));
    };
    try {
      const first = MINUTE + 5_000;
      await run(first, birth(1), [score(MINUTE + 10_000, 1), score(MINUTE + 11_000, 3)], [raised(MINUTE + 11_000)]);
      const second = MINUTE + 25_000; // restarted 25 s into the same minute
      await run(second, birth(2), [score(MINUTE + 30_000, 1)], []);
      while (summaries.length < 2) await new Promise((r) => consumer.once('message', r));
      const minute = new Date(MINUTE).toISOString();
      const runs = [first, second].map((t) => new Date(t).toISOString());
      expect(summaries.map((s) => [s.id, s.minute, s.run])).toEqual([
        [`gw-r/pump-1/${minute}/${runs[0]}`, minute, runs[0]],
        [`gw-r/pump-1/${minute}/${runs[1]}`, minute, runs[1]],
      ]);
      // Before: one id; dropping the second by id, or overwriting the first with it, lost the raised alarm.
      const byId = new Map(summaries.map((s) => [s.id, s]));
      const sum = (f: (s: Record<string, any>) => number) => [...byId.values()].reduce((n, s) => n + f(s), 0);
      expect([sum((s) => s.windows), sum((s) => s.alarms.raised)]).toEqual([3, 1]);
    } finally {
      await consumer.endAsync();
    }
  });
});
