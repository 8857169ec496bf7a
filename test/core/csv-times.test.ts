/**
 * The time column read as times in ms (timesInMs): dates written with their zone or offset are absolute time, so an
 * hour's step there is real (a pause, rows going back), while dates in local time run on across a daylight-saving
 * change; plain numbers coarser than the rows (whole seconds at 4 rows a second) are read --period-ms apart, as dates
 * coarser than the rows are.
 */
import { describe, expect, it } from 'vitest';
import { parseSkabCsv, pauseRows, timesInMs } from '../../src/core/csv-table.js';
import { refusal } from '../helpers/csv-tables.js';

const table = (times: readonly (string | number)[]) =>
  parseSkabCsv(`time;a\n${times.map((t, i) => `${t};${i}`).join('\n')}\n`, 'log.csv');

/** The times timesInMs reads, from the first. */
const relative = (times: readonly (string | number)[], givenMs?: number) => {
  const read = timesInMs(table(times), 'log.csv', givenMs);
  return Array.from(read.times, (t) => t - read.times[0]);
};

/** `n` rows of each number in turn: whole seconds at `n` rows a second. */
const each = (counts: readonly number[], values: readonly number[] = counts.map((_, i) => i)) =>
  values.flatMap((v, i) => Array<number>(counts[i]).fill(v));

describe('dates written with their zone or offset', () => {
  it('are marked zoned only where every date says its zone (Z, an offset, UTC); the rest is local time', () => {
    expect(table(['2024-01-23T00:00:00Z', '2024-01-23T00:00:01.500z']).zonedTimes).toBe(true);
    expect(table(['2024-01-23 00:00:00+01:00', '2024-01-23T00:00:01-0500']).zonedTimes).toBe(true);
    expect(table(['2024-01-23 00:00:00 UTC', '2024-01-23 00:00:01 GMT']).zonedTimes).toBe(true);
    for (const local of [
      ['2024-01-23 00:00:00', '2024-01-23 00:00:01'],
      ['23.01.2024 00:00:00', '23.01.2024 00:00:01'],
      ['2024-1-23 0:00:00', '2024-1-23 0:00:01'],
      ['23-Jan-2024 00:00:00', '23-Jan-2024 00:00:01'],
      ['1706000000000', '1706000001000'],
      ['1706000000', '1706000001'],
      // One date without its zone makes the column local time.
      ['2024-01-23T00:00:00Z', '2024-01-23 00:00:01'],
    ])
      expect(table(local).zonedTimes).toBeUndefined();
  });

  it('keep a real step of an hour (back or on): a pause, not a daylight-saving change (before, it was unwrapped)', () => {
    const back = ['2024-01-23T01:00:00Z', '2024-01-23T01:00:01Z', '2024-01-23T00:00:02Z', '2024-01-23T00:00:03Z'];
    expect(relative(back)).toEqual([0, 1000, -3_598_000, -3_597_000]);
    expect(pauseRows(timesInMs(table(back), 'log.csv').times, 1000)).toEqual([2]);
    const on = ['2024-01-23T00:00:00+01:00', '2024-01-23T00:00:01+01:00', '2024-01-23T01:00:02+01:00'];
    expect(relative([...on, '2024-01-23T01:00:03+01:00'])).toEqual([0, 1000, 3_602_000, 3_603_000]);
    // The same dates without their zone are local time: the hour is the clocks changing, and the rows run on.
    expect(relative(back.map((d) => d.slice(0, -1)))).toEqual([0, 1000, 2000, 3000]);
    expect(relative([...on, '2024-01-23T01:00:03+01:00'].map((d) => d.slice(0, -6)))).toEqual([0, 1000, 2000, 3000]);
    // A column that mixes the two is local time throughout (one date without a zone cannot say which hour it meant).
    expect(relative(['2024-01-23T01:00:00Z', ...back.slice(1).map((d) => d.slice(0, -1))])).toEqual([
      0, 1000, 2000, 3000,
    ]);
  });

  it('run on across a daylight-saving change written with offsets: continuous in absolute time as written', () => {
    // Berlin, end of summer time: 02:59:59 CEST (+02:00), then 02:00:00 CET (+01:00), one second later.
    const autumn = table([
      '2024-10-27T02:59:58+02:00',
      '2024-10-27T02:59:59+02:00',
      '2024-10-27T02:00:00+01:00',
      '2024-10-27T02:00:01+01:00',
    ]);
    const at = Date.UTC(2024, 9, 27, 0, 59, 58);
    expect(timesInMs(autumn, 'log.csv')).toEqual({
      times: Float64Array.from([at, at + 1000, at + 2000, at + 3000]),
      periodMs: 1000,
    });
    // Start of summer time: 01:59:59 CET, then 03:00:00 CEST.
    const spring = table(['2024-03-31 01:59:58+01:00', '2024-03-31 01:59:59+01:00', '2024-03-31 03:00:00+02:00']);
    expect(Array.from(timesInMs(spring, 'log.csv').times, (t) => t - Date.UTC(2024, 2, 31, 0, 59, 58))).toEqual([
      0, 1000, 2000,
    ]);
  });
});

