import { describe, expect, it } from 'vitest';
import {
  CycleWindow,
  edgeInUnreadStretch,
  RUNNING_AT_START,
  TRIGGER_READ_FAILED,
  type CycleOutcome,
} from '../../src/windows/cycle/cycle-window.js';
import { resampleRows } from '../../src/windows/resample.js';
import type { Row } from '../../src/windows/row-assembler.js';

// Rows: [force, trigger, partCounter].
const row = (ts: number, force: number, trigger: number, counter = 0, complete = true) => ({
  ts,
  values: Float64Array.of(force, trigger, counter),
  complete,
});

function feed(w: CycleWindow, rows: readonly Row[]): CycleOutcome[] {
  return rows.map((r) => w.push(r)).filter((o): o is CycleOutcome => o !== undefined);
}

const flag = (over: Partial<ConstructorParameters<typeof CycleWindow>[0]> = {}) =>
  new CycleWindow({
    asset: 'press',
    channels: ['force'],
    triggerIndex: 1,
    trigger: 'flag',
    partIdIndex: 2,
    length: 3,
    minRows: 2,
    maxRows: 10,
    ...over,
  });

/** Parts cut by a part counter (the row's third value), which is also the part id. */
const counter = (over: Partial<ConstructorParameters<typeof CycleWindow>[0]> = {}) =>
  new CycleWindow({
    asset: 'press',
    channels: ['force'],
    triggerIndex: 2,
    trigger: 'counter',
    partIdIndex: 2,
    length: 2,
    minRows: 2,
    maxRows: 10,
    ...over,
  });

describe('resampling a cycle', () => {
  it.each([
    { name: 'identity when lengths match', ts: [0, 1, 2], v: [0, 10, 20], len: 3, out: [0, 10, 20] },
    {
      name: 'linear between samples, evenly spaced in time',
      ts: [0, 10],
      v: [0, 100],
      len: 5,
      out: [0, 25, 50, 75, 100],
    },
    {
      name: 'uneven sampling is resampled by time, not by index',
      ts: [0, 1, 4],
      v: [0, 10, 40],
      len: 3,
      out: [0, 20, 40],
    },
    { name: 'a single sample fills the window', ts: [5], v: [7], len: 3, out: [7, 7, 7] },
  ])('$name', ({ ts, v, len, out }) => {
    expect(Array.from(resampleRows({ ts, values: v, channels: 1 }, len))).toEqual(out);
  });
});

