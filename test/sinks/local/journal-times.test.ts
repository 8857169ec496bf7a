/** The journal's times and gap messages, apart from the database: what a row's time must be, and how a gap reads. */
import { describe, expect, it } from 'vitest';
import { BACKLOG_BOUND, gapMessage } from '../../../src/sinks/local/journal-gap.js';
import { isTime, iso } from '../../../src/core/epoch-time.js';

describe('journal times', () => {
  it('takes integer ms a Date can hold and nothing else', () => {
    expect([0, -1, 1_700_000_000_000, 8.64e15, -8.64e15].map(isTime)).toEqual([true, true, true, true, true]);
    expect([8.64e15 + 1, 1.5, Number.NaN, '1700000000000', null, undefined].map(isTime)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('writes a time as ISO 8601 where it is one, and as it is where not', () => {
    expect(iso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(iso(1.5)).toBe('1.5');
    expect(iso(9e15)).toBe('9000000000000000');
  });
});

describe('gapMessage', () => {
  it('names the alarm, how many transitions, between which times, and the bound that dropped them', () => {
    expect(BACKLOG_BOUND).toMatch(/^\d+ transitions or \d+(\.\d+)? MiB$/);
    expect(gapMessage({ asset: 'pump-1', alarm: 'anomaly', dropped: 3, from: 1_000, to: 61_000 })).toBe(
      '3 transition(s) of pump-1/anomaly from 1970-01-01T00:00:01.000Z to 1970-01-01T00:01:01.000Z are not journaled: ' +
        `dropped while the journal could not be written (past ${BACKLOG_BOUND} waiting)`,
    );
  });
});
