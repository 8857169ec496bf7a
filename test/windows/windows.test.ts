import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { RowAssembler, unusableText } from '../../src/windows/row-assembler.js';
import { SlidingWindow } from '../../src/windows/sliding/sliding-window.js';
import { AssetWindows, PartIdTracker } from '../../src/windows/asset-windows.js';
import { RUNNING_AT_START } from '../../src/windows/cycle/cycle-window.js';
import { windowSchema } from '../../src/windows/schema.js';

const s = (channel: string, ts: number, value: number, quality: Sample['quality'] = 'good', asset = 'a'): Sample => ({
  source: 'src',
  asset,
  channel,
  ts,
  value,
  quality,
});

describe('row assembly', () => {
  it('builds a complete row from one batch holding every channel', () => {
    const r = new RowAssembler('a', ['x', 'y'], 1000);
    const row = r.push([s('x', 10, 1), s('y', 10, 2)])!;
    expect(row.complete).toBe(true);
    expect(Array.from(row.values)).toEqual([1, 2]);
    expect(row.ts).toBe(10);
  });

  it("places a batch stamped before the last row at that row's time, its values taken, and says how late it came", () => {
    const r = new RowAssembler('a', ['x', 'y'], 1000);
    r.push([s('x', 100, 1), s('y', 100, 2)]);
    const row = r.push([s('x', 40, 3)])!;
    expect([row.ts, Array.from(row.values), row.complete, row.late, row.source]).toEqual([
      100,
      [3, 2],
      true,
      60,
      'src',
    ]);
    // On time again: no longer late.
    expect(r.push([s('y', 150, 4)])).toEqual({ ts: 150, values: Float64Array.of(3, 4), complete: true });
  });

  it("orders each source's rows on their own, and takes a step back beyond the age limit as a clock set back", () => {
    const r = new RowAssembler('a', ['x', 'y'], 1000);
    r.push([s('x', 100, 1)]);
    // Another source's clock a little behind: its row goes by its stamp (a step back is the windows' to say).
    expect(r.push([{ ...s('y', 60, 2), source: 'other' }])).toMatchObject({ ts: 60, complete: true });
    expect(r.push([{ ...s('y', 60, 2), source: 'other' }])).not.toHaveProperty('late');
    // The first source's clock set back by 5 s: no row held at its old time for 5 s.
    expect(r.push([s('x', -4900, 3)])).toMatchObject({ ts: -4900, values: Float64Array.of(3, 2) });
  });

  it('ignores batches of other assets', () => {
    const r = new RowAssembler('a', ['x'], 1000);
    expect(r.push([s('x', 10, 1, 'good', 'b')])).toBeUndefined();
  });

  it('holds the last value across sources, but only up to the maximum age', () => {
    const r = new RowAssembler('a', ['x', 'y'], 100);
    r.push([s('x', 0, 1)]);
    expect(r.push([s('y', 50, 2)])!.complete).toBe(true);
    expect(r.push([s('y', 200, 3)])!.complete).toBe(false);
  });

  it('takes a value stamped further ahead of the row than the age limit as unusable: a fast clock keeps nothing fresh', () => {
    const r = new RowAssembler('a', ['flow', 'pressure'], 5000);
    // The pressure transmitter's clock runs an hour fast; it sends once and stops.
    r.push([s('pressure', 3_600_000, 3.1)]);
    // Half an hour later the flow source still polls: pressure has had no reading for 30 minutes.
    const row = r.push([s('flow', 1_800_000, 12.5)])!;
    expect([row.complete, row.why]).toEqual([false, 'pressure stamped ahead of the others']);
    // A few ms either side (two sources polled one after the other) is no clock problem.
    const near = new RowAssembler('a', ['flow', 'pressure'], 5000);
    near.push([s('pressure', 1_000_040, 3.1)]);
    expect(near.push([s('flow', 1_000_000, 12.5)])!.complete).toBe(true);
  });

  it.each(['bad', 'uncertain'] as const)('marks a row with a %s sample incomplete', (quality) => {
    const r = new RowAssembler('a', ['x', 'y'], 1000);
    expect(r.push([s('x', 10, 1), s('y', 10, 2, quality)])!.complete).toBe(false);
  });

  it('marks a row with a NaN value incomplete even if flagged good', () => {
    const r = new RowAssembler('a', ['x'], 1000);
    expect(r.push([s('x', 10, Number.NaN)])!.complete).toBe(false);
  });

  it('says which channels make a row incomplete: never read, stale or bad (NaN too); a complete row says nothing', () => {
    const r = new RowAssembler('a', ['w', 'x', 'y', 'z'], 100);
    expect(r.push([s('w', 0, 1), s('x', 0, 1), s('y', 0, 1), s('z', 0, 1)])).not.toHaveProperty('why');
    expect(r.push([s('w', 200, 1), s('y', 200, Number.NaN)])!.why).toBe('x, z stale; y bad');
    const fresh = new RowAssembler('a', ['x', 'y'], 100);
    expect(fresh.push([s('x', 0, 1, 'uncertain')])!.why).toBe('y missing; x bad');
  });

  it('names four channels of a kind at most, and counts the rest', () => {
    const channels = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
    expect(unusableText(channels, ['stale', 'stale', 'stale', 'missing', 'stale', 'stale', 'stale'])).toBe(
      'c4 missing; c1, c2, c3, c5 and 2 more stale',
    );
  });
});

