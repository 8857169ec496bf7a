/**
 * The settle time after a restart (restart-settle.ts, csv-running-rows.ts withSettle): the rows within settle_ms of
 * the condition turning true after a stop are settling; an unknown state (no reading) is no stop; a machine running
 * at the data's start is taken as settled. Regression: w1's heat exchanger, whose mode said RUN at the restart's first
 * second while it ramped back for ~25 min, and the ramp set the alarm at every restart.
 */
import { describe, expect, it } from 'vitest';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import { runningRowsOf, stoppedRowsText, withSettle } from '../../src/core/csv-running-rows.js';
import { parseRunningCondition } from '../../src/core/running-condition.js';
import { RestartSettle, restartRows, settledStates, type ConditionState } from '../../src/core/restart-settle.js';

const S = (text: string): ConditionState[] =>
  [...text].map((ch) => (ch === 'R' ? 'running' : ch === 'S' ? 'stopped' : 'unknown'));
const short = (states: readonly string[]) =>
  states.map((s) => s[0].toUpperCase() + (s === 'settling' ? 'e' : '')).join(' ');
const seconds = (n: number) => Array.from({ length: n }, (_, i) => i * 1000);

describe('the settle time after a restart', () => {
  it.each([
    // Running at the start: settled (nothing says it restarted); after the stop, 3 s of settling.
    ['RRSSRRRRR', 3000, 'R R S S Se Se Se R R'],
    // The data starts stopped: its first running rows settle too.
    ['SSRRRRR', 2000, 'S S Se Se R R R'],
    // An unknown row (a failed read) while running starts no settle; one within a settle lets it run on.
    ['RR?RRSR?RRR', 3000, 'R R U R R S Se U Se R R'],
    // Unknown rows alone (the column has no reading yet) then running: no stop seen, no settle.
    ['??RRR', 5000, 'U U R R R'],
    // A stop within the settle starts it again at the next restart.
    ['SRSRRRR', 2000, 'S Se S Se Se R R'],
    // No settle time: the rows as the condition says.
    ['SRRR', 0, 'S R R R'],
  ])('%s with %d ms: %s', (text, ms, expected) => {
    expect(short(settledStates(S(text), seconds(text.length), ms))).toBe(expected);
  });

  it('is measured in time, not rows: at 10 s a row, 25 s settle three rows', () => {
    const times = [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000];
    expect(short(settledStates(S('SRRRRRR'), times, 25_000))).toBe('S Se Se Se R R R');
  });

  it('says since when and until when a restart settles', () => {
    const settle = new RestartSettle(1500);
    settle.at('stopped', 1000);
    expect(settle.at('running', 2000)).toBe('settling');
    expect(settle.restarted).toBe(true);
    expect(settle.settling).toEqual({ since: 2000, until: 3500 });
    expect(settle.at('running', 3000)).toBe('settling');
    expect(settle.restarted).toBe(false);
    expect(settle.at('running', 4000)).toBe('running');
    expect(settle.settling).toBeUndefined();
  });

  it('finds the restarts: a running row after a stopped one, unknown rows passed over', () => {
    expect(restartRows(S('RRSSRR?SS?RR'))).toEqual([4, 10]);
  });

  it("leaves a CSV's settling rows out as the stopped ones, counted apart", () => {
    const csv = [
      'Timestamp,Flow,Mode',
      ...['RUN', '', 'STOP', '', 'RUN', '', '', '', 'Bad', 'RUN'].map((m, i) => `2026-10-24T22:00:0${i}Z,${i},${m}`),
    ].join('\n');
    const condition = parseRunningCondition('Mode=RUN');
    const rows = runningRowsOf(parseSkabCsv(csv, 'e.csv', { textCellsOf: ['Mode'] }), condition, 'e.csv', 10);
    expect(rows.states.join(' ')).toBe(
      'running running stopped stopped running running running running unknown running',
    );
    const settled = withSettle(rows, seconds(10), { ms: 2000, how: '2000 ms, given (--running-settle-ms)' });
    expect([...settled.running]).toEqual([1, 1, 0, 0, 0, 0, 1, 1, 0, 1]);
    expect([...settled.settling!]).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect([settled.stoppedRows, settled.settlingRows]).toEqual([3, 2]);
    expect(stoppedRowsText(settled, 10)).toBe(
      '3 of the 10 rows not running (not Mode=RUN, or no reading of Mode) left out: neither learnt nor scored, no ' +
        'window spans them (--running-when); 2 of the 10 rows settling after a restart (within 2000 ms of the ' +
        'condition turning true after a stop) left out too (--running-settle-ms)',
    );
    // The rows given are left as they were.
    expect([...rows.running]).toEqual([1, 1, 0, 0, 1, 1, 1, 1, 0, 1]);
  });
});
