/**
 * Which rows of a CSV run (--running-when): a historian's mode column stored on change (one cell at each change,
 * blank between), a bad-quality cell, a numeric speed; and a condition naming no column.
 */
import { describe, expect, it } from 'vitest';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import { runningRowsOf, stoppedRowsText } from '../../src/core/csv-running-rows.js';
import { parseRunningCondition } from '../../src/core/running-condition.js';

/** Rows a second apart: flow, speed, and a mode word written where it changes (blank between, `Bad` once). */
const MODE = ['', 'RUN', '', '', 'STOP', '', 'Bad', '', 'RUN', ''];
const SPEED = ['', '120', '130', '', '90', '', '', '140', '150', '160'];
const CSV = [
  'Timestamp,Flow [m3/h],Speed,XS-100 Unit mode',
  ...MODE.map((mode, i) => `2026-10-24T22:00:0${i}+02:00,${40 + i},${SPEED[i]},${mode}`),
].join('\n');

const table = (channel: string) => parseSkabCsv(CSV, 'e101.csv', { textCellsOf: [channel] });

describe('the running rows of a CSV', () => {
  it('holds a mode stored on change through its blanks; no reading before its first, nor after a bad cell', () => {
    const condition = parseRunningCondition('XS-100 Unit mode=RUN');
    const rows = runningRowsOf(table('XS-100 Unit mode'), condition, 'e101.csv', 10);
    // Row 0: no reading yet; 1–3 RUN; 4–5 STOP; 6–7 Bad (no value); 8–9 RUN.
    expect([...rows.running]).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
    expect(rows.stoppedRows).toBe(5);
    expect(stoppedRowsText(rows, 10)).toBe(
      '5 of the 10 rows not running (not XS-100 Unit mode=RUN, or no reading of XS-100 Unit mode) left out: ' +
        'neither learnt nor scored, no window spans them (--running-when)',
    );
    // A bad cell is no reading for != either: the state is unknown, not "not STOP".
    const notStop = runningRowsOf(table('XS-100 Unit mode'), parseRunningCondition('XS-100 Unit mode!=STOP'), 'f', 10);
    expect([...notStop.running]).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
  });

  it('judges a column of readings by number, held through its blanks, and counts only the first n rows', () => {
    const rows = runningRowsOf(table('Speed'), parseRunningCondition('Speed>100'), 'e101.csv', 8);
    expect([...rows.running]).toEqual([0, 1, 1, 1, 0, 0, 0, 1]);
    expect(rows.stoppedRows).toBe(4);
    expect(stoppedRowsText({ ...rows, stoppedRows: 0 }, 8)).toBe('');
  });

  it('refuses a condition naming no column, with the file, the columns and the one meant', () => {
    const condition = parseRunningCondition('XS-100=RUN');
    expect(() => runningRowsOf(table('XS-100'), condition, 'e101.csv', 10)).toThrow(
      'e101.csv: --running-when XS-100=RUN: no column "XS-100" (did you mean "XS-100 Unit mode"?); columns: ' +
        '["Flow [m3/h]","Speed","XS-100 Unit mode"]',
    );
    expect(() => runningRowsOf(table('Sped'), parseRunningCondition('Sped>1'), 'e101.csv', 10)).toThrow(
      'e101.csv: --running-when Sped>1: no column "Sped" (did you mean "Speed"?); columns: ',
    );
    expect(() => runningRowsOf(table('Level'), parseRunningCondition('Level>1'), 'e101.csv', 10)).toThrow(
      /^e101\.csv: --running-when Level>1: no column "Level"; columns: \["Flow/,
    );
  });
});