describe('part id', () => {
  it('names no part from an id stamped further ahead than the age limit (a serial tag on a clock an hour fast)', () => {
    const ids = new PartIdTracker('a', 'serial', 5000);
    ids.push([{ ...s('serial', 3_600_000, Number.NaN), text: 'SN-0001' }]);
    expect(ids.at(1_800_000)).toBeUndefined();
    expect(ids.at(3_601_000)).toBe('SN-0001');
  });
});

describe("a cycle asset's windows (the gateway's)", () => {
  // Before, the part being pressed while the gateway restarted got no verdict and no record at all.
  it('judge the part running when the gateway starts unknown, named by its serial, then the next part', () => {
    const settings = windowSchema.parse({
      type: 'cycle',
      trigger_channel: 'cycle_active',
      part_id_channel: 'serial',
      min_samples: 2,
    });
    const w = new AssetWindows('a', ['force'], 2, settings);
    const poll = (ts: number, active: number, force: number, serial: string) =>
      w.push([s('cycle_active', ts, active), s('force', ts, force), { ...s('serial', ts, 0), text: serial }]);
    const out = [
      poll(0, 1, 5, 'PRS-000041'),
      poll(200, 1, 6, 'PRS-000041'),
      poll(400, 0, 0, 'PRS-000041'),
      poll(600, 1, 4, 'PRS-000042'),
      poll(800, 1, 7, 'PRS-000042'),
      poll(1000, 0, 0, 'PRS-000042'),
    ].flat();
    const shown = (o: (typeof out)[number]) =>
      o.kind === 'window' ? ['window', o.window.partId] : o.kind === 'incomplete' ? [o.partId, o.reason] : o.kind;
    expect(out.map(shown)).toEqual([
      ['PRS-000041', `its start was not seen: ${RUNNING_AT_START}`],
      ['window', 'PRS-000042'],
    ]);
  });
});

describe("a cycle asset's part whose last poll was missed (the gateway's)", () => {
  // Before, its points spanned its rows alone, so its curve was stretched over them: good parts failed.
  it("is widened at its end midway to one of its model's sample periods before the row that ended it, its last reading held", () => {
    const settings = windowSchema.parse({
      type: 'cycle',
      trigger_channel: 'cycle_active',
      min_samples: 2,
      max_sample_age_ms: 500,
    });
    const w = new AssetWindows('a', ['force'], 3, settings, 100);
    const poll = (ts: number, active: number, force: number) =>
      w.push([s('cycle_active', ts, active), s('force', ts, force)]);
    const out = [poll(0, 0, 0), poll(100, 1, 2), poll(200, 1, 4), poll(300, 1, 6), poll(550, 0, 0)].flat();
    // Rows 100 to 300, the row that ended it at 550: its end midway from 300 to 450 (its last poll anywhere in the
    // stretch not read, as at a part's start), its points at 100, 237.5 and 375 ms (until 2026-12-08, to 450: [2, 5.5,
    // 6]).
    expect(out.map((o) => (o.kind === 'window' ? Array.from(o.window.data) : o.reason))).toEqual([[2, 4.75, 6]]);
  });
});

