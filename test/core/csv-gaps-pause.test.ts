/**
 * A gap that runs into a pause is held by the gateway's rule (readingStands) up to the pause and left open from it
 * on: the gateway held the last reading over the failed reads before it stopped, and scored those rows. Export's mark
 * of the pause (a row with no reading, just after the row before it) is no row of the gateway's: left open. Regression
 * (hold-s40): the whole gap was left open, its first rows not scored by eval nor learnt by train.
 */
import { describe, expect, it } from 'vitest';
import { holdShortGaps, type MissingCells } from '../../src/core/csv-gaps.js';

/** 1 s rows; `a` fails at 2 s and 3 s (`b` still read), the gateway stops: export's mark at 3.001 s, 10 min on. */
function exported() {
  const times = Float64Array.from([0, 1000, 2000, 3000, 3001, 600_000, 601_000]);
  const a = Float64Array.from([1, 1, NaN, NaN, NaN, 2, 2]);
  const b = Float64Array.from([5, 5, 5, 5, NaN, 6, 6]);
  const missing: MissingCells[] = [
    { column: 'a', cells: 3, firstLine: 4, gaps: [{ row: 2, rows: 3, line: 4 }] },
    { column: 'b', cells: 1, firstLine: 6, gaps: [{ row: 4, rows: 1, line: 6 }] },
  ];
  return {
    times,
    a,
    table: {
      columns: new Map([
        ['a', a],
        ['b', b],
      ]),
      missing,
    },
  };
}

describe('holdShortGaps: a gap that runs into a pause', () => {
  it("holds its rows before export's pause mark and leaves the mark open", () => {
    const { times, a, table } = exported();
    const held = holdShortGaps(table, ['a', 'b'], 1000, times, 5000);
    expect(held.map(({ column, held, open }) => ({ column, held, open }))).toEqual([
      { column: 'a', held: 2, open: [{ row: 4, rows: 1, line: 6 }] },
      { column: 'b', held: 0, open: [{ row: 4, rows: 1, line: 6 }] },
    ]);
    expect(Array.from(a)).toEqual([1, 1, 1, 1, NaN, 2, 2]);
  });

  it('holds its rows up to a pause with no mark (a historian hole) and leaves the rows after it open', () => {
    const times = Float64Array.from([0, 1000, 2000, 3000, 600_000, 601_000, 602_000]);
    const a = Float64Array.from([1, 1, NaN, NaN, NaN, NaN, 2]);
    const table = {
      columns: new Map([['a', a]]),
      missing: [{ column: 'a', cells: 4, firstLine: 4, gaps: [{ row: 2, rows: 4, line: 4 }] }],
    };
    const [held] = holdShortGaps(table, ['a'], 1000, times, 5000);
    expect(held).toMatchObject({ held: 2, open: [{ row: 4, rows: 2, line: 6 }] });
    expect(Array.from(a)).toEqual([1, 1, 1, 1, NaN, NaN, 2]);
  });

  it('holds none past the hold before the pause (readingStands at the asset hold)', () => {
    const { times, a, table } = exported();
    const held = holdShortGaps(table, ['a', 'b'], 1000, times, 1500);
    expect(held[0]).toMatchObject({ held: 1, open: [{ row: 3, rows: 2, line: 5 }] });
    expect(Array.from(a)).toEqual([1, 1, 1, NaN, NaN, 2, 2]);
  });
});
