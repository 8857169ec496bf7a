/**
 * A pause in a recording (how `linewatch export` marks one: a row with no reading just after the last row before it,
 * the next row coming more than the 5 s a gateway holds a reading later) is never held over: `train` learns from the
 * rows on either side of it as segments (no window spans it, training/segments.ts) and says so, and `eval` scores no
 * window over it. A short gap at the sample period is held at the last reading, as before.
 */
import { describe, expect, it } from 'vitest';
import { csvNormalData } from '../../src/training/csv-dataset.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { pauseRows } from '../../src/core/csv-table.js';

/** 40 rows a second apart from t0, with `blank` (a row with no reading) after row `at`, and the rest `jumpMs` later. */
function recording(at: number, jumpMs: number): string {
  const lines = ['timestamp,flow,pressure,anomaly'];
  let t = 1_764_900_000_000;
  for (let i = 0; i < 40; i++) {
    if (i === at + 1) {
      lines.push(`${t - 1000 + 1},,,0`);
      t += jumpMs - 1000;
    }
    lines.push(`${t},${10 + (i % 3)},${2 + (i % 2)},0`);
    t += 1000;
  }
  return lines.join('\n');
}

describe('a pause in a recording', () => {
  it('is learnt around in the rows a model learns from: the rows either side of it, as two segments', () => {
    const data = csvNormalData(recording(19, 60_000), 'pump.csv', { name: 'pump' });
    // The marker row (no reading) is left out; the 40 rows with readings are kept, the 21st starting a segment.
    expect(data.rowCount).toBe(40);
    expect(data.segmentStarts).toEqual([20]);
    expect(Array.from(data.rows.subarray(19 * 2, 21 * 2))).toEqual([10 + (19 % 3), 2 + (19 % 2), 10 + (20 % 3), 2]);
    expect(data.source).toBe(
      'pump.csv (missing readings: flow 1 missing (first on line 22): 0 held at the last reading, 1 in 1 gap(s) longer ' +
        'than a gateway holds one (the longest left open: 1 rows from line 22), not learnt from; pressure 1 missing (first on line ' +
        '22): 0 held at the last reading, 1 in 1 gap(s) longer than a gateway holds one (the longest left open: 1 rows from ' +
        'line 22), not learnt from) (learnt in 2 segments: 1 pause(s), 1 row(s) without every reading left out; no window spans ' +
        'a break)',
    );
    const before = csvNormalData(recording(19, 60_000), 'pump.csv', { name: 'pump', rows: 20 });
    expect([before.rowCount, before.segmentStarts]).toEqual([20, undefined]);
  });

  it('is left open in eval (no window over it), while a blank row within the hold is held', () => {
    const paused = readLabelledCsv('pump.csv', recording(19, 60_000));
    expect(paused.missing!.map((m) => [m.column, m.held, m.open.map((g) => g.line)])).toEqual([
      ['flow', 0, [22]],
      ['pressure', 0, [22]],
    ]);
    const short = readLabelledCsv('pump.csv', recording(19, 2000));
    expect(short.missing!.map((m) => [m.column, m.held, m.open.length])).toEqual([
      ['flow', 1, 0],
      ['pressure', 1, 0],
    ]);
  });

  it('is not a missed sample of slow rows (historian_3min_blank_cell): one blank row at 3 minutes is held', () => {
    // A historian's 3-minute rows with one missed sample in one channel: the rows keep their period, so the gap is no
    // pause; a gateway holds a reading at least one row (holdRows). Before, the next reading's coming 6 minutes after
    // the last (over a period and a half) made it one: the row was left out, and eval left a window's span unscored.
    const t0 = Date.parse('2026-11-02T00:00:00+01:00');
    const lines = ['timestamp;FIC-101 Flow [m3/h];TI-302 Temp [degC];anomaly'];
    for (let i = 0; i < 40; i++)
      lines.push(
        `${new Date(t0 + i * 180_000).toISOString()};${i === 20 ? '' : `${10 + (i % 3)},5`};${60 + (i % 2)};0`,
      );
    const text = lines.join('\n');
    const data = csvNormalData(text, 'plant.csv', { name: 'plant' });
    expect([data.rowCount, data.segmentStarts, data.breaks]).toEqual([40, undefined, undefined]);
    expect(data.rows[20 * 2]).toBe(10 + (19 % 3) + 0.5);
    expect(data.source).toBe(
      'plant.csv (missing readings: FIC-101 Flow [m3/h] 1 missing (first on line 22): 1 held at the last reading)',
    );
    const scored = readLabelledCsv('plant.csv', text);
    expect(scored.missing!.map((m) => [m.column, m.held, m.open.length])).toEqual([['FIC-101 Flow [m3/h]', 1, 0]]);
    // Two missed samples in a row are more than a gateway holds at 3 minutes: left open, as before.
    const two = lines.map((l, i) => (i === 22 ? l.replace(/;[^;]*;/, ';;') : l)).join('\n');
    expect(readLabelledCsv('plant.csv', two).missing!.map((m) => [m.held, m.open.map((g) => g.rows)])).toEqual([
      [0, [2]],
    ]);
  });

  it('is found where rows jump in time with no marker row, and learnt around', () => {
    // Row 20 comes 60 s after row 19 (a historian's hole): no blank row says so.
    const lines = recording(99, 0).split('\n');
    const jumped = lines.map((l, i) => {
      if (i <= 20) return l;
      const [t, ...rest] = l.split(',');
      return [Number(t) + 59_000, ...rest].join(',');
    });
    const data = csvNormalData(jumped.join('\n'), 'pump.csv', { name: 'pump' });
    expect([data.rowCount, data.segmentStarts]).toEqual([40, [20]]);
    expect(data.source).toBe('pump.csv (learnt in 2 segments: 1 pause(s); no window spans a break)');
    expect(csvNormalData(jumped.join('\n'), 'pump.csv', { name: 'pump', rows: 20 }).segmentStarts).toBeUndefined();
  });

  it('is a step longer than the hold and than a period and a half: a late row at a slow rate is none', () => {
    const second = [0, 1000, 2000, 7000, 12_001, 13_001];
    expect(pauseRows(second, 1000)).toEqual([4]);
    // One row every 3 minutes: a row 4 minutes late is late, one that misses a row (6 minutes) marks a pause.
    const slow = [0, 180_000, 420_000, 600_000, 960_000];
    expect(pauseRows(slow, 180_000)).toEqual([4]);
  });

  it('is where rows go back in time (recordings joined out of order, rows repeated), not where the clocks change', () => {
    const lines = recording(99, 0).split('\n');
    // Rows 20 on are stamped 10 minutes earlier: two exports joined the wrong way round.
    const joined = lines.map((l, i) => {
      if (i <= 20) return l;
      const [t, ...rest] = l.split(',');
      return [Number(t) - 600_000, ...rest].join(',');
    });
    expect(() => csvNormalData(joined.join('\n'), 'pump.csv', { name: 'pump' })).toThrow(
      'pump.csv: the rows go back in time from 2025-12-05T02:00:19.000Z to 2025-12-05T01:50:20.000Z (599 s back: ' +
        'recordings joined out of order, or rows repeated), data rows 20 and 21; the rows a model learns from must ' +
        'run forward in time: sort them, remove the repeated rows, fit on the rows before it (--train-rows 20), or on ' +
        'a span without it',
    );
    // A local-time export across the end of summer time (the clock goes back an hour) and across its start (an hour
    // skipped): the rows run on, no pause, and the times after the change are put back in line.
    const local = (times: string[]) => {
      const text = `time,flow,anomaly\n${times.map((t, i) => `${t},${i},0`).join('\n')}\n`;
      const series = readLabelledCsv('local.csv', text);
      return {
        steps: Array.from(series.times.subarray(1), (t, i) => t - series.times[i]),
        pauses: pauseRows(series.times, 1000),
      };
    };
    expect(local(['2024-10-27 02:59:58', '2024-10-27 02:59:59', '2024-10-27 02:00:00', '2024-10-27 02:00:01'])).toEqual(
      {
        steps: [1000, 1000, 1000],
        pauses: [],
      },
    );
    expect(local(['2024-03-31 01:59:58', '2024-03-31 01:59:59', '2024-03-31 03:00:00', '2024-03-31 03:00:01'])).toEqual(
      {
        steps: [1000, 1000, 1000],
        pauses: [],
      },
    );
    // Dates written with their zone are absolute time: the same step back of an hour is rows going back, in eval
    // and in train (before, it was read as the clocks changing and the rows ran on).
    const zoned = ['2024-10-27T02:59:58Z', '2024-10-27T02:59:59Z', '2024-10-27T02:00:00Z', '2024-10-27T02:00:01Z'];
    expect(local(zoned)).toEqual({ steps: [1000, -3_599_000, 1000], pauses: [2] });
    expect(() =>
      csvNormalData(`time,flow\n${zoned.map((t, i) => `${t},${i}`).join('\n')}\n`, 'utc.csv', { name: 'utc' }),
    ).toThrow(
      'utc.csv: the rows go back in time from 2024-10-27T02:59:59.000Z to 2024-10-27T02:00:00.000Z (3599 s back: ' +
        'recordings joined out of order, or rows repeated), data rows 2 and 3; the rows a model learns from must run ' +
        'forward in time',
    );
    // The clocks going back written with offsets (+02:00, then +01:00) run on as written.
    const offsets = ['2024-10-27T02:59:58+02:00', '2024-10-27T02:59:59+02:00', '2024-10-27T02:00:00+01:00'];
    expect(local(offsets)).toEqual({ steps: [1000, 1000], pauses: [] });
    // An hour and a minute back is no clock change: a pause.
    expect(
      local(['2024-10-27 02:59:58', '2024-10-27 02:59:59', '2024-10-27 01:59:00', '2024-10-27 01:59:01']).pauses,
    ).toEqual([2]);
    // The same rows twice (a step back of 2 s) are a pause; a repeated time stamp (a step of 0) is not, nor a step
    // back by less than a period (time stamps' jitter: a row taken at 998 ms stamped after one at 1003 ms).
    expect(pauseRows([0, 1000, 2000, 0, 1000, 1000, 2000], 1000)).toEqual([3]);
    expect(pauseRows([0, 1003, 998, 2000, 3000], 1000)).toEqual([]);
  });
});