/** Polls of a cycle asset cut by a cycle-active flag, 2 points a part, at a sample period: (ts, flag, force). */
function flagPolls(periodMs: number) {
  const settings = windowSchema.parse({ type: 'cycle', trigger_channel: 'cycle_active', min_samples: 2 });
  const w = new AssetWindows('a', ['force'], 2, settings, periodMs);
  return (ts: number, active: number, force: number) => w.push([s('cycle_active', ts, active), s('force', ts, force)]);
}

describe("a cycle asset's windows after a pause in the samples", () => {
  // Before: "its start was not seen: the trigger could not be read (a pause in the samples)", where every poll had read
  // the trigger: the gateway had not polled (an event loop stalled), which the reason now says, with how long.
  it('judge a part that starts after the pause unknown, saying the samples paused and for how long', () => {
    const poll = flagPolls(200);
    const out = [poll(0, 0, 0), poll(200, 0, 0), poll(6200, 1, 3), poll(6400, 1, 5), poll(6600, 0, 0)].flat();
    expect(out).toEqual([
      {
        kind: 'incomplete',
        ts: 6600,
        partId: '1',
        reason: 'its start was not seen: a pause in the samples (none for 6000 ms)',
      },
    ]);
  });
});

describe("a cycle asset's part whose samples come late", () => {
  // Seen over OPC UA (rowsback-s36, the walk's first part after its idle): held values stamped at a publish, then the
  // part's first changes stamped 82 ms before them; the row stepped back and the part was unknown ("its start was not
  // seen: samples out of order"). Now a late row goes at the last row's time: the part is judged.
  it('is judged, its rows never stepping back, and each late row is told with its source and how late it came', () => {
    const settings = windowSchema.parse({ type: 'cycle', trigger_channel: 'cycle_active', min_samples: 2 });
    const late: [string, number][] = [];
    const w = new AssetWindows('a', ['force'], 2, settings, 100, undefined, undefined, (source, ms) =>
      late.push([source, ms]),
    );
    const poll = (ts: number, active: number, force: number) =>
      w.push([s('cycle_active', ts, active), s('force', ts, force)]);
    const out = [poll(0, 0, 0), poll(200, 0, 0), poll(97, 1, 4), poll(150, 1, 6), poll(300, 1, 8), poll(400, 0, 0)];
    const parts = out.flat();
    expect(parts.map((o) => (o.kind === 'window' ? `part ${o.window.partId}` : o.kind))).toEqual(['part 1']);
    const part = parts[0].kind === 'window' ? parts[0].window : undefined;
    // Its rows at 200 (the late start), 200 (late too: of the two at one time the later stands), 300.
    expect([part?.start, part?.end, Array.from(part?.data ?? [])]).toEqual([200, 300, [6, 8]]);
    expect(late).toEqual([
      ['src', 103],
      ['src', 50],
    ]);
  });
});

describe('sliding window', () => {
  const row = (ts: number, complete = true) => ({ ts, values: Float64Array.of(ts, -ts), complete });

  it('emits the first window after `length` rows, then every `hop` rows', () => {
    const w = new SlidingWindow('a', ['x', 'y'], 3, 2);
    const outcomes = [1, 2, 3, 4, 5, 6, 7].map((t) => w.push(row(t)));
    const emitted = outcomes.map((o) => (o?.kind === 'window' ? o.window.end : null));
    expect(emitted).toEqual([null, null, 3, null, 5, null, 7]);
  });

  it('lays the window out time-major with start and end times', () => {
    const w = new SlidingWindow('a', ['x', 'y'], 2, 1);
    w.push(row(1));
    const out = w.push(row(2));
    expect(out?.kind).toBe('window');
    if (out?.kind !== 'window') return;
    expect(Array.from(out.window.data)).toEqual([1, -1, 2, -2]);
    expect([out.window.start, out.window.end]).toEqual([1, 2]);
  });

  it('reports a window holding an incomplete row as incomplete, never as a window', () => {
    const w = new SlidingWindow('a', ['x', 'y'], 2, 1);
    w.push(row(1, false));
    expect(w.push(row(2))).toEqual({ kind: 'incomplete', ts: 2 });
    expect(w.push(row(3))?.kind).toBe('window');
  });

  it('an incomplete window says what its newest incomplete row said of its channels', () => {
    const w = new SlidingWindow('a', ['x', 'y'], 3, 1);
    w.push({ ...row(1, false), why: 'x missing' });
    w.push({ ...row(2, false), why: 'y stale' });
    expect(w.push(row(3))).toEqual({ kind: 'incomplete', ts: 3, why: 'y stale' });
  });
});
