/**
 * A row of held values overtaken by late rows (windows/source-rows.ts): held back for a batch only where its source
 * came late in the recent past, dropped where that batch's rows come stamped before it, released before them otherwise;
 * a source never late (a steady Modbus device) has its rows windowed as they come, as before.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { windowSchema } from '../../src/windows/schema.js';
import { SourceRows } from '../../src/windows/source-rows.js';

const MAX_AGE_MS = 1000;

describe('a source whose rows may be held back', () => {
  it('holds a row back only within the recent past of its last late row: the age limit, or its longest quiet spell', () => {
    const rows = new SourceRows(MAX_AGE_MS);
    rows.place(0);
    expect(rows.holdsBack()).toBe(false);
    rows.place(100);
    // Never late: never held back, however long it runs.
    expect(rows.holdsBack()).toBe(false);
    expect(rows.place(60)).toEqual({ ts: 100, late: 40 });
    rows.place(1100);
    expect(rows.holdsBack()).toBe(true);
    rows.place(1101);
    // Past the age limit after its only late row.
    expect(rows.holdsBack()).toBe(false);
    // Late again 5 s after: now held back for 5 s after each late row.
    rows.place(5100);
    rows.place(5050);
    rows.place(10_000);
    expect(rows.holdsBack()).toBe(true);
    rows.place(10_101);
    expect(rows.holdsBack()).toBe(false);
  });

  it('takes its last row back where the next comes late behind it, so that the next goes by its own stamp', () => {
    const rows = new SourceRows(MAX_AGE_MS);
    rows.place(0);
    rows.place(500);
    expect(rows.overtakes(300)).toBe(true);
    expect(rows.place(300)).toEqual({ ts: 300 });
    // On time behind it, or a clock set back beyond the age limit: not overtaken.
    expect(rows.overtakes(400)).toBe(false);
    expect(rows.overtakes(300 - MAX_AGE_MS - 1)).toBe(false);
  });
});

/** One poll of channels x and y of asset `press` from `source`, stamped `ts`. */
const poll = (ts: number, x: number, y: number, source = 'opcua'): Sample[] =>
  (['x', 'y'] as const).map((channel, i) => ({
    source,
    asset: 'press',
    channel,
    ts,
    value: i === 0 ? x : y,
    quality: 'good' as const,
  }));

/** Sliding windows of one row each, hop one, on asset `press`: each row its own window, as it is windowed. */
function windowsOf(told: string[]) {
  const settings = windowSchema.parse({ max_sample_age_ms: MAX_AGE_MS, hop_samples: 1 });
  return new AssetWindows('press', ['x', 'y'], 1, settings, 100, undefined, undefined, undefined, (source) =>
    told.push(source),
  );
}

/** Each push's windows, as [end, x, y]. */
const outOf = (w: AssetWindows, batch: Sample[]) =>
  w.push(batch).map((o) => (o.kind === 'window' ? [o.window.end, ...Array.from(o.window.data)] : o.kind));

describe("an asset's row of held values", () => {
  it('is windowed as it comes from a source never late (a steady Modbus device): no batch waits', () => {
    const told: string[] = [];
    const w = windowsOf(told);
    // A device at rest, its values the same poll after poll: each poll's window at its own push.
    for (let t = 0; t < 20; t++) expect(outOf(w, poll(100 * t, 1, 2, 'modbus'))).toEqual([[100 * t, 1, 2]]);
    expect(told).toEqual([]);
  });

  it("is dropped where it waited on a source that came late and the next batch comes stamped before it (a stall's backlog)", () => {
    const told: string[] = [];
    const w = windowsOf(told);
    expect(outOf(w, poll(0, 1, 1))).toEqual([[0, 1, 1]]);
    expect(outOf(w, poll(100, 2, 2))).toEqual([[100, 2, 2]]);
    // A row 40 ms late: the source has come late.
    expect(outOf(w, poll(60, 3, 3))).toEqual([[100, 3, 3]]);
    expect(outOf(w, poll(200, 4, 4))).toEqual([[200, 4, 4]]);
    // The server stalls; its next publish holds the values (stamped 601), then the backlog stamped 300 to 500.
    expect(outOf(w, poll(601, 4, 4))).toEqual([]);
    expect(outOf(w, poll(300, 5, 5))).toEqual([[300, 5, 5]]);
    expect(outOf(w, poll(400, 6, 6))).toEqual([[400, 6, 6]]);
    expect(outOf(w, poll(500, 7, 7))).toEqual([[500, 7, 7]]);
    expect(told).toEqual(['opcua']);
  });

  it('is released before the next batch where that one comes after it', () => {
    const told: string[] = [];
    const w = windowsOf(told);
    outOf(w, poll(100, 2, 2));
    outOf(w, poll(60, 3, 3));
    // The machine at rest: its held values wait a batch each, then go in order.
    expect(outOf(w, poll(200, 3, 3))).toEqual([]);
    expect(outOf(w, poll(300, 3, 3))).toEqual([[200, 3, 3]]);
    expect(outOf(w, poll(400, 4, 4))).toEqual([
      [300, 3, 3],
      [400, 4, 4],
    ]);
    // Another asset's batch makes no row: the held row waits on.
    outOf(w, poll(500, 4, 4));
    expect(w.push(poll(450, 9, 9).map((s) => ({ ...s, asset: 'pump' })))).toEqual([]);
    expect(outOf(w, poll(600, 5, 5))).toEqual([
      [500, 4, 4],
      [600, 5, 5],
    ]);
    expect(told).toEqual([]);
  });
});
