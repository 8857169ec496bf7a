/**
 * A row that eval's windows hold back for the next (a row of held values after a row that came late: source-rows.ts)
 * is scored as the gateway scores it: its own window, at its own row. Eval let it go only inside the next row's push,
 * and put its window on that next row, whose own score then took its place: the held row went unscored; at the end of
 * a file it was never let go. The same rows as batches through the gateway's asset pipeline (pump-ae), let go as the
 * gateway stops, say which windows the gateway scored.
 */
import { describe, expect, it } from 'vitest';
import type { Sample, ScoreResult } from '../../src/core/types.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { streamSeries } from '../../src/eval/stream-series.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { PUMP_AE as MODEL, pumpAePipeline } from '../helpers/pump-ae-pipeline.js';

const T0 = Date.UTC(2026, 11, 8, 6);
const LEVELS = [0.03, 0.044, 1.73, 230, 2.24, 66.4, 32.4];
const SPREADS = [0.001, 0.0015, 0.1, 1, 0.13, 0.4, 1.3];

/**
 * 40 rows 200 ms apart: row 30 came late (stamped 100 ms before row 29), row 31 holds row 30's values (held back:
 * its source came late just before), as does the last row, 39 (held back, no row after it).
 */
function rows(): { ts: number; values: number[] }[] {
  const out: { ts: number; values: number[] }[] = [];
  for (let i = 0; i < 40; i++) {
    const ts = i === 30 ? T0 + 29 * 200 - 100 : T0 + i * 200;
    const held = i === 31 || i === 39;
    out.push({ ts, values: held ? out[i - 1].values : LEVELS.map((l, c) => l + SPREADS[c] * Math.sin(i / 3 + c)) });
  }
  return out;
}

async function gatewayScores(channels: readonly string[]): Promise<ScoreResult[]> {
  const { pipeline, scores, close } = await pumpAePipeline();
  for (const r of rows()) {
    const batch: Sample[] = channels.map((channel, c) => ({
      source: 'csv',
      asset: 'pump-1',
      channel,
      ts: r.ts,
      value: r.values[c],
      quality: 'good',
    }));
    pipeline.push(batch);
  }
  pipeline.releaseHeld(true);
  await pipeline.idle();
  await close();
  return scores;
}

describe('eval streams a row held back for the next one as the gateway scores it', () => {
  it('scores the held row at its own row, and the last row held at the end of the file', async () => {
    const loaded = await loadManifest(MODEL);
    const channels = loaded.manifest.input.channels.map((c) => c.name);
    const csv = [`timestamp,${channels.join(',')}`, ...rows().map((r) => `${r.ts},${r.values.join(',')}`)].join('\n');
    const series = readLabelledCsv('held.csv', csv, undefined, 200, undefined, channels, undefined, []);
    const result = await streamSeries(series, loaded, 0);
    const gateway = await gatewayScores(channels);
    // The gateway: a window at every row from 19 (the 21 rows 19-39), row 31's let go before row 32's, row 39's as it
    // stops.
    expect(gateway).toHaveLength(21);
    const scored = Array.from(result.scores).flatMap((s, i) => (Number.isNaN(s) ? [] : [i]));
    expect(scored).toEqual(Array.from({ length: 21 }, (_, k) => 19 + k));
    scored.forEach((row, k) => expect(result.scores[row]).toBeCloseTo(gateway[k].score, 6));
  });
});
