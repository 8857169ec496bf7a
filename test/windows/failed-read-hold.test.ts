/**
 * The hold rule across a failed read (pure). Regression (helper h4): a Modbus read that failed once (a timeout, an
 * exception answer, a dropped connection) gave its tags bad samples, the windows never hold past a bad sample, and
 * every row was incomplete until the register's next good read. A failed read (`failedRead`) is now no sample of its
 * channel: the last good reading holds up to max_sample_age_ms, then the rows go stale. A bad value the device itself
 * reports (an OPC UA Bad status code) is still not held over. A window scored on held readings says how many of its
 * rows held which channel (adversarial review s33: it carried no mark): a value interpolated across a failed read
 * (linear), and a cycle's part, whose count is of its rows before resampling and of the model's channels alone.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { RowAssembler, type Row } from '../../src/windows/row-assembler.js';
import { TimeGrid } from '../../src/windows/time-grid.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { windowSchema } from '../../src/windows/schema.js';
import { goodSample } from '../../src/testing/samples.js';

const MAX_AGE_MS = 2500;

const good = goodSample;
const failed = (channel: string, ts: number): Sample => ({
  ...good(channel, ts, Number.NaN),
  quality: 'bad',
  failedRead: true,
  reason: 'device plc: read holding registers 5..5: no answer within 100 ms (timeout_ms)',
});
const reportedBad = (channel: string, ts: number): Sample => ({ ...good(channel, ts, Number.NaN), quality: 'bad' });

/** One batch a second from 0: `a` good (its value the second), `b` as `bAt` makes it. */
function batches(seconds: number, bAt: (ts: number) => Sample): Sample[][] {
  return Array.from({ length: seconds }, (_, k) => [good('a', k * 1000, k), bAt(k * 1000)]);
}

/** Rows as [ts, b's value where the row is complete, else why not] (a is always good). */
const shown = (rows: readonly Row[]) => rows.map((r) => [r.ts, r.complete ? r.values[1] : r.why]);

const assemblers = {
  hold: () => {
    const grid = new TimeGrid('a', ['a', 'b'], 1000, 'hold', MAX_AGE_MS);
    return (batch: readonly Sample[]) => grid.push(batch);
  },
  batch: () => {
    const rows = new RowAssembler('a', ['a', 'b'], MAX_AGE_MS);
    return (batch: readonly Sample[]) => {
      const row = rows.push(batch);
      return row ? [row] : [];
    };
  },
};

describe.each(Object.entries(assemblers))('align %s: a failed read', (_, make) => {
  it('once between good reads holds the last good reading: every row complete', () => {
    const push = make();
    const rows = batches(4, (ts) => (ts === 1000 ? failed('b', ts) : good('b', ts, 10 + ts / 1000))).flatMap(push);
    // hold: a grid time is final once a sample is past it (3000 is not yet).
    expect(shown(rows).slice(0, 3)).toEqual([
      [0, 10],
      [1000, 10],
      [2000, 12],
    ]);
  });

  it('that lasts holds the reading up to max_sample_age_ms, then the rows are incomplete, the channel stale', () => {
    const push = make();
    const rows = batches(5, (ts) => (ts === 0 ? good('b', 0, 10) : failed('b', ts))).flatMap(push);
    expect(shown(rows).slice(0, 4)).toEqual([
      [0, 10],
      [1000, 10],
      [2000, 10],
      [3000, 'b stale'],
    ]);
  });

  it('before any good reading leaves the channel missing', () => {
    const push = make();
    const rows = batches(2, (ts) => failed('b', ts)).flatMap(push);
    expect(shown(rows)[0]).toEqual([0, 'b missing']);
  });
});

describe.each(Object.entries(assemblers))('align %s: a bad value the device reports', (_, make) => {
  it('is not held over: its row is incomplete, the channel bad, until a good value comes', () => {
    const push = make();
    const rows = batches(4, (ts) => (ts === 1000 ? reportedBad('b', ts) : good('b', ts, 10 + ts / 1000))).flatMap(push);
    expect(shown(rows).slice(0, 3)).toEqual([
      [0, 10],
      [1000, 'b bad'],
      [2000, 12],
    ]);
  });
});

describe('align linear: a failed read', () => {
  it('once between good reads is interpolated over; a reported bad value is not', () => {
    const run = (bAt: (ts: number) => Sample) => {
      const grid = new TimeGrid('a', ['a', 'b'], 1000, 'linear', MAX_AGE_MS);
      return shown(batches(4, bAt).flatMap((b) => grid.push(b))).slice(0, 3);
    };
    expect(run((ts) => (ts === 1000 ? failed('b', ts) : good('b', ts, 10 + ts / 1000)))).toEqual([
      [0, 10],
      [1000, 11],
      [2000, 12],
    ]);
    expect(run((ts) => (ts === 1000 ? reportedBad('b', ts) : good('b', ts, 10 + ts / 1000)))).toEqual([
      [0, 10],
      [1000, 'b bad'],
      [2000, 12],
    ]);
  });
});

describe('held rows of a window', () => {
  it('align linear: a value interpolated across a failed read counts as held until the next good reading', () => {
    const settings = windowSchema.parse({ align: 'linear', max_sample_age_ms: 2500 });
    const w = new AssetWindows('a', ['x', 'y'], 3, settings, 1000);
    const out = [0, 1, 2, 3, 4, 5].flatMap((k) =>
      w.push([good('x', k * 1000, k), k === 2 ? failed('y', k * 1000) : good('y', k * 1000, 10 + k)]),
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
        active === 'failed' ? failed('active', ts) : good('active', ts, active),
        force === 'failed' ? failed('force', ts) : good('force', ts, force),
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
