/**
 * A good part whose first readings a stalled poll lost (its rising edge seen more than a poll and a half after the
 * last idle row) is widened at its start as the gateway's cycle window widens it, its points before its first row
 * unread: a part model scores it on the points read, near its neighbours, and `train` leaves it out of what it learns,
 * saying so. A part starting just after a pause in the recording is not widened over the pause: its start was not seen.
 */
import { describe, expect, it } from 'vitest';
import { inMemoryModel } from '../../src/eval/in-memory-model.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { normalParts } from '../../src/training/fit-parts.js';
import { fitMoulder, MOULDING_CHANNELS, MOULDING_CUT, mouldingPartsCsv } from '../helpers/moulding-parts.js';

const W = 32;
const channels = [...MOULDING_CHANNELS];
const cut = { ...MOULDING_CUT, windowLength: W, channels };

/** The moulder's CSV (50 ms rows, 24 rows a part, 5 idle rows after it) with the rows `drop` names (data lines). */
function withoutRows(text: string, drop: (line: number) => boolean): string {
  return `${text
    .trimEnd()
    .split('\n')
    .filter((_, i) => i === 0 || !drop(i))
    .join('\n')}\n`;
}

/** Part `p`'s (from 1) first data line. */
const firstLine = (p: number) => (p - 1) * 29 + 1;

describe('a part whose first readings were lost', () => {
  it('is scored on its points read, near its neighbours, and not learned from', async () => {
    const { fitted } = await fitMoulder({ parts: 120, seed: 3, epochs: 4 });
    // Part 4: the poll stalled 250 ms from the last-but-two idle row of part 3 to part 4's third row (the last two idle
    // rows and its first two lost): the first poll that would have seen it lies anywhere in that stretch.
    const p4 = firstLine(4);
    const text = withoutRows(mouldingPartsCsv({ parts: 8, seed: 6 }), (l) => l >= p4 - 2 && l < p4 + 2);
    const parts = csvParts(text, 'fresh.csv', cut);
    const i = parts.partIds.indexOf('4');
    // Part 1 was running at the recording's first row: not a part.
    expect(parts.partIds).toEqual(['2', '3', '4', '5', '6', '7', '8']);
    expect(parts.startSteps[i]).toBe(250);
    // Its span from midway between one poll after the idle row and its first row (its true start), its points there
    // unread: 100 ms of 1,150 ms over 31 steps, the first three.
    expect(parts.unreadPoints[i]).toEqual([0, 1, 2]);
    expect(parts.unreadPoints.filter((_, k) => k !== i)).toEqual(Array(6).fill([]));

    const model = await AutoencoderModel.load(inMemoryModel(fitted, 'fp32', 'test'), { asset: 'moulder' });
    const scores = (await model.scoreRaw(parts.windows, parts.unreadPoints)).map((s) => s.score);
    const neighbours = scores.filter((_, k) => k !== i);
    expect(scores[i]).toBeLessThan(fitted.manifest.score.threshold);
    expect(scores[i]).toBeLessThan(2 * Math.max(...neighbours));

    const { parts: learned, gaps, gapText } = normalParts(parts, parts.pollStepMs, 'learn');
    expect(learned.partIds).toEqual(['2', '3', '5', '6', '7', '8']);
    expect(gaps).toEqual([{ partId: '4', stepMs: 250, beforeFirst: true }]);
    expect(gapText).toBe(
      "1 part not learned from, a poll missed in its rows or just before it (a step over 1.5× the recording's median " +
        'of 50 ms): 4 (no row for 0.25 s before its first)',
    );
  });

  it('says which parts lost their first readings among those that lost readings in their rows', () => {
    // Part 2 lost its first two rows (a 150 ms step from its last idle row); part 5 a row mid-part (100 ms).
    const p2 = firstLine(2);
    const p5 = firstLine(5);
    const text = withoutRows(mouldingPartsCsv({ parts: 6, seed: 6 }), (l) => l === p2 || l === p2 + 1 || l === p5 + 7);
    const { gaps, gapText } = normalParts(csvParts(text, 'fresh.csv', cut), 50, 'learn');
    expect(gaps).toEqual([
      { partId: '2', stepMs: 150, beforeFirst: true },
      { partId: '5', stepMs: 100 },
    ]);
    expect(gapText).toBe(
      "2 parts not learned from, a poll missed in their rows or just before them (a step over 1.5× the recording's " +
        'median of 50 ms): 2 (no row for 0.15 s before its first), 5 (no row for 0.1 s)',
    );
  });

  it('a part starting just after a pause in the recording is left out, its start not seen, not widened over the pause', () => {
    // 60 s without a row between part 2's idle rows and part 3's first row: a pause (the gateway stopped), not a poll.
    const lines = mouldingPartsCsv({ parts: 5, seed: 6 }).trimEnd().split('\n');
    const p3 = firstLine(3);
    const shifted = lines.map((l, k) => {
      if (k < p3) return l;
      const [t, ...rest] = l.split(',');
      return [new Date(Date.parse(t) + 60_000).toISOString(), ...rest].join(',');
    });
    const parts = csvParts(`${shifted.join('\n')}\n`, 'fresh.csv', cut);
    expect(parts.partIds).toEqual(['2', '4', '5']);
    expect(parts.leftOut).toEqual([
      {
        partId: '3',
        reason:
          'its start was not seen: a pause in the recording (no row from 2026-12-01T06:00:02.850Z to ' +
          '2026-12-01T06:01:02.900Z (60.05 s))',
        row: p3 - 1,
      },
    ]);
  });
});
