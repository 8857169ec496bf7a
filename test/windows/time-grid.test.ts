/** Multi-rate channels on one time grid (pure): hold-last and linear, with a maximum age, causal. */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { windowSchema } from '../../src/config/schema.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { TimeGrid } from '../../src/windows/time-grid.js';

const s = (channel: string, ts: number, value: number, quality: Sample['quality'] = 'good'): Sample => ({
  source: 'x',
  asset: 'a',
  channel,
  ts,
  value,
  quality,
});
/** Rows as [ts, complete, ...values] for compact tables. */
const flat = (rows: readonly { ts: number; complete: boolean; values: Float64Array }[]) =>
  rows.map((r) => [
    r.ts,
    r.complete,
    ...Array.from(r.values, (v) => (Number.isNaN(v) ? 'NaN' : Math.round(v * 1000) / 1000)),
  ]);

describe('time grid', () => {
  it('hold: a fast channel (100 ms) and a slow one (300 ms) on a 100 ms grid; the slow one held', () => {
    const grid = new TimeGrid('a', ['fast', 'slow'], 100, 'hold', 1000);
    const out = [];
    // Each source delivers its own batches, as two PLCs would.
    out.push(...grid.push([s('slow', 0, 10)]));
    for (const t of [0, 100, 200, 300, 400]) {
      out.push(...grid.push([s('fast', t, t / 100)]));
      if (t === 300) out.push(...grid.push([s('slow', 300, 13)]));
    }
    // A grid time is final once something reported past it (400 is not final yet).
    expect(flat(out)).toEqual([
      [0, true, 0, 10],
      [100, true, 1, 10],
      [200, true, 2, 10],
      [300, true, 3, 13],
    ]);
  });

  it('linear: the slow channel interpolated between its samples; rows wait until every channel has passed t', () => {
    const grid = new TimeGrid('a', ['fast', 'slow'], 100, 'linear', 1000);
    const out = [];
    out.push(...grid.push([s('slow', 0, 10), s('fast', 0, 0)]));
    out.push(...grid.push([s('fast', 100, 1)]));
    out.push(...grid.push([s('fast', 200, 2)]));
    expect(flat(out)).toEqual([[0, true, 0, 10]]); // 100 and 200 wait for the slow channel
    out.push(...grid.push([s('slow', 300, 13)]));
    out.push(...grid.push([s('fast', 300, 3)]));
    expect(flat(out)).toEqual([
      [0, true, 0, 10],
      [100, true, 1, 11],
      [200, true, 2, 12],
      [300, true, 3, 13],
    ]);
  });

  it('marks values older than the maximum age, and bad samples, as missing: the row is incomplete', () => {
    const grid = new TimeGrid('a', ['fast', 'slow'], 100, 'hold', 250);
    const out = [...grid.push([s('slow', 0, 10), s('fast', 0, 0)])];
    for (const t of [100, 200, 300, 400]) out.push(...grid.push([s('fast', t, t / 100, t === 200 ? 'bad' : 'good')]));
    expect(flat(out)).toEqual([
      [0, true, 0, 10],
      [100, true, 1, 10],
      [200, false, 'NaN', 10], // a bad sample
      [300, false, 3, 'NaN'], // slow is 300 ms old, more than 250
    ]);
    expect(out.map((r) => r.why)).toEqual([undefined, undefined, 'fast bad', 'slow stale']);
  });

  it('names a channel with no sample at or before a grid time missing, and a gap as a gap', () => {
    const grid = new TimeGrid('a', ['fast', 'slow'], 100, 'hold', 1000, 50);
    const rows = [...grid.push([s('fast', 0, 0)]), ...grid.push([s('fast', 100, 1), s('slow', 100, 10)])];
    expect(rows.map((r) => [r.ts, r.why])).toEqual([[0, 'slow missing']]);
    const after = grid.push([s('fast', 60_000, 5), s('slow', 60_000, 5), s('fast', 60_100, 6)]);
    expect(after[0]).toMatchObject({ complete: false, why: 'a gap in the samples' });
  });

  it('is causal and ignores late samples: a row once emitted never changes', () => {
    const grid = new TimeGrid('a', ['v'], 100, 'hold', 1000);
    const first = grid.push([s('v', 0, 1), s('v', 150, 2)]);
    expect(flat(first)).toEqual([
      [0, true, 1],
      [100, true, 1],
    ]);
    expect(grid.push([s('v', 120, 99)])).toEqual([]); // stamped before what the grid has seen
    expect(flat(grid.push([s('v', 250, 3)]))).toEqual([[200, true, 2]]);
  });

  it('after a long silence emits one incomplete row and continues from the present', () => {
    const grid = new TimeGrid('a', ['v'], 100, 'hold', 1000, 50);
    grid.push([s('v', 0, 1), s('v', 100, 1)]);
    const rows = grid.push([s('v', 60_000, 5), s('v', 60_100, 6)]);
    expect(rows[0].complete).toBe(false);
    expect(flat(rows.slice(1))).toEqual([[60_000, true, 5]]);
  });
});

