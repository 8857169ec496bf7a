/**
 * A window says how many of its rows held a channel's reading over a failed read (pure; adversarial review s33: a
 * window scored on held readings carried no mark). The time grid's linear alignment across a failed read, and a cycle
 * window's part, whose count is of its rows before resampling and of the model's channels alone (not the trigger's).
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { windowSchema } from '../../src/windows/schema.js';

const sample = (channel: string, ts: number, value: number): Sample => ({
  source: 'plc',
  asset: 'a',
  channel,
  ts,
  value,
  quality: 'good',
});
const failed = (channel: string, ts: number): Sample => ({
  ...sample(channel, ts, Number.NaN),
  quality: 'bad',
  failedRead: true,
  reason: 'device plc: read holding registers 5..5: no answer within 100 ms (timeout_ms)',
});

describe('held rows of a window', () => {
  it('align linear: a value interpolated across a failed read counts as held until the next good reading', () => {
    const settings = windowSchema.parse({ align: 'linear', max_sample_age_ms: 2500 });
    const w = new AssetWindows('a', ['x', 'y'], 3, settings, 1000);
    const out = [0, 1, 2, 3, 4, 5].flatMap((k) =>
      w.push([sample('x', k * 1000, k), k === 2 ? failed('y', k * 1000) : sample('y', k * 1000, 10 + k)]),
    );
    // The row at 2 s lies between y's readings at 1 s and 3 s, across its failed read at 2 s.
    expect(out.map((o) => (o.kind === 'window' ? [o.window.end, o.window.held] : o.reason))).toEqual([
      [2000, { rows: 1, of: 3, channels: { y: 1 } }],
      [3000, { rows: 1, of: 3, channels: { y: 1 } }],
      [4000, { rows: 1, of: 3, channels: { y: 1 } }],
      [5000, undefined],
    ]);
  });

  it("cycle: a part counts its own rows that held a channel, not the trigger's, and the next part starts at none", () => {
    const settings = windowSchema.parse({ type: 'cycle', trigger_channel: 'active', min_samples: 2 });
    const w = new AssetWindows('a', ['force'], 2, settings);
    const poll = (ts: number, active: number | 'failed', force: number | 'failed') =>
      w.push([
        active === 'failed' ? failed('active', ts) : sample('active', ts, active),
        force === 'failed' ? failed('force', ts) : sample('force', ts, force),
      ]);
    const out = [
      poll(0, 0, 0),
      poll(200, 1, 5),
      poll(400, 1, 'failed'),
      poll(600, 'failed', 'failed'),
      poll(800, 1, 7),
      poll(1000, 0, 0),
      poll(1200, 1, 4),
      poll(1400, 1, 6),
      poll(1600, 0, 0),
    ].flat();
    expect(out.map((o) => (o.kind === 'window' ? [o.window.partId, o.window.held] : o.reason))).toEqual([
      ['1', { rows: 2, of: 4, channels: { force: 2 } }],
      ['2', undefined],
    ]);
  });
});
