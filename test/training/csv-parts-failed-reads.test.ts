/**
 * A recording's row with no reading but its time, a poll's own (a poll whose every read failed), is failed reads, as
 * the gateway saw it, not a pause: the gateway held the readings over it, its trigger's too. Regression (qismall-s40):
 * csv-parts read it as "a pause in the recording", for the part it fell in and for the part that started after it;
 * export's own pause mark (a row just after the row before it) still reads as a pause (csv-parts-pause-reason.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { windowSchema } from '../../src/config/schema.js';
import type { Sample } from '../../src/core/types.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { TRIGGER_READ_FAILED } from '../../src/windows/cycle/cycle-window.js';

const T0 = 1_796_700_000_000; // Unix ms, as export writes
/** Four cycles polled every 40 ms, 3 rows idle, 6 pressing: [time, force, cycle_active], null: every read failed. */
const rows: (readonly [number, number, number] | readonly [number, null, null])[] = [];
for (let k = 0; k < 4; k++)
  for (let i = 0; i < 9; i++) {
    const ts = T0 + 40 * rows.length;
    const pressing = i >= 3;
    // Part 2: a poll failed mid-stroke. Part 3: the poll just before its stroke failed.
    const failed = (k === 1 && i === 6) || (k === 2 && i === 2);
    rows.push(failed ? [ts, null, null] : [ts, pressing ? i : 0, pressing ? 1 : 0]);
  }
rows.push([T0 + 40 * rows.length, 0, 0]);
const failedAt = (k: number, i: number) => new Date(T0 + 40 * (9 * k + i)).toISOString();

const csv = ['timestamp,force,cycle_active', ...rows.map((r) => r.map((v) => v ?? '').join(','))].join('\n') + '\n';
const cut = { cycleChannel: 'cycle_active', trigger: 'flag', windowLength: 4, minRows: 3, maxRows: 100 } as const;

/** The same rows through the gateway's cycle window, a failed poll as failed reads of both channels. */
function gatewayOutcomes() {
  const window = windowSchema.parse({
    type: 'cycle',
    trigger_channel: 'cycle_active',
    min_samples: 3,
    max_samples: 100,
  });
  const windows = new AssetWindows('press', ['force'], 4, window, 40);
  return rows.flatMap(([ts, force, active]) =>
    windows.push(
      (['force', 'cycle_active'] as const).map((channel): Sample => ({
        source: 'plc',
        asset: 'press',
        channel,
        ts,
        ...(force === null
          ? { value: Number.NaN, quality: 'bad', failedRead: true }
          : { value: channel === 'force' ? force : active!, quality: 'good' }),
      })),
    ),
  );
}

describe('csv-parts: a row where every read failed', () => {
  const parts = csvParts(csv, 'rec.csv', cut);

  it('leaves the part it falls in out as a part with a failed read, saying when, not as a pause', () => {
    expect(parts.leftOut[0]).toEqual({
      partId: '2',
      row: 12,
      reason:
        `a sample was missing, stale or bad during the cycle: every read failed at ${failedAt(1, 6)} (a row with no ` +
        "reading but its time, a poll's: the gateway held the last readings over it)",
    });
    expect(parts.partIds).toEqual(['1', '4']);
  });

  it('holds the trigger over it as the gateway does: the part starting after it is unknown for the same reason', () => {
    const gateway = gatewayOutcomes().filter((o) => o.kind === 'incomplete');
    const reason = `its start was not seen: ${TRIGGER_READ_FAILED}`;
    expect(gateway.map((o) => [o.partId, o.reason])).toEqual([['3', reason]]);
    expect(parts.leftOut[1]).toEqual({ partId: '3', row: 21, reason });
  });

  it('is judged by the gateway within max_sample_age_ms, the rows held counted: not learned from by train', () => {
    const judged = gatewayOutcomes().flatMap((o) => (o.kind === 'window' ? [o.window] : []));
    expect(judged.map((w) => [w.partId, w.held])).toEqual([
      ['1', undefined],
      ['2', { rows: 1, of: 6, channels: { force: 1 } }],
      ['4', undefined],
    ]);
  });
});
