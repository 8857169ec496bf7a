/**
 * A recording with breaks in it (a restart, a source's outage, a channel's reading missing for longer than a gateway
 * holds one) is learnt from around them: the rows without every reading are left out, and no window of the fit spans
 * a break, as no window of the gateway does (it starts its windows again after one).
 */
import { describe, expect, it } from 'vitest';
import {
  noCompleteRowError,
  segmentRows,
  splitAtJoins,
  windowEnds,
  segmentsText,
} from '../../src/training/segments.js';
import type { NormalData } from '../../src/training/fit-detector.js';
import { fitPlant, twoSourcePlant } from '../helpers/two-source-plant.js';

describe('segmentRows', () => {
  // Three channels, 8 rows a second apart; row 2 lacks a reading, and row 6 comes a minute after row 5.
  const times = [0, 1000, 2000, 3000, 4000, 5000, 65_000, 66_000];
  const rows = Float64Array.from([
    ...[1, 2, 3],
    ...[4, 5, 6],
    ...[7, NaN, 9],
    ...[10, 11, 12],
    ...[13, 14, 15],
    ...[16, 17, 18],
    ...[19, 20, 21],
    ...[22, 23, 24],
  ]);

  it('leaves out the rows without every reading and starts a segment after them and after a pause', () => {
    const s = segmentRows(rows, 3, times, 1000, 8);
    expect(s.rowCount).toBe(7);
    expect(Array.from(s.rows.subarray(0, 9))).toEqual([1, 2, 3, 4, 5, 6, 10, 11, 12]);
    expect(s.segmentStarts).toEqual([2, 5]);
    expect(s.sourceRows).toEqual([0, 1, 3, 4, 5, 6, 7]);
    expect([s.leftOutRows, s.pauses]).toEqual([1, 1]);
    expect(segmentsText(s)).toBe(
      'learnt in 3 segments: 1 pause(s), 1 row(s) without every reading left out; no window spans a break',
    );
  });

  it('keeps rows that run on as they are, and reads only the first n', () => {
    const s = segmentRows(rows, 3, times, 1000, 2);
    expect([s.rowCount, s.segmentStarts, s.sourceRows, segmentsText(s)]).toEqual([2, [], undefined, '']);
    expect(s.rows).toEqual(rows.subarray(0, 6));
  });

  it('starts no segment for rows left out before the first kept row', () => {
    const s = segmentRows(Float64Array.from([NaN, 1, 2, 3]), 1, [0, 1000, 2000, 3000], 1000, 4);
    expect([s.rowCount, s.segmentStarts, s.sourceRows]).toEqual([3, [], [1, 2, 3]]);
  });
});

describe('windowEnds', () => {
  it('gives the windows that lie inside one segment', () => {
    expect(windowEnds(0, 10, 3)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    // A segment starts at row 5: windows ending at 5 and 6 would read row 4 as well.
    expect(windowEnds(0, 10, 3, [5])).toEqual([2, 3, 4, 7, 8, 9]);
    // Two starts close together: the short segment [4, 6) gives no window of 3.
    expect(windowEnds(3, 12, 3, [4, 6])).toEqual([3, 8, 9, 10, 11]);
  });

  it('cuts a block of scores where the windows are not consecutive rows', () => {
    const blocks = [Float64Array.of(1, 2, 3), Float64Array.of(4, 5)];
    expect(splitAtJoins(blocks, [2, 3, 7, 8, 9]).map((b) => Array.from(b))).toEqual([[1, 2], [3], [4, 5]]);
    expect(splitAtJoins(blocks, [2, 3, 4, 5, 6]).map((b) => Array.from(b))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});

/**
 * The plant of 800 rows with a swing of ±4 on every channel over 64 rows, and 32 rows cut out after row 400 (the
 * recording stopped for half a swing): across the cut every channel jumps by up to 8, which no normal row does.
 */
function plantWithCut(): NormalData {
  const plant = twoSourcePlant();
  const c = plant.channels.length;
  const cut = 32;
  const n = plant.rowCount - cut;
  const rows = new Float64Array(n * c);
  for (let t = 0; t < n; t++) {
    const clock = t < 400 ? t : t + cut;
    for (let ch = 0; ch < c; ch++)
      rows[t * c + ch] = plant.rows[t * c + ch] + 4 * Math.sin((2 * Math.PI * (clock + 1)) / 64);
  }
  return { ...plant, rows, rowCount: n };
}

async function fit(data: NormalData) {
  const fitted = await fitPlant(data, 'stats');
  return { manifest: fitted.manifest, details: fitted.manifest.score.details! };
}

describe('a detector fitted on a recording with a break', () => {
  it('forms no window across it, so the jump there is not learnt as normal nor named as setting the alarm', async () => {
    const data = plantWithCut();
    const across = await fit(data);
    const around = await fit({ ...data, segmentStarts: [400] });
    // Read across the break, the jump is the largest "normal" score: a window over it.
    const spansBreak = (d: typeof across.details) =>
      Number(d.largest_score_row) > 400 && Number(d.largest_score_row) <= 400 + 31;
    expect(String(across.details.largest_score_term).endsWith(' variability')).toBe(true);
    expect(spansBreak(across.details)).toBe(true);
    // Learnt around it: the 31 windows that would span it are neither fitted nor calibrated on.
    expect(Number(across.details.windows) - Number(around.details.windows)).toBe(31);
    expect(spansBreak(around.details)).toBe(false);
    // Each segment's windows are their own runs for the calibration's clusters of high scores.
    expect(Number(around.details.segments)).toBe(Number(across.details.segments) + 1);
  });
});

describe('a recording in which no row has every reading', () => {
  it('is refused naming how many rows each channel misses, most first, and the fix', () => {
    const rows = Float64Array.from([1, NaN, NaN, NaN, 2, 3, NaN, NaN, 4]);
    expect(noCompleteRowError('pump.csv', rows, ['flow', 'pressure', 'speed'], 3).message).toBe(
      'pump.csv: no row of the first 3 has a reading of every channel the model reads (missing: flow in 2, ' +
        'pressure in 2, speed in 1 of them): leave out a channel whose readings are missing (--channels), or learn from ' +
        'other rows',
    );
  });
});