describe('plain numbers coarser than the rows (whole seconds at several rows a second)', () => {
  it('are read --period-ms apart, a step from one number to the next as long as the rows most numbers have', () => {
    // Before, refused with --period-ms: "the time column's numbers do not increase (median spacing 0)".
    expect(relative(each([4, 4, 4]), 250)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750]);
    expect(timesInMs(table(each([4, 4, 4])), 'log.csv', 250).periodMs).toBe(250);
    // Half minutes at 2 rows each: a step of 0.5 is 2 rows at 15 s, so 1 is a minute.
    expect(relative(each([2, 2, 2], [0, 0.5, 1]), 15_000)).toEqual([0, 15_000, 30_000, 45_000, 60_000, 75_000]);
  });

  it('read a number with fewer rows (4, 4, 3, 4 a second) with a longer step after it, and keep a gap as a pause', () => {
    expect(relative(each([4, 4, 3, 4]), 250)).toEqual([
      0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 3000, 3250, 3500, 3750,
    ]);
    // Seconds 2 to 8 missing: 9 s is read 9000 ms on, a pause.
    const gap = timesInMs(table(each([4, 4, 4, 4], [0, 1, 9, 10])), 'log.csv', 250).times;
    expect([...gap].slice(4)).toEqual([1000, 1250, 1500, 1750, 9000, 9250, 9500, 9750, 10_000, 10_250, 10_500, 10_750]);
    expect(pauseRows(gap, 250)).toEqual([8]);
  });

  it('take two rows a number whatever the row count (a median step of 0 or of 1)', () => {
    // 7 rows: the median step is 1 (before, read as 500 ms, two rows at each time).
    expect(relative(each([2, 2, 2, 1]), 500)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
  });

  it('without --period-ms, say that it is needed and what it does', () => {
    expect(refusal(() => timesInMs(table(each([4, 4])), 'log.csv'))).toBe(
      "log.csv: the time column holds plain numbers (0, 0, 0, …), not dates or Unix times (ms; s, µs or ns under a time's name), so the sample period is unknown; give --period-ms (the rows that share a number are then read that far apart), or write the times as dates (2024-01-23 00:03:00)",
    );
  });

  it('refuse a number with more rows than fit before the next, naming its rows and the fix', () => {
    expect(refusal(() => timesInMs(table(each([4, 4, 5, 4])), 'log.csv', 250))).toBe(
      'log.csv: --period-ms 250: 5 rows share the time 2 (data rows 9 to 13): 250 ms apart they run past the next ' +
        'time, 3, read as 1000 ms later (most times have 4 rows: a step of 1 is read as 4 rows at 250 ms); the times ' +
        'are too coarse to place these rows: write them to a finer unit (with their fractions) or as dates with ' +
        'milliseconds',
    );
    // A step shorter than most (0.5 after steps of 1) leaves no room for the rows before it either.
    expect(refusal(() => timesInMs(table(each([4, 4, 4, 4], [0, 1, 1.5, 2.5])), 'log.csv', 250))).toMatch(
      /^log\.csv: --period-ms 250: 4 rows share the time 1 \(data rows 5 to 8\): 250 ms apart they run past the next time, 1\.5, read as 500 ms later \(most times have 4 rows: a step of 1 /,
    );
  });
});

describe('times that rows share, running back', () => {
  it('newest first: refused as rows newest first, numbers and dates alike (before, dates named the period)', () => {
    expect(refusal(() => timesInMs(table(each([2, 2, 2], [3, 2, 1])), 'log.csv', 500))).toBe(
      'log.csv: its rows run back in time (newest first: the median step from one time to the next is -1); sort them oldest first',
    );
    const dates = ['2024-01-23 00:00:02', '2024-01-23 00:00:01', '2024-01-23 00:00:00'].flatMap((d) => [d, d]);
    expect(refusal(() => timesInMs(table(dates), 'log.csv', 500))).toBe(
      'log.csv: its rows run back in time (newest first: the median step from one time to the next is -1000); sort them oldest first',
    );
  });

  it('once (rows repeated): kept as the pause it is, numbers and dates alike (before, dates were refused)', () => {
    const spread = [0, 500, 1000, 1500, 0, 500, 1000, 1500];
    const numbers = timesInMs(table([0, 0, 1, 1, 0, 0, 1, 1]), 'log.csv', 500).times;
    expect([...numbers]).toEqual(spread);
    expect(pauseRows(numbers, 500)).toEqual([4]);
    const [a, b] = ['2024-01-23 00:00:00', '2024-01-23 00:00:01'];
    expect(relative([a, a, b, b, a, a, b, b], 500)).toEqual(spread);
  });
});
