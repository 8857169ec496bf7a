/**
 * A labelled CSV whose dates are coarser than its rows (whole seconds at 5 rows a second, as Excel often shows them):
 * eval reads it with --period-ms, the rows that share a time that far apart, and says what to do without.
 */
import { describe, expect, it } from 'vitest';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';

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
      'line.csv: most rows share their time with the row before (15 rows, 3 distinct times, 2024-01-23T00:00:00.000Z ' +
        'first): the times are coarser than the rows, such as whole seconds at several rows a second; export them ' +
        'with milliseconds, or give --period-ms (the rows that share a time are then read that far apart)',
    );
  });
});
