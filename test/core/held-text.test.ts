/** Missing readings as train, eval and the report say them: each channel named where a few miss readings, the
 * channels that miss the most named and the rest summed up where many do (a historian's forty channels). */
import { describe, expect, it } from 'vitest';
import { heldText, type HeldReadings } from '../../src/core/csv-gaps.js';

const held = (column: string, cells: number, firstLine: number, open: HeldReadings['open'] = []): HeldReadings => ({
  column,
  cells,
  firstLine,
  held: cells - open.reduce((a, g) => a + g.rows, 0),
  open,
});

describe('heldText', () => {
  it('names each of four channels', () => {
    const four = ['a', 'b', 'c', 'd'].map((c, i) => held(c, 1, 10 + i));
    expect(heldText(four)).toBe(
      'a 1 missing (first on line 10): 1 held at the last reading; b 1 missing (first on line 11): 1 held at the last ' +
        'reading; c 1 missing (first on line 12): 1 held at the last reading; d 1 missing (first on line 13): 1 held ' +
        'at the last reading',
    );
  });

  it('names the three channels missing the most and sums up the others, with their longest gap not scored', () => {
    const channels = [
      held('FIC-101', 2, 40),
      held('TI-302', 9, 7, [{ row: 5, rows: 4, line: 7 }]),
      held('PI-201', 3, 12),
      held('LIC-401', 5, 30),
      held('XV-701', 2, 5, [{ row: 3, rows: 2, line: 5 }]),
      held('XV-702', 3, 90, [{ row: 88, rows: 3, line: 90 }]),
    ];
    expect(heldText(channels)).toBe(
      'TI-302 9 missing (first on line 7): 5 held at the last reading, 4 in 1 gap(s) longer than a gateway holds one ' +
        '(the longest left open: 4 rows from line 7), not scored; LIC-401 5 missing (first on line 30): 5 held at the last ' +
        'reading; PI-201 3 missing (first on line 12): 3 held at the last reading; and 3 more channels: 7 missing ' +
        '(first on line 5), 2 held at the last reading, 5 in 2 gap(s) longer than a gateway holds one (the longest left ' +
        'open: 3 rows from line 90, in XV-702), not scored',
    );
    const allHeld = channels.map((c) => held(c.column, c.cells, c.firstLine));
    expect(heldText(allHeld)).toMatch(
      /; and 3 more channels: 7 missing \(first on line 5\), 7 held at the last reading$/,
    );
  });
});
