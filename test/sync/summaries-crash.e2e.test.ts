/**
 * Regression (the last session's closing note): a minute's summary was built in memory and queued when the minute was
 * over, so a gateway killed mid-minute (kill -9) lost it, and with it the alarm raised in that minute, from the fleet's
 * summaries. Now the minute is kept beside the disk queue (open-minutes.ts) and the next start queues its summary,
 * under the crashed run. A real mosquitto; the crashed run is a child process killed with SIGKILL; the clocks are
 * the test's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/buffer/sqlite-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { OpenMinutesFile, openMinutesFile } from '../../src/sync/open-minutes.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { suiteServer } from '../helpers/suite-server.js';

const broker = suiteServer(startMosquitto);

const MINUTE = Date.parse('2026-12-06T16:41:00Z');
const identity = { gateway: 'gw-crash', site: 's', line: 'l', version: '0.1.0', models: () => [] };

/** The crashed run: started 5 s into the minute, writes a score and an alarm raise, killed once they are written. */
async function crashedRun(path: string, startedAt: number): Promise<void> {
  const child = spawn(process.execPath, [
    join(__dirname, '../helpers/cloud-sync-child.mjs'),
    path,
    broker().url,
    String(startedAt),
  ]);
  const exited = new Promise((r) => child.on('exit', r));
  for await (const line of createInterface({ input: child.stdout })) if (line === 'written') break;
  child.kill('SIGKILL');
  await exited;
}

describe('minute summaries across a crash (kill -9) within the minute', () => {
  it('the next start queues the crashed run’s minute, the alarm raised in it included', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-summary-crash-')), 'cloud.queue.db');
    const consumer = await mqtt.connectAsync(broker().url, { clientId: 'consumer-crash-summaries' });
    await consumer.subscribeAsync('linewatch/gw-crash/#', { qos: 1 });
    const summaries: Record<string, any>[] = [];
    const births: string[] = []; // each online status's ts: when the run that published it started
    consumer.on('message', (topic, payload) => {
      const msg = JSON.parse(payload.toString());
      if (topic.includes('/summary/')) summaries.push(msg);
      else if (topic.endsWith('/status') && msg.state === 'online') births.push(msg.ts);
    });
    try {
      const first = MINUTE + 5_000;
      await crashedRun(path, first);
      expect(existsSync(openMinutesFile(path))).toBe(true);
      const second = MINUTE + 20_000; // restarted 20 s into the same minute
      const sync = new MqttSync(mqttSyncSchema.parse({ url: broker().url }), identity, {
        logger: silentLogger(),
        metrics: new GatewayMetrics(),
        queue: new SqliteQueue({ path, maxBytes: 1 << 20 }),
        now: () => second,
        openMinutes: new OpenMinutesFile(openMinutesFile(path), false),
      });
      await sync.start();
      while (!births.includes(new Date(second).toISOString())) await new Promise((r) => consumer.once('message', r));
      const score = { model: 'm', modelVersion: '1', threshold: 2, anomalous: false, contributions: [] };
      sync.write({ samples: [], scores: [{ ...score, asset: 'pump-1', ts: MINUTE + 30_000, score: 1 }], alarms: [] });
      await sync.close(); // flushes its own minute
      const minute = new Date(MINUTE).toISOString();
      const runs = [first, second].map((t) => new Date(t).toISOString());
      // The second run's own summary is queued after the crashed run's: once it is here, so is that one.
      while (!summaries.some((s) => s.run === runs[1])) await new Promise((r) => consumer.once('message', r));
      // Before: only the second run's summary came; the crashed run's minute, and its raised alarm, were lost.
      expect(summaries.map((s) => [s.id, s.run, s.windows, s.alarms])).toEqual([
        [`gw-crash/pump-1/${minute}/${runs[0]}`, runs[0], 1, { raised: 1, transitions: { unack_active: 1 } }],
        [`gw-crash/pump-1/${minute}/${runs[1]}`, runs[1], 1, { raised: 0, transitions: {} }],
      ]);
      expect(existsSync(openMinutesFile(path))).toBe(false); // all queued, and sent
    } finally {
      await consumer.endAsync();
    }
  });
});
