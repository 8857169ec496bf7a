/**
 * train and eval cut a recording's parts at the asset's window hold (max_sample_age_ms), as the gateway configured so
 * cuts them: a silence longer than the hold is a pause, and the part across it unknown. Regression (hold-s40):
 * csv-parts fixed the hold at the window's default (5000 ms), so a part the gateway at 300 ms judges unknown was
 * learnt and judged; and a failed poll held a reading stamped after it (a one-sided age rule of its own).
 */
import { describe, expect, it } from 'vitest';
import { windowSchema } from '../../src/config/schema.js';
import type { Sample } from '../../src/core/types.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { HeldReadings } from '../../src/training/csv-failed-reads.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';

const T0 = 1_796_700_000_000; // Unix ms, as export writes
const POLL_MS = 40;
/** Four cycles polled every 40 ms, 3 rows idle, 8 pressing; part 2's stroke has 10 polls missing (440 ms silent). */
const rows: (readonly [number, number, number])[] = [];
for (let k = 0, ts = T0; k < 4; k++)
  for (let i = 0; i < 11; i++, ts += POLL_MS) {
    if (k === 1 && i === 6) ts += 10 * POLL_MS;
    const pressing = i >= 3;
    rows.push([ts, pressing ? i + k : 0, pressing ? 1 : 0]);
  }
rows.push([rows[rows.length - 1][0] + POLL_MS, 0, 0]);
const csv = ['timestamp,force,cycle_active', ...rows.map((r) => r.join(','))].join('\n') + '\n';
const cut = { cycleChannel: 'cycle_active', trigger: 'flag', windowLength: 4, minRows: 3, maxRows: 100 } as const;

/** The part ids the gateway judges, its window's hold `holdMs` (absent: the default). */
function gatewayJudged(holdMs?: number): string[] {
  const window = windowSchema.parse({
    type: 'cycle',
    trigger_channel: 'cycle_active',
    min_samples: 3,
    max_samples: 100,
    ...(holdMs !== undefined ? { max_sample_age_ms: holdMs } : {}),
  });
  const windows = new AssetWindows('press', ['force'], 4, window, POLL_MS);
  return rows.flatMap(([ts, force, active]) =>
    windows
      .push(
        (['force', 'cycle_active'] as const).map((channel): Sample => ({
          source: 'plc',
          asset: 'press',
          channel,
          ts,
          value: channel === 'force' ? force : active,
          quality: 'good',
        })),
      )
      .flatMap((o) => (o.kind === 'window' ? [o.window.partId!] : [])),
  );
}

describe('csv-parts at the asset window hold', () => {
  it('judges a part across a silence shorter than the default hold, as the gateway at its default does', () => {
    const parts = csvParts(csv, 'rec.csv', cut);
    expect(parts.partIds).toEqual(['1', '2', '3', '4']);
    expect(gatewayJudged()).toEqual(parts.partIds);
  });

  it('leaves the part across a silence longer than a 300 ms hold out, as a pause, as the gateway at 300 does', () => {
    const parts = csvParts(csv, 'rec.csv', { ...cut, maxSampleAgeMs: 300 });
    expect(parts.partIds).toEqual(['1', '3', '4']);
    expect(gatewayJudged(300)).toEqual(parts.partIds);
    expect(parts.leftOut).toEqual([
      {
        partId: '2',
        row: 14,
        reason: `the recording pauses during the cycle: no row from ${new Date(rows[16][0]).toISOString()} to ${new Date(rows[17][0]).toISOString()} (0.44 s)`,
      },
    ]);
  });
});

describe('HeldReadings: a failed poll holds a reading within the hold either side of it (readingStands)', () => {
  it('does not hold a reading stamped more than the hold after the failed poll', () => {
    const held = new HeldReadings(1, 5000);
    held.read(20_000, [7]);
    const row = held.failedRow(14_000, [Number.NaN]);
    expect(row.held).toBeUndefined();
    expect(Number.isNaN(row.values[0])).toBe(true);
  });

  it('holds one stamped within the hold before it, at the hold given', () => {
    const held = new HeldReadings(1, 300);
    held.read(10_000, [7]);
    expect(held.failedRow(10_300, [Number.NaN])).toMatchObject({ held: [0], values: Float64Array.from([7]) });
    expect(held.failedRow(10_301, [Number.NaN]).held).toBeUndefined();
  });
});
