/**
 * Regression: train --cycle-channel said "record more parts, 400 at least" after 397 were recorded, without saying
 * that only 272 were learned from and why the others were not. The note now counts them by reason.
 */
import { describe, expect, it } from 'vitest';
import type { CsvParts } from '../../src/training/csv-parts.js';
import { learnedOfText } from '../../src/training/fit-parts.js';

const made = (windows: number, reasons: string[]) =>
  ({
    windows: Array.from({ length: windows }, () => new Float64Array(1)),
    leftOut: reasons.map((reason, i) => ({ partId: `L${i}`, reason, row: i })),
  }) as unknown as CsvParts;

describe('how many of the parts recorded are learned from', () => {
  it('counts the parts left out by reason, with those the cut made but training leaves out', () => {
    const reasons = [
      ...Array.from({ length: 3 }, (_, i) => `its start was not seen: a pause in the samples (none for ${300 + i} ms)`),
      'the cycle had 2 samples, fewer than 5',
    ];
    expect(
      learnedOfText(made(393, reasons), 272, [
        [5, 'NOK in qs.csv'],
        [116, 'a poll missed in their rows'],
      ]),
    ).toBe(
      '272 of the 397 parts recorded are learned from; not: 116 a poll missed in their rows, 5 NOK in qs.csv, ' +
        '3 its start was not seen, 1 the cycle had 2 samples, fewer than 5',
    );
  });

  it('says nothing where every part recorded is learned from', () => {
    expect(learnedOfText(made(400, []), 400, [[0, 'a poll missed in their rows']])).toBe('');
  });
});