describe('cycle-triggered windows', () => {
  it('flag: one window per cycle, from rising to falling edge, with the part id', () => {
    const out = feed(flag(), [
      row(0, 0, 0, 7),
      row(1, 5, 1, 7),
      row(2, 9, 1, 7),
      row(3, 3, 1, 7),
      row(4, 0, 0, 8),
      row(5, 0, 0, 8),
    ]);
    expect(out).toHaveLength(1);
    const o = out[0];
    expect(o.kind).toBe('window');
    if (o.kind !== 'window') return;
    expect(o.window.partId).toBe('7');
    expect(Array.from(o.window.data)).toEqual([5, 9, 3]);
    expect([o.window.start, o.window.end, o.rows, o.durationMs]).toEqual([1, 3, 3, 2]);
  });

  it('flag: a cycle already running when data starts is not a part (no rising edge seen)', () => {
    expect(feed(flag(), [row(0, 5, 1), row(1, 5, 1), row(2, 0, 0)])).toEqual([]);
  });

  // Before, the gateway passed over the part pressed while it restarted: no verdict, no record, no reject gate.
  it('flag, runningAtStart unknown: the part running at the first reading is judged unknown, then parts as usual', () => {
    const w = flag({ runningAtStart: 'unknown' });
    const out = feed(w, [row(0, 5, 1, 7), row(1, 6, 1, 7), row(2, 0, 0, 8), row(3, 5, 1, 8), row(4, 9, 1, 8)]);
    out.push(...feed(w, [row(5, 0, 0, 9)]));
    expect(out.map((o) => (o.kind === 'window' ? ['window', o.window.partId] : [o.partId, o.reason]))).toEqual([
      ['7', `its start was not seen: ${RUNNING_AT_START}`],
      ['window', '8'],
    ]);
    // Idle at the first reading: nothing to judge until the next rising edge.
    expect(feed(flag({ runningAtStart: 'unknown' }), [row(0, 0, 0), row(1, 5, 1), row(2, 0, 0)])).toEqual([
      { kind: 'incomplete', ts: 2, partId: '0', reason: 'the cycle had 1 samples, fewer than 2' },
    ]);
    // The trigger unread at first, then read mid-cycle: the same.
    const unread = { ts: 0, values: Float64Array.of(5, Number.NaN, 7), complete: false };
    expect(feed(flag({ runningAtStart: 'unknown' }), [unread, row(1, 5, 1, 7), row(2, 0, 0, 8)])).toEqual([
      { kind: 'incomplete', ts: 2, partId: '7', reason: `its start was not seen: ${RUNNING_AT_START}` },
    ]);
  });

  it('counter, runningAtStart unknown: the first value is passed over (it may name a part judged before a restart)', () => {
    const w = counter({ runningAtStart: 'unknown' });
    const out = feed(w, [row(0, 1, 0, 41), row(1, 2, 0, 41), row(2, 4, 0, 42), row(3, 6, 0, 42), row(4, 8, 0, 43)]);
    expect(out.map((o) => (o.kind === 'window' ? o.window.partId : [o.partId, o.reason]))).toEqual(['42']);
  });

  it('flag: a bad sample during the cycle makes the part incomplete, named by its id', () => {
    const out = feed(flag(), [row(0, 0, 0, 3), row(1, 5, 1, 3), row(2, 9, 1, 3, false), row(3, 0, 0, 4)]);
    expect(out).toEqual([
      { kind: 'incomplete', ts: 3, partId: '3', reason: 'a sample was missing, stale or bad during the cycle' },
    ]);
  });

  it('flag: the incomplete part says which channels its newest incomplete row lacked', () => {
    const stale = { ...row(2, 9, 1, 3, false), why: 'cycle_active stale' };
    const out = feed(flag(), [row(0, 0, 0, 3), row(1, 5, 1, 3), stale, row(3, 0, 0, 4)]);
    expect(out).toEqual([
      {
        kind: 'incomplete',
        ts: 3,
        partId: '3',
        reason: 'a sample was missing, stale or bad during the cycle: cycle_active stale',
      },
    ]);
  });

  it('flag: too short and too long cycles are incomplete', () => {
    expect(feed(flag(), [row(0, 0, 0), row(1, 5, 1), row(2, 0, 0)])[0]).toMatchObject({
      kind: 'incomplete',
      reason: 'the cycle had 1 samples, fewer than 2',
    });
    const long = [row(0, 0, 0), ...Array.from({ length: 12 }, (_, i) => row(i + 1, 1, 1)), row(13, 0, 0)];
    expect(feed(flag(), long)[0]).toMatchObject({ kind: 'incomplete', reason: 'the cycle ran longer than 10 samples' });
  });

  it('counter: each change of the part counter closes one part and opens the next', () => {
    const w = counter();
    const out = feed(w, [
      row(0, 1, 0, 1),
      row(1, 2, 0, 2),
      row(2, 4, 0, 2),
      row(3, 6, 0, 3),
      row(4, 8, 0, 3),
      row(5, 9, 0, 4),
    ]);
    expect(out.map((o) => (o.kind === 'window' ? [o.window.partId, Array.from(o.window.data)] : o.kind))).toEqual([
      ['2', [2, 4]],
      ['3', [6, 8]],
    ]);
  });

  it('flag: a part that starts while the trigger cannot be read is incomplete: its first rows are unknown', () => {
    const unread = (ts: number) => ({ ...row(ts, 5, Number.NaN, 3, false), why: 'cycle_active bad' });
    const out = feed(flag(), [
      row(0, 0, 0, 3),
      unread(1),
      unread(2),
      row(3, 5, 1, 3),
      row(4, 9, 1, 3),
      row(5, 0, 0, 4),
    ]);
    expect(out).toEqual([
      {
        kind: 'incomplete',
        ts: 5,
        partId: '3',
        reason: 'its start was not seen: the trigger could not be read (cycle_active bad)',
      },
    ]);
    // Unread while idle, and still idle after: nothing lost; the next part is judged as usual.
    const idle = feed(flag(), [row(0, 0, 0), unread(1), row(2, 0, 0), row(3, 5, 1), row(4, 9, 1), row(5, 0, 0)]);
    expect(idle.map((o) => o.kind)).toEqual(['window']);
  });

  it('flag: a part that starts after failed reads of its trigger (its last reading held, then stale) is unknown', () => {
    // Regression (qiwalk-s39, a PLC restarted): the failed reads held the flag at 0, the rows went stale after the
    // hold, and the gateway reconnected mid-stroke: the part was cut from that row as if seen from its start, and
    // failed (score 6.5, a 640 ms cycle of a 760 ms one).
    const failed = (ts: number) => ({ ...row(ts, 0, 0, 3), held: [0, 1, 2] });
    const stale = (ts: number) => ({ ...row(ts, 0, 0, 3, false), why: 'force, cycle_active stale', unusable: [0, 1] });
    const restarted = (...unread: Row[]) =>
      feed(flag(), [row(0, 0, 0, 3), ...unread, row(4, 5, 1, 4), row(5, 9, 1, 4), row(6, 0, 0, 4)]);
    expect(restarted(failed(1), failed(2))).toEqual([
      { kind: 'incomplete', ts: 6, partId: '4', reason: `its start was not seen: ${TRIGGER_READ_FAILED}` },
    ]);
    expect(restarted(failed(1), stale(2), stale(3))).toEqual([
      {
        kind: 'incomplete',
        ts: 6,
        partId: '4',
        reason: 'its start was not seen: the trigger could not be read (force, cycle_active stale)',
      },
    ]);
    // Read again at 0 before the part starts (a stale force alone does not hide it): its rising edge is seen.
    const forceStale = { ...stale(3), why: 'force stale', unusable: [0] };
    const seen = feed(flag(), [
      row(0, 0, 0),
      failed(1),
      stale(2),
      forceStale,
      row(4, 5, 1),
      row(5, 9, 1),
      row(6, 0, 0),
    ]);
    expect(seen.map((o) => o.kind)).toEqual(['window']);
    // A failed read inside a running part holds the flag: the part goes on and is judged on its rows (held-rows.ts).
    const inside = feed(flag(), [
      row(0, 0, 0),
      row(1, 5, 1),
      { ...row(2, 5, 1), held: [1] },
      row(3, 9, 1),
      row(4, 0, 0),
    ]);
    expect(inside.map((o) => o.kind)).toEqual(['window']);
  });

  it("flag: where the part id read again after failed reads is another part's, neither part is judged, both named", () => {
    // Regression (qiwalk-s39, the PLC frozen for 1.5 s mid-stroke): the flag held at 1 over the failed reads, and read
    // 1 again in the next part's stroke; the two made one part named PRS-000690, judged fail, and PRS-000691 had no
    // record at all.
    const failed = (ts: number, counter: number) => ({ ...row(ts, 5, 1, counter), held: [0, 1, 2] });
    const stale = (ts: number) => ({
      ...row(ts, 5, 1, 690, false),
      why: 'force, cycle_active stale',
      unusable: [0, 1],
    });
    const parts = (...over: Row[]) =>
      feed(flag(), [row(0, 0, 0, 690), row(1, 5, 1, 690), ...over, row(5, 7, 1, 691), row(6, 9, 1, 691), row(7, 0, 0)]);
    const ended = (why: string) => [
      {
        kind: 'incomplete',
        ts: 5,
        partId: '690',
        reason: `its end was not seen: ${why}, and the part id read again is 691`,
      },
      { kind: 'incomplete', ts: 7, partId: '691', reason: `its start was not seen: ${why}` },
    ];
    expect(parts(failed(2, 690), failed(3, 690))).toEqual(ended(TRIGGER_READ_FAILED));
    expect(parts(failed(2, 690), stale(3))).toEqual(ended('the trigger could not be read (force, cycle_active stale)'));
    // The same part read again (a short outage within its stroke): one part, judged on its rows.
    const same = feed(flag(), [row(0, 0, 0, 690), row(1, 5, 1, 690), failed(2, 690), row(3, 7, 1, 690), row(4, 0, 0)]);
    expect(same.map((o) => (o.kind === 'window' ? o.window.partId : o.reason))).toEqual(['690']);
  });

  it('counter: a counter that changed while it could not be read starts a part whose start was not seen', () => {
    const w = counter();
    const unread = (ts: number) => ({ ts, values: Float64Array.of(1, 0, Number.NaN), complete: false });
    const out = feed(w, [row(0, 1, 0, 1), row(1, 2, 0, 2), row(2, 4, 0, 2), unread(3), row(4, 6, 0, 3)]);
    out.push(...feed(w, [row(5, 8, 0, 3), row(6, 9, 0, 4)]));
    // Part 2's end and part 3's start were not seen: neither is judged.
    expect(out.map((o) => (o.kind === 'window' ? o.window.partId : [o.partId, o.reason]))).toEqual([
      ['2', 'a sample was missing, stale or bad during the cycle'],
      ['3', 'its start was not seen: the trigger could not be read'],
    ]);
  });

  it('numbers parts itself when no part id channel is configured', () => {
    const w = flag({ partIdIndex: undefined });
    const out = feed(w, [
      row(0, 0, 0),
      row(1, 5, 1),
      row(2, 5, 1),
      row(3, 0, 0),
      row(4, 5, 1),
      row(5, 5, 1),
      row(6, 0, 0),
    ]);
    expect(out.map((o) => (o.kind === 'window' ? o.window.partId : o.partId))).toEqual(['1', '2']);
  });
});

