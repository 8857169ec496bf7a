/**
 * An asset's rows with running_when.settle_ms (pure: AssetWindows with its RunningGate and the settle time of
 * core/restart-settle.ts): rows within the settle time after a restart come out as `stopped` with state settling, the
 * sliding window starts anew at the stop and fills only with settled rows; a row whose mode has no reading within the
 * settle does not end it.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { AssetWindows, type AssetWindowOutcome } from '../../src/windows/asset-windows.js';
import { windowSchema } from '../../src/windows/schema.js';
import { goodSample } from '../../src/testing/samples.js';

const sample = (channel: string, ts: number, value: number, text?: string): Sample => ({
  ...goodSample(channel, ts, value),
  ...(text !== undefined ? { text } : {}),
});

/** Rows a second apart, the mode at each (`-`: no reading of it), through windows of 2 rows; the outcomes in short. */
function outcomes(modes: readonly string[], settleMs?: number): string[] {
  const w = new AssetWindows('a', ['x'], 2, windowSchema.parse({ max_sample_age_ms: 500 }), 1000, undefined, {
    channel: 'mode',
    equals: 'RUN',
    ...(settleMs !== undefined ? { settle_ms: settleMs } : {}),
  });
  const short = (o: AssetWindowOutcome) => (o.kind === 'stopped' ? o.state : o.kind);
  return modes.flatMap((m, i) => {
    const batch = [sample('x', i * 1000, i), ...(m === '-' ? [] : [sample('mode', i * 1000, 0, m)])];
    return w.push(batch).map((o) => `${i}:${short(o)}`);
  });
}

describe('an asset with running_when.settle_ms', () => {
  const modes = ['RUN', 'RUN', 'STOP', 'STOP', 'RUN', 'RUN', 'RUN', 'RUN', 'RUN', 'RUN'];

  it('leaves the rows within the settle time of the restart out of the windows', () => {
    expect(outcomes(modes, 3000)).toEqual([
      '1:window',
      '2:stopped',
      '3:stopped',
      '4:settling',
      '5:settling',
      '6:settling',
      // The first window after the restart: rows 7 and 8.
      '8:window',
      '9:window',
    ]);
  });

  it('without it, windows the restart from its first row', () => {
    expect(outcomes(modes)).toEqual([
      '1:window',
      '2:stopped',
      '3:stopped',
      '5:window',
      '6:window',
      '7:window',
      '8:window',
      '9:window',
    ]);
  });

  it('a row with no reading of the mode within the settle is unknown, and the settle runs on over it', () => {
    const gap = ['RUN', 'STOP', 'RUN', '-', 'RUN', 'RUN', 'RUN', 'RUN'];
    expect(outcomes(gap, 3000)).toEqual(['1:stopped', '2:settling', '3:unknown', '4:settling', '6:window', '7:window']);
  });
});
