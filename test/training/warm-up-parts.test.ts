/**
 * Warm-up parts (warm-up-parts.ts): the parts at a recording's start, and after a pause in it, that trend from outside
 * the later parts' spread into it are found, on machines of different channels, rates and warm-up lengths, with the
 * channel that drifts named; a recording without a warm-up (also one with a pause, and the simulated press) gets none.
 */
import { describe, expect, it } from 'vitest';
import { csvParts } from '../../src/training/csv-parts.js';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';
import { falls, warmUpParts, warmUpText } from '../../src/training/warm-up-parts.js';
import { screwdriver, warmUpRecordingCsv, welder, type WarmUpMachine } from '../helpers/warm-up-recording.js';

const cut = {
  cycleChannel: 'cycle_active',
  trigger: 'flag' as const,
  partIdChannel: 'part_counter',
  windowLength: 32,
  minRows: 5,
  maxRows: 10_000,
};

const found = (text: string) => warmUpParts(csvParts(text, 'rec.csv', cut))!;
const spans = (m: WarmUpMachine) => found(warmUpRecordingCsv(m)).runs.map((r) => r.partIds.map(Number));

describe('warm-up parts', () => {
  it.each([1, 2])(
    'a welder (3 channels, 100 ms rows) warming up over 12 parts: most of them, none after (seed %i)',
    (seed) => {
      const [run, ...more] = spans(welder(seed, 12));
      expect(more).toEqual([]);
      // Parts 1 to 12 ramp from 40 °C low to none; the last one or two are within a part's normal spread.
      expect(run[0]).toBe(1);
      expect(run.at(-1)).toBeLessThanOrEqual(12);
      expect(run.length).toBeGreaterThanOrEqual(10);
      expect(run).toEqual(run.map((_, k) => k + 1));
    },
  );

  it.each([3, 4])(
    'a screwdriver (2 channels, 20 ms rows) warming up over 8 parts at the start and after a 10 min pause (seed %i)',
    (seed) => {
      const runs = spans(screwdriver(seed, 8));
      expect(runs.map((r) => r[0])).toEqual([1, 121]);
      expect(runs[0].at(-1)).toBeLessThanOrEqual(8);
      expect(runs[1].at(-1)).toBeLessThanOrEqual(128);
      expect(runs.map((r) => r.length >= 6)).toEqual([true, true]);
    },
  );

  it('names the channel that drifts most first, with its sign, and says what was done and the other choice', () => {
    const welding = found(warmUpRecordingCsv(welder(5, 12)));
    expect(welding.drift[0].channel).toBe('tip_temp_c');
    // The first part is 40 °C low, a part varies by 1.5 °C.
    expect(welding.drift[0].by).toBeLessThan(-30);
    expect(welding.drift[0].sd).toBeLessThan(-15);
    const screwing = found(warmUpRecordingCsv(screwdriver(5, 8)));
    expect(screwing.drift[0].channel).toBe('torque_nm');
    expect(screwing.drift[0].by).toBeGreaterThan(0.9);
    const text = warmUpText('rec.csv', screwing, 'skip');
    expect(text).toMatch(
      /^rec\.csv: parts 1 to [78] \([78], from the recording's start\), parts 121 to 12[78] \([78], after a pause of 10 min\) trend from outside the spread of the later parts into it, a warm-up \(the first part's channel means against the later parts' median: torque_nm \+1\.\d+ \(\+\d+(\.\d+)? sd\), speed_rpm -\d+(\.\d+)? \(-\d+(\.\d+)? sd\)\); left out of what is learnt \(--warm-up skip, the default\)/,
    );
    expect(warmUpText('rec.csv', screwing, 'learn')).toContain(
      'learnt as good parts (--warm-up learn): the model will pass the parts of a later warm-up; to leave them out, ' +
        'give --warm-up skip (the default) or mark them NOK in a --part-labels table',
    );
  });

  it.each([1, 2, 3])('no warm-up, no warning: a welder, a screwdriver with a pause, the press (seed %i)', (seed) => {
    for (const text of [
      warmUpRecordingCsv(welder(seed, 0)),
      warmUpRecordingCsv(screwdriver(seed, 0)),
      pressRecordingCsv(seed, 600).text,
    ]) {
      const none = found(text);
      expect([none.runs, none.unsettled, warmUpText('rec.csv', none, 'skip')]).toEqual([[], 0, '']);
    }
  });

  it('parts made before a fault are no warm-up: their distance from the faulty later parts keeps its level', () => {
    // The press's 10 minutes, a bad press-fit in every part from 5 minutes on: the first half is out of the second's
    // spread throughout, with no trend into it.
    const text = pressRecordingCsv(42, 600, { type: 'bad_press_fit', start_s: 300, severity: 0.5, ramp_s: 0 }).text;
    expect(found(text).runs).toEqual([]);
  });

  it('a trend is a fall in rank order beyond the 1 % level: five falling parts at the least', () => {
    expect([
      falls([5, 4, 3, 2, 1]),
      falls([4, 3, 2, 1]),
      falls([5, 4, 3, 1, 2, 0]),
      falls([9, 9.1, 8.9, 9, 9.2]),
    ]).toEqual([true, false, true, false]);
  });

  it('too few later parts to tell their spread: nothing said', () => {
    expect(warmUpParts(csvParts(warmUpRecordingCsv(welder(1, 12, 30)), 'short.csv', cut))).toBeUndefined();
  });
});