describe('a part whose last readings a missed poll lost (pollMs)', () => {
  // Polls every 10 ms; the part's rows at 10, 20, 30 and 40 read 2, 4, 6 and 8.
  const rows = (endTs: number) => [
    row(0, 0, 0, 7),
    row(10, 2, 1, 7),
    row(20, 4, 1, 7),
    row(30, 6, 1, 7),
    row(40, 8, 1, 7),
    row(endTs, 0, 0, 8),
  ];
  const data = (w: CycleWindow, endTs: number) => {
    const [o] = feed(w, rows(endTs));
    if (o.kind !== 'window') throw new Error(`expected a window, got ${o.reason}`);
    return Array.from(o.window.data);
  };

  it('is widened at its end midway into the stretch not read, its last reading held there', () => {
    // The row that ended it came 30 ms after its last: two polls missed. The last poll that would have seen the part
    // lies anywhere from its last row (40 ms) to one poll before the row that ended it (60 ms), so its span ends
    // midway, at 50, as its start is taken midway (edgeInUnreadStretch); until 2026-12-08 (endmid) it ended at 60, the
    // latest possible end, which shifted a part that ended just after its last row by the whole stretch ([2, 4.5, 7,
    // 8, 8]).
    // Its 5 points span 10 to 50 ms (10 ms apart), not 10 to 40.
    expect(data(flag({ length: 5, pollMs: 10 }), 70)).toEqual([2, 4, 6, 8, 8]);
    // Over its rows alone (no poll spacing given), as before.
    expect(data(flag({ length: 5 }), 70)).toEqual([2, 3.5, 5, 6.5, 8]);
  });

  it('names the points its rows do not reach (they hold its last reading); a part read to its end, none', () => {
    const window = (w: CycleWindow, endTs: number) => {
      const [o] = feed(w, rows(endTs));
      if (o.kind !== 'window') throw new Error(`expected a window, got ${o.reason}`);
      return o.window;
    };
    // Its points at 10, 20, 30, 40 and 50 ms; its last row at 40 ms: the first four read.
    expect(window(flag({ length: 5, pollMs: 10 }), 70).unreadPoints).toEqual([4]);
    expect(window(flag({ length: 5, pollMs: 10 }), 55)).not.toHaveProperty('unreadPoints');
    expect(window(flag({ length: 5 }), 70)).not.toHaveProperty('unreadPoints');
  });

  it('is resampled over its rows where the row that ended it came within one and a half polls', () => {
    expect(data(flag({ length: 5, pollMs: 10 }), 55)).toEqual([2, 3.5, 5, 6.5, 8]);
  });

  it('a part that lost its first readings is widened at its start, midway into the stretch not read, its first reading held there', () => {
    // The last idle row at 0 ms, the rising edge seen at 50 ms (the polls at 10 to 40 missed): the first poll that
    // would have seen the part lies anywhere from 10 to 50 ms, so its span starts midway, at 30. Its 5 points at 30,
    // 42.5, 55, 67.5 and 80 ms; the two before its first row hold its first reading and are not read.
    const late = [row(0, 0, 0, 7), row(50, 2, 1, 7), row(60, 4, 1, 7), row(70, 6, 1, 7), row(80, 8, 1, 7)];
    const [o] = feed(flag({ length: 5, pollMs: 10 }), [...late, row(90, 0, 0, 8)]);
    if (o.kind !== 'window') throw new Error(`expected a window, got ${o.reason}`);
    expect(Array.from(o.window.data)).toEqual([2, 2, 3, 5.5, 8]);
    expect(o.window.unreadPoints).toEqual([0, 1]);
    // Its rows' times, as before.
    expect([o.window.start, o.window.end, o.durationMs, o.rows]).toEqual([50, 80, 30, 4]);
    // Its first and last readings lost (its last row at 70, ended at 100): 30 to 80 ms (midway from 70 to 90), its
    // points at 30, 42.5, 55, 67.5 and 80: both ends unread.
    const [both] = feed(flag({ length: 5, pollMs: 10 }), [...late.slice(0, 4), row(100, 0, 0, 8)]);
    expect(both.kind === 'window' && both.window.unreadPoints).toEqual([0, 1, 4]);
    // The rising edge a poll and a half after the last idle row (a late poll, not a missed one): over its rows.
    const near = [row(0, 0, 0, 7), row(15, 2, 1, 7), row(25, 4, 1, 7), row(35, 6, 1, 7), row(45, 0, 0, 8)];
    const [read] = feed(flag({ length: 3, pollMs: 10 }), near);
    expect(read.kind === 'window' && Array.from(read.window.data)).toEqual([2, 4, 6]);
    expect(read).not.toHaveProperty('window.unreadPoints');
    // No poll spacing known: over its rows, as before.
    expect(feed(flag({ length: 5 }), [...late, row(90, 0, 0, 8)])[0]).not.toHaveProperty('window.unreadPoints');
  });

  it('takes its edge to the same place in a stretch not read at its end as at its start: a mirrored part, mirrored points', () => {
    // Part A: the last idle row at 0, its rows at 50 to 80 reading 2, 4, 6, 8 (its first polls missed, 50 ms before
    // its first row). Part B: the same curve backwards, its rows at 10 to 40 reading 8, 6, 4, 2, the row that ended it
    // at 90 (its last polls missed, 50 ms after its last row). One rule for both edges (edgeInUnreadStretch): B's
    // points are A's backwards, read and unread alike. Until 2026-12-08 (endmid) B's span ran to 80, one poll before
    // the row that ended it, while A's started midway (30): [8, 4.5, 2, 2, 2], points 2 to 4 unread.
    // Idle at 0, the part's rows ([ms, force]), ended at 90.
    const part = (rows: readonly (readonly [number, number])[]) =>
      feed(flag({ length: 5, pollMs: 10 }), [
        row(0, 0, 0, 7),
        ...rows.map(([ts, force]) => row(ts, force, 1, 7)),
        row(90, 0, 0, 8),
      ])[0];
    const a = part([
      [50, 2],
      [60, 4],
      [70, 6],
      [80, 8],
    ]);
    const b = part([
      [10, 8],
      [20, 6],
      [30, 4],
      [40, 2],
    ]);
    if (a.kind !== 'window' || b.kind !== 'window') throw new Error('expected two windows');
    expect([Array.from(a.window.data), a.window.unreadPoints]).toEqual([
      [2, 2, 3, 5.5, 8],
      [0, 1],
    ]);
    expect([Array.from(b.window.data), b.window.unreadPoints]).toEqual([
      [8, 5.5, 3, 2, 2],
      [3, 4],
    ]);
  });

  it('edgeInUnreadStretch: midway between the row of the part and the poll next to the row beyond the stretch', () => {
    // Its start: the row before it at 0, its first row at 50, polls every 10 ms: from 10 to 50, midway 30.
    expect(edgeInUnreadStretch(50, 0, 10)).toBe(30);
    // Its end: its last row at 40, the row that ended it at 90: from 40 to 80, midway 60.
    expect(edgeInUnreadStretch(40, 90, 10)).toBe(60);
  });

  it('a part running at the first reading has no row before it: its start rules stay, nothing widened', () => {
    // runningAtStart unknown: judged unknown, however late its first row; ignore: passed over, the next part widened
    // only by its own row before it.
    const rows = [row(100, 2, 1, 7), row(110, 4, 1, 7), row(120, 0, 0, 8), row(130, 3, 1, 8), row(140, 5, 1, 8)];
    const [unknown] = feed(flag({ pollMs: 10, runningAtStart: 'unknown' }), [...rows, row(150, 0, 0, 9)]);
    expect(unknown).toEqual({
      kind: 'incomplete',
      ts: 120,
      partId: '7',
      reason: `its start was not seen: ${RUNNING_AT_START}`,
    });
    const [next] = feed(flag({ pollMs: 10 }), [...rows, row(150, 0, 0, 9)]);
    expect(next.kind === 'window' && [next.window.partId, next.window.unreadPoints]).toEqual(['8', undefined]);
  });

  it("a part counter: a part whose first row came late after the previous part's last is widened at its start", () => {
    // The counter's last row at 10 ms (its first value passed over), part 2's first at 40 (the polls at 20 and 30
    // missed): part 2 spans 30 (midway from 20 to 40) to 60, its points at 30, 45 and 60 ms.
    const parts = [row(0, 1, 0, 1), row(10, 1, 0, 1), row(40, 4, 0, 2), row(50, 6, 0, 2), row(60, 8, 0, 2)];
    const [o] = feed(counter({ length: 3, pollMs: 10 }), [...parts, row(70, 9, 0, 3)]);
    if (o.kind !== 'window') throw new Error(`expected a window, got ${o.reason}`);
    expect([o.window.partId, Array.from(o.window.data), o.window.unreadPoints]).toEqual(['2', [4, 5, 8], [0]]);
  });

  it('names the points inside a missed poll among its rows, and only where the polls are over one and a half apart', () => {
    // Rows at 10, 20, 50, 60 and 70 (the polls at 30 and 40 missed), ended at 80; 7 points 10 ms apart from 10 to 70.
    const gap = [row(0, 0, 0, 7), row(10, 2, 1, 7), row(20, 4, 1, 7), row(50, 10, 1, 7), row(60, 12, 1, 7)];
    const [o] = feed(flag({ length: 7, pollMs: 10 }), [...gap, row(70, 14, 1, 7), row(80, 0, 0, 8)]);
    if (o.kind !== 'window') throw new Error(`expected a window, got ${o.reason}`);
    // The points at 30 and 40 lie inside the step from 20 to 50: bridged by a straight line, not read.
    expect(Array.from(o.window.data)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(o.window.unreadPoints).toEqual([2, 3]);
    // Rows 15 ms apart (a late row, not a missed one): all read; no poll spacing known: all read, as before.
    const late = [row(0, 0, 0, 7), row(10, 2, 1, 7), row(25, 4, 1, 7), row(40, 6, 1, 7), row(50, 0, 0, 8)];
    expect(feed(flag({ length: 7, pollMs: 10 }), late)[0]).not.toHaveProperty('window.unreadPoints');
    expect(feed(flag({ length: 7 }), [...gap, row(70, 14, 1, 7), row(80, 0, 0, 8)])[0]).not.toHaveProperty(
      'window.unreadPoints',
    );
    // A gap mid-part and its last poll missed (its last row at 60, ended at 80): both. Its span ends at 65, midway from
    // 60 to 70; its 7 points at 10, 19.2, 28.3, 37.5, 46.7, 55.8 and 65 ms: those at 28.3 to 46.7 inside the gap, the
    // last past its last row (until 2026-12-08, to 70: [2, 3, 6]).
    const [both] = feed(flag({ length: 7, pollMs: 10 }), [...gap, row(80, 0, 0, 8)]);
    expect(both.kind === 'window' && both.window.unreadPoints).toEqual([2, 3, 4, 6]);
  });

  it('a part counter: the row that starts the next part ends it', () => {
    const parts = [row(0, 1, 0, 1), row(10, 2, 0, 2), row(20, 4, 0, 2), row(30, 6, 0, 2), row(60, 9, 0, 3)];
    const [o] = feed(counter({ length: 3, pollMs: 10 }), parts);
    // Its rows 10 to 30, the next part's first row at 60: widened to 40 (midway from 30 to 50), its 3 points at 10, 25
    // and 40 (until 2026-12-08 to 50: [2, 6, 6]).
    expect(o.kind === 'window' && [Array.from(o.window.data), o.window.unreadPoints]).toEqual([[2, 5, 6], [2]]);
  });
});
