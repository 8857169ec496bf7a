/**
 * A part judged on a reading held over a failed read says so in its verdict (before: the part's score carried `held`,
 * its verdict did not, so InfluxDB's part point, the local store's parts, the part event of /api/events and the cloud
 * summary's part counts read as if every channel had been read). One asset's cycle pipeline in process, with a small
 * pure model (the mean of the window).
 */
import { describe, expect, it } from 'vitest';
import { assetSchema } from '../../src/config/schema.js';
import type { PartResult, Sample } from '../../src/core/types.js';
import { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { meanModel } from '../helpers/mean-score.js';

const sample = (ts: number, channel: string, value: number): Sample => ({
  source: 'plc',
  asset: 'press-1',
  channel,
  ts,
  value,
  quality: 'good',
});

describe('a part judged on a held reading', () => {
  it('its verdict carries the window’s held rows; the next part, read in full, carries none', async () => {
    const parts: PartResult[] = [];
    const pipeline = new AssetPipeline(
      assetSchema.parse({
        name: 'press-1',
        model: 'unused',
        window: { type: 'cycle', trigger_channel: 'running', min_samples: 3, max_sample_age_ms: 500 },
      }),
      meanModel({ channels: ['a', 'b'], windowLength: 3, samplePeriodMs: 100, threshold: 1 }),
      { onScores: () => undefined, onAlarm: () => undefined, onParts: (p) => parts.push(...p) },
      { logger: silentLogger(), metrics: new GatewayMetrics() },
    );
    let ts = 0;
    /** One poll: a and b (b's read failed where `bFailed`), and the trigger. */
    const poll = (running: number, bFailed = false) => {
      ts += 100;
      pipeline.push([
        sample(ts, 'a', 0.2),
        bFailed
          ? { ...sample(ts, 'b', Number.NaN), quality: 'bad', failedRead: true, reason: 'timeout' }
          : sample(ts, 'b', 0.2),
        sample(ts, 'running', running),
      ]);
    };
    for (const failedAt of [2, -1]) {
      poll(0);
      for (let k = 0; k < 4; k++) poll(1, k === failedAt);
      poll(0);
    }
    await pipeline.idle();
    expect(parts.map((p) => [p.verdict, p.held])).toEqual([
      ['pass', { rows: 1, of: 4, channels: { b: 1 } }],
      ['pass', undefined],
    ]);
  });
});