/** A sample as a live source stamps it: on the device's clock (`ts`), received at `received` on the gateway's. */
const live = (channel: string, ts: number, received: number, value = 1): Sample => ({
  ...s(channel, ts, value),
  received,
});

describe('time grid: stamps from device clocks', () => {
  const T0 = Date.UTC(2026, 11, 6, 8);
  /** A grid whose told clock changes are kept. */
  const noted = (channels: string[]) => {
    const notes: string[] = [];
    return { notes, grid: new TimeGrid('a', channels, 100, 'hold', 1000, 1000, (m) => notes.push(m)) };
  };
  const ahead = (span: string) =>
    `asset a: source x's clock is ${span} ahead of this gateway's: its samples go on the time grid by the gateway’s ` +
    'clock (their stamps less that), so it freezes nothing and its channels stay with the others';

  it('puts samples stamped far ahead (2106, a day) where they arrived: no row per period up to them, none lost', () => {
    const { grid, notes } = noted(['fast', 'slow']);
    const rows = [];
    for (let k = 0; k < 30; k++) {
      const t = T0 + k * 100;
      const batch = [live('fast', t, t, k), live('slow', t, t)];
      // Row 10: the PLC sends one stamp in 2106 (a corrupt clock); row 11 one a day ahead.
      if (k === 10) batch[0] = live('fast', Date.UTC(2106, 0, 1), t, k);
      if (k === 11) batch[0] = live('fast', t + 86_400_000, t, k);
      rows.push(...grid.push(batch));
    }
    // Before: 864,000 rows up to the day-ahead stamp, a row per period to 2106 (a freeze), then the channel's samples
    // dropped as late for as long.
    expect(rows.map((r) => [r.ts - T0, r.complete, r.values[0]])).toEqual(
      Array.from({ length: 29 }, (_, k) => [k * 100, true, k]),
    );
    expect(notes).toEqual([ahead('79 years')]);
    // The changes after it (right again for the slow channel, a day ahead, right again) are told a minute on, counted.
    grid.push([live('fast', T0 + 61_000, T0 + 61_000), live('slow', T0 + 61_000, T0 + 61_000)]);
    expect(notes[1]).toBe(
      "asset a: source x's clock agrees with this gateway's again: its samples go by their stamps " +
        '(its clock changed 3 more time(s) in the last minute)',
    );
  });

  it('keeps scoring through a device clock set an hour ahead: its samples on the gateway clock, no gap', () => {
    const { grid, notes } = noted(['v']);
    const rows = [];
    for (let k = 0; k < 20; k++) {
      const t = T0 + k * 100;
      const step = k >= 10 ? 3_600_000 : 0; // someone set the PLC's clock an hour ahead at row 10
      rows.push(...grid.push([live('v', t + step, t, k)]));
    }
    expect(notes).toEqual([ahead('1.0 h')]);
    expect(rows.map((r) => [r.ts - T0, r.complete, r.values[0]])).toEqual(
      Array.from({ length: 19 }, (_, k) => [k * 100, true, k]),
    );
  });

  it('keeps two PLCs together where one clock steps an hour: before, the other was stale in every row', () => {
    const { grid } = noted(['p1', 'p2']);
    const rows = [];
    for (let k = 0; k < 40; k++) {
      const t = T0 + k * 100;
      const p2 = { ...live('p2', t + (k >= 10 ? 3_600_000 : 0), t, k), source: 'plc2' };
      rows.push(...grid.push([{ ...live('p1', t, t, k), source: 'plc1' }]), ...grid.push([p2]));
    }
    expect(rows.filter((r) => !r.complete)).toEqual([]);
    expect(rows).toHaveLength(39);
  });

  it('takes a clock off by less than the gap as it is, without a note; one further off is put on the gateway clock', () => {
    const near = noted(['v']);
    const rows = [];
    for (let k = 0; k < 10; k++) rows.push(...near.grid.push([live('v', T0 + k * 100 + 30_000, T0 + k * 100, k)]));
    expect(rows.map((r) => [r.ts - T0, r.values[0]])).toEqual(
      Array.from({ length: 9 }, (_, k) => [30_000 + k * 100, k]),
    );
    expect(near.notes).toEqual([]);
    const far = noted(['v']);
    const placed = [];
    for (let k = 0; k < 10; k++) placed.push(...far.grid.push([live('v', T0 + k * 100 + 600_000, T0 + k * 100, k)]));
    expect(placed.map((r) => r.ts - T0)).toEqual(Array.from({ length: 9 }, (_, k) => k * 100));
    expect(far.notes).toEqual([ahead('10.0 min')]);
  });

  it('tells a publisher that alternates its stamps once a minute at most, and loses none of its rows', () => {
    const { grid, notes } = noted(['v']);
    const rows = [];
    for (let k = 0; k < 10_000; k++) {
      const t = T0 + k * 100;
      rows.push(...grid.push([live('v', k % 2 ? Date.UTC(2106, 0, 1) + k : t, t, k)]));
    }
    expect(rows.filter((r) => !r.complete)).toEqual([]);
    expect(rows).toHaveLength(9_999);
    // 1,000 s of samples: the first change, then one note a minute.
    expect(notes.length).toBeLessThanOrEqual(18);
  });

  it('never emits more than the gap allows from one push, whatever its stamps (no receipt times to check)', () => {
    const grid = new TimeGrid('a', ['v'], 100, 'hold', 1000, 50);
    const rows = grid.push([s('v', 0, 1), s('v', 100, 1), s('v', 8.64e15, 2)]);
    expect(rows.length).toBeLessThanOrEqual(52);
    expect(rows[0]).toMatchObject({ ts: 0, complete: false, why: 'a gap in the samples' });
  });
});

describe('windows on the time grid', () => {
  it('cut sliding windows of the model length from channels at different rates, hop in ms', () => {
    const settings = windowSchema.parse({ align: 'linear', hop_ms: 200, max_sample_age_ms: 1000 });
    const windows = new AssetWindows('a', ['fast', 'slow'], 4, settings, 100);
    const outcomes = [];
    for (let t = 0; t <= 1200; t += 100) {
      const batch = [s('fast', t, t)];
      if (t % 400 === 0) batch.push(s('slow', t, -t));
      outcomes.push(...windows.push(batch));
    }
    const cut = outcomes
      .filter((o) => o.kind === 'window')
      .map((o) => (o.kind === 'window' ? [o.window.start, o.window.end, Array.from(o.window.data)] : []));
    // Rows up to 1200 are final (the slow channel reported at 1200); every 2nd row ends a window of 4.
    expect(cut[0]).toEqual([0, 300, [0, -0, 100, -100, 200, -200, 300, -300]]);
    expect(cut.map((c) => c[1])).toEqual([300, 500, 700, 900, 1100]);
  });
});
