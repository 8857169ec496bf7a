/**
 * A window scored on readings held over failed reads says so (adversarial review s33: a failed read holds the
 * channel's last good reading up to max_sample_age_ms, and the window scored on it carried no mark: its score went to
 * InfluxDB, the alarm and the cloud as if every channel had been read). Against a real Modbus TCP server
 * (register-plc.ts) whose register 5 (channel b) gives no answer for two polls (the reads time out): the source's
 * stamps from an injected clock, one second a poll; the asset's pipeline scores with a small pure model (the mean of
 * the window). No sleeps: each step waits for the source's batch, then for the pipeline to be idle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assetSchema } from '../../src/config/schema.js';
import type { Sample, ScoreResult } from '../../src/core/types.js';
import { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { scoreLine } from '../../src/sinks/influx/line-protocol.js';
import { ModbusSource } from '../../src/sources/modbus/modbus-source.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { localModbusTcp } from '../helpers/local-modbus-source.js';
import { silenceablePlc } from '../helpers/register-plc.js';
import { meanModel } from '../helpers/mean-score.js';
import { steppedPolls } from '../helpers/stepped-polls.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T0 = Date.UTC(2026, 0, 1);
const TAGS = { site: 'plant', line: 'l1', gateway: 'gw-1' };

/**
 * Polls `a` (register 0) and `b` (register 5) `polls` times, b's read unanswered at the polls in `silentAt`, into an
 * asset pipeline with sliding windows of 4 (align `align`); resolves with the scores, the metrics and the batches.
 */
async function run(polls: number, silentAt: ReadonlySet<number>, align: 'batch' | 'hold') {
  const holding = new Map([
    [0, 1],
    [5, 10],
  ]);
  const { plc, silent } = await silenceablePlc(holding, cleanups);
  let clock = T0;
  const metrics = new GatewayMetrics();
  const scores: ScoreResult[] = [];
  const pipeline = new AssetPipeline(
    assetSchema.parse({ name: 'press-1', model: 'mean', window: { align, max_sample_age_ms: 2500 } }),
    // The mean of the window (threshold 1000: never anomalous).
    meanModel({
      channels: ['a', 'b'],
      windowLength: 4,
      samplePeriodMs: 1000,
      threshold: 1000,
      contributions: [
        { channel: 'b', share: 0.5 },
        { channel: 'a', share: 0.5 },
      ],
    }),
    { onScores: (s) => scores.push(...s), onAlarm: () => undefined, onParts: () => undefined },
    { logger: silentLogger(), metrics },
  );
  const source = new ModbusSource(
    localModbusTcp(plc.port, {
      asset: 'press-1',
      poll_interval_ms: 10,
      timeout_ms: 150,
      registers: [
        { channel: 'a', address: 0, type: 'uint16' },
        { channel: 'b', address: 5, type: 'uint16' },
      ],
    }),
    { logger: silentLogger(), metrics, now: () => clock },
  );
  const batches: Sample[][] = [];
  const setUp = (k: number) => {
    if (silentAt.has(k)) silent.add(5);
    else silent.delete(5);
    holding.set(5, 10 + k);
    holding.set(0, 1 + k);
  };
  setUp(0);
  await steppedPolls(
    source,
    polls,
    (batch) => {
      batches.push([...batch]);
      pipeline.push(batch);
      clock += 1000;
      setUp(batches.length);
    },
    cleanups,
  );
  await pipeline.idle();
  const held = (await metrics.windowsHeld.get()).values.find((v) => v.labels.asset === 'press-1')?.value ?? 0;
  const scored = (await metrics.windowsScored.get()).values.find((v) => v.labels.asset === 'press-1')?.value ?? 0;
  const shown = batches.map((b) => b.map((s) => `${s.channel} ${s.failedRead ? 'failed' : s.quality}`).join(', '));
  return { scores, held, scored, shown };
}

describe('a window scored on a reading held over failed reads (regression: adversarial review s33, no mark)', () => {
  it.each(['batch', 'hold'] as const)(
    'align %s: b unanswered for two polls: each window says how many of its rows held b; the metric counts them',
    async (align) => {
      const { scores, held, scored, shown } = await run(8, new Set([2, 3]), align);
      expect(shown).toEqual([
        'a good, b good',
        'a good, b good',
        'a good, b failed',
        'a good, b failed',
        'a good, b good',
        'a good, b good',
        'a good, b good',
        'a good, b good',
      ]);
      // Rows at 2 s and 3 s hold b's reading of 1 s (2 s old at most, under max_sample_age_ms 2500). hold: a grid time
      // is final once a later sample came, so the row at 7 s is not yet.
      const expected = [
        [3, { rows: 2, of: 4, channels: { b: 2 } }],
        [4, { rows: 2, of: 4, channels: { b: 2 } }],
        [5, { rows: 2, of: 4, channels: { b: 2 } }],
        [6, { rows: 1, of: 4, channels: { b: 1 } }],
        [7, undefined],
      ];
      const got = scores.map((s) => [(s.ts - T0) / 1000, s.held]);
      expect(got).toEqual(align === 'batch' ? expected : expected.slice(0, 4));
      expect([held, scored]).toEqual([4, got.length]);
      // The InfluxDB score point carries them as fields, where some row was held.
      expect(scoreLine(scores[0], TAGS)).toMatch(/ score=[^ ]*,held_rows=2i,h_b=2i \d+$/);
      expect(scores.map((s) => scoreLine(s, TAGS)!.includes('held_rows'))).toEqual(got.map(([, h]) => h !== undefined));
    },
  );
});
