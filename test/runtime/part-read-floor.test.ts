/**
 * A part read at too few of its points is unknown, with how many of how many were read (core/points-read.ts). The
 * review's part (2026-12-08): a PLC stalling just under the 1 s Modbus timeout, so no read failed, gave rows at 40 to
 * 120 ms and then at 1,160 to 1,240 ms; 26 of its 32 points lay in the stall, and the part was judged pass or fail on
 * the other 6. One asset's cycle pipeline in process, with a small pure model (the mean of the window) that records a
 * part model's floor, and with a part model trained on the simulated press, loaded as the gateway loads it (its
 * session pool).
 */
import { describe, expect, it } from 'vitest';
import { assetSchema } from '../../src/config/schema.js';
import type { Model } from '../../src/core/components.js';
import type { PartResult, Sample, ScoreResult } from '../../src/core/types.js';
import { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { inMemoryModel } from '../../src/eval/in-memory-model.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { meanModel } from '../helpers/mean-score.js';
import { goodSample } from '../../src/testing/samples.js';
import { fitPressParts } from '../helpers/press-part-model.js';

/** One poll of the asset's PLC: each channel's good reading at `ts`. */
const polled = (ts: number, values: Readonly<Record<string, number>>): Sample[] =>
  Object.entries(values).map(([channel, value]) => ({ ...goodSample(channel, ts, value), asset: 'press-1' }));

/** The asset's parts and scores, each part polled every 40 ms from 0 with the rows at `rows` (ms into the cycle). */
async function judge(model: Model, partRows: readonly (readonly number[])[]) {
  const parts: PartResult[] = [];
  const scores: ScoreResult[] = [];
  const pipeline = new AssetPipeline(
    assetSchema.parse({
      name: 'press-1',
      model: 'unused',
      window: { type: 'cycle', trigger_channel: 'running', min_samples: 3, max_sample_age_ms: 2000 },
    }),
    model,
    { onScores: (s) => scores.push(...s), onAlarm: () => undefined, onParts: (p) => parts.push(...p) },
    { logger: silentLogger(), metrics: new GatewayMetrics() },
  );
  let start = 0;
  const poll = (ts: number, running: number) =>
    pipeline.push(polled(ts, { ...Object.fromEntries(model.channels.map((c) => [c, 0.2])), running }));
  for (const rows of partRows) {
    poll(start, 0);
    for (const ms of rows) poll(start + ms, 1);
    poll(start + rows[rows.length - 1] + 40, 0);
    start += 2000;
  }
  poll(start, 0);
  await pipeline.idle();
  return { parts, scores };
}

/** The points not read of each window the model scored. */
const unreadScored: (readonly number[] | undefined)[] = [];
const model = (minReadPoints?: number): Model => {
  const mean = meanModel({ channels: ['force'], windowLength: 32, samplePeriodMs: 40, threshold: 1 });
  return {
    ...mean,
    score: (windows) => {
      unreadScored.push(...windows.map((w) => w.unreadPoints));
      return mean.score(windows);
    },
    ...(minReadPoints !== undefined ? { minReadPoints } : {}),
  };
};
const every40 = (from: number, to: number) => Array.from({ length: (to - from) / 40 + 1 }, (_, k) => from + 40 * k);
const stalled = [...every40(40, 120), ...every40(1160, 1240)];
/** 32 polls, the 10th and 11th missed. */
const smallGap = every40(40, 1280).filter((ms) => ms !== 400 && ms !== 440);

describe('a part read at too few of its points', () => {
  it('is unknown under the model’s floor, saying how many of its points were read; a small gap is judged', async () => {
    unreadScored.length = 0;
    const { parts, scores } = await judge(model(24), [stalled, smallGap]);
    expect(parts.map((p) => [p.verdict, p.reason])).toEqual([
      [
        'unknown',
        'only 6 of its 32 points read (its rows did not reach the others: a missed poll, a stall or a lost end); ' +
          'the model judges a part on 24 at least (score.min_read_points)',
      ],
      ['pass', undefined],
    ]);
    // Not scored: no score of it reaches InfluxDB or the alarm. The part judged had points of its own unread.
    expect(scores).toHaveLength(1);
    expect(unreadScored).toHaveLength(1);
    expect(unreadScored[0]?.length).toBeGreaterThan(0);
    expect(unreadScored[0]?.length).toBeLessThan(32 - 24);
  });

  it('is judged, as before, by a model without a floor (trained before 2026-12-08, or a zscore part model)', async () => {
    unreadScored.length = 0;
    const { parts } = await judge(model(), [stalled]);
    expect(parts.map((p) => p.verdict)).toEqual(['pass']);
    expect(unreadScored.map((u) => u?.length)).toEqual([26]);
  });

  it('is unknown under the floor a trained part model records, loaded as the gateway loads it', async () => {
    const { fitted } = await fitPressParts();
    const floor = fitted.manifest.score.min_read_points!;
    expect(floor).toBeGreaterThan(6);
    expect(floor).toBeLessThanOrEqual(32 - 2);
    const pool = new SessionPool();
    const press = await pool.acquire(inMemoryModel(fitted, 'int8', 'test'));
    try {
      expect(press.minReadPoints).toBe(floor);
      const { parts } = await judge(press, [stalled, smallGap]);
      expect(parts.map((p) => p.verdict === 'unknown')).toEqual([true, false]);
      expect(parts[0].reason).toBe(
        'only 6 of its 32 points read (its rows did not reach the others: a missed poll, a stall or a lost end); ' +
          `the model judges a part on ${floor} at least (score.min_read_points)`,
      );
    } finally {
      await press.close();
    }
  });
});
