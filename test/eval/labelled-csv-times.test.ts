/**
 * A labelled CSV whose dates are coarser than its rows (whole seconds at 5 rows a second, as Excel often shows them):
 * eval reads it with --period-ms, the rows that share a time that far apart, and says what to do without.
 */
import { describe, expect, it } from 'vitest';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { csvNormalData } from '../../src/training/csv-dataset.js';

const text = [
  'timestamp;flow;anomaly',
  ...['2024-01-23 00:00:00', '2024-01-23 00:00:01', '2024-01-23 00:00:02'].flatMap((t, s) =>
    Array.from({ length: 5 }, (_, k) => `${t};${10 + s + k / 10};0`),
  ),
].join('\n');

describe('eval of dates coarser than the rows', () => {
  it('reads them with --period-ms, the rows that share a time that far apart', () => {
    const series = readLabelledCsv('line.csv', text, 200);
    expect(series.periodMs).toBe(200);
    expect(Array.from(series.times.subarray(0, 7), (t) => t - series.times[0])).toEqual([
      0, 200, 400, 600, 800, 1000, 1200,
    ]);
  });

  it('without --period-ms, says why it cannot tell the period and what to do', () => {
    expect(() => readLabelledCsv('line.csv', text)).toThrow(
      'line.csv: many rows share their time with the row before (15 rows, 3 distinct times, 2024-01-23T00:00:00.000Z ' +
        'first): the times are coarser than the rows, such as whole seconds at several rows a second; export them ' +
        'with milliseconds, or give --period-ms (the rows that share a time are then read that far apart)',
    );
  });

  it('tells two rows a stamp whatever the row count (a median step of 0 or of 1000 ms), and a period that overruns', () => {
    // 2 rows a second with whole-second stamps, 7 rows: the median step is 1000 ms, the true period 500 ms.
    const two = [
      'timestamp;flow;anomaly',
      ...Array.from({ length: 7 }, (_, i) => `2024-01-23 00:00:0${Math.floor(i / 2)};${10 + i};0`),
    ].join('\n');
    expect(() => readLabelledCsv('two.csv', two)).toThrow('two.csv: many rows share their time with the row before');
    const series = readLabelledCsv('two.csv', two, 500);
    expect(Array.from(series.times, (t) => t - series.times[0])).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(() => readLabelledCsv('two.csv', two, 1000)).toThrow(
      'two.csv: --period-ms 1000: the rows that share the time 2024-01-23T00:00:00.000Z, 1000 ms apart, run up to ' +
        '2024-01-23T00:00:01.000Z, past the next time: give the period the rows were taken at (the time from one ' +
        'stamp to the next over the rows that share one)',
    );
  });
});

describe('eval and train of plain numbers coarser than the rows (seconds since the start at 4 rows a second)', () => {
  // 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2 (the last second cut short), 3, 3, 3, 3.
  const seconds = [4, 4, 3, 4].flatMap((rows, s) => Array<number>(rows).fill(s));
  const text = ['time;flow;anomaly', ...seconds.map((s, i) => `${s};${10 + i / 10};0`)].join('\n');
  const read = [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 3000, 3250, 3500, 3750];

  it("reads them --period-ms (or the model's period) apart, a second as 4 rows (before, refused)", () => {
    for (const series of [readLabelledCsv('secs.csv', text, 250), readLabelledCsv('secs.csv', text, undefined, 250)]) {
      expect(series.periodMs).toBe(250);
      expect([...series.times]).toEqual(read);
    }
    expect(() => readLabelledCsv('secs.csv', text)).toThrow(
      'secs.csv: the time column holds plain numbers (0, 0, 0, …), not dates or Unix times (ms; s, µs or ns under a ' +
        "time's name), so the sample period is unknown; give --period-ms (the rows that share a number are then read " +
        'that far apart)',
    );
  });

  it('trains on them at --period-ms, and on their first rows alone', () => {
    const data = csvNormalData(text, 'secs.csv', { name: 'secs', periodMs: 250 });
    expect([data.periodMs, data.rowCount, data.channels]).toEqual([250, 15, ['flow']]);
    expect(csvNormalData(text, 'secs.csv', { name: 'secs', periodMs: 250, rows: 9 }).rowCount).toBe(9);
    expect(() => csvNormalData(text, 'secs.csv', { name: 'secs' })).toThrow(
      /^secs\.csv: the time column holds plain numbers \(0, 0, 0, …\).*give --period-ms \(the rows that share a number/,
    );
  });
});
