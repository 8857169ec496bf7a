/**
 * A historian's wide export (historian_10s_tags_blank_between): 1 s tags on every row, a 10 s tag on one row in ten,
 * blank between. With the default hold (an asset's max_sample_age_ms, 5 s) every 9-row blank is a gap longer than a
 * gateway holds a reading: its first 5 rows are held (as a gateway holds the reading for 5 s), the other 4 are left
 * out of a fit, and eval scores no window over them (until 2026-12-08 the whole gap was left out). With
 * `maxSampleAgeMs` (train and eval --max-sample-age-ms) as long as the tag's sampling, they are held, as a gateway
 * configured with that max_sample_age_ms holds them.
 */
import { describe, expect, it } from 'vitest';
import { csvNormalData } from '../../src/training/csv-dataset.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';

/** 120 rows a second apart with their offset; `slow` read every 10 s (row 0, 10, …), blank on the rows between. */
function historianExport(): string {
  const lines = ['Timestamp,fast,slow,anomaly'];
  const t0 = Date.parse('2026-10-25T01:59:00+02:00');
  for (let i = 0; i < 120; i++) {
    const t = new Date(t0 + i * 1000).toISOString().replace('Z', '+00:00');
    lines.push(`${t},${10 + (i % 3)},${i % 10 === 0 ? 50 + i / 10 : ''},0`);
  }
  return lines.join('\n');
}

describe('a tag sampled slower than the rows of a historian export', () => {
  it('leaves the rows past the default hold of 5 s out of a fit', () => {
    const data = csvNormalData(historianExport(), 'e101.csv', { name: 'e101' });
    // A 9-row gap is longer than the 5 rows a gateway holds a reading at 1 s: its first 5 rows are held, as a gateway
    // holds the reading 5 s, and the 72 rows with a reading of both or a held one are learnt from, in 12 segments.
    expect(data.rowCount).toBe(72);
    expect(data.segmentStarts).toEqual([6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 66]);
    expect(data.missing.map((m) => [m.column, m.cells, m.held, m.open.length])).toEqual([['slow', 108, 60, 12]]);
    // Row 5 holds the reading of row 0 (5 s old); what train says names the rows left out and where.
    expect(data.rows[5 * 2 + 1]).toBe(50);
    expect(data.source).toBe(
      'e101.csv (missing readings: slow 108 missing (first on line 3): 60 held at the last reading, 48 in 12 gap(s) ' +
        'longer than a gateway holds one (the longest left open: 4 rows from line 8), not learnt from) (learnt in 12 ' +
        'segments: 48 row(s) without every reading left out; no window spans a break)',
    );
  });

  it("holds every blank between the tag's samples with a hold as long as its sampling", () => {
    const data = csvNormalData(historianExport(), 'e101.csv', { name: 'e101', maxSampleAgeMs: 10_000 });
    expect([data.rowCount, data.segmentStarts, data.breaks]).toEqual([120, undefined, undefined]);
    expect(data.missing.map((m) => [m.column, m.cells, m.held, m.open.length])).toEqual([['slow', 108, 108, 0]]);
    // Row 19 holds the reading of row 10.
    expect(data.rows[19 * 2 + 1]).toBe(51);
    expect(data.source).toBe(
      'e101.csv (readings held up to 10000 ms: --max-sample-age-ms) (missing readings: slow 108 missing (first on line 3): 108 held at the last reading)',
    );
  });

  it('is scored in eval with the same hold, and without it only over its first 5 s', () => {
    const held = readLabelledCsv(
      'e101.csv',
      historianExport(),
      undefined,
      undefined,
      undefined,
      [],
      undefined,
      undefined,
      10_000,
    );
    expect(held.missing!.map((m) => [m.held, m.open.length])).toEqual([[108, 0]]);
    const open = readLabelledCsv('e101.csv', historianExport());
    expect(open.missing!.map((m) => [m.held, m.open.length])).toEqual([[60, 12]]);
  });

  it('is counted in the rows learnt from with --train-rows, not in the whole file (train_rows_missing_counts)', () => {
    // Before, a 30 h export trained on its first 50400 rows said the whole file's counts (107998 missing) and a gap
    // from a line past those rows.
    const data = csvNormalData(historianExport(), 'e101.csv', { name: 'e101', rows: 25, maxSampleAgeMs: 10_000 });
    // Rows 1-9, 11-19 and 21-24 (the gap that runs on to row 29 cut at row 25): 22 missing, all held.
    expect(data.missing.map((m) => [m.column, m.cells, m.held, m.open.length])).toEqual([['slow', 22, 22, 0]]);
    const open = csvNormalData(historianExport(), 'e101.csv', { name: 'e101', rows: 25 });
    // Rows 6-9 and 16-19 past the 5 s hold, from lines 8 and 18; rows 21-24 within it.
    expect(open.missing.map((m) => [m.cells, m.held, m.open.map((g) => [g.line, g.rows])])).toEqual([
      [
        22,
        14,
        [
          [8, 4],
          [18, 4],
        ],
      ],
    ]);
  });
});
