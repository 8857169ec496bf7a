/**
 * `train --cycle-channel` suggests the asset window's max_sample_age_ms from the recording's own parts: below the
 * shortest stretch the trigger held one value (a part, or the idle between two), less one poll. Regression
 * (qiwalk-s39): the window it printed had none, so a user pasting it got the default 5 s, four 1.2 s press cycles.
 */
import { describe, expect, it } from 'vitest';
import { suggestedMaxSampleAge } from '../../src/training/part-sample-age.js';

/** Parts [start, end] (ms), named P1, P2, …, polled every `pollStepMs`. */
const parts = (spans: readonly (readonly [number, number])[], pollStepMs = 40) => ({
  partIds: spans.map((_, i) => `P${i + 1}`),
  startTimes: spans.map((s) => s[0]),
  endTimes: spans.map((s) => s[1]),
  pollStepMs,
});

describe('suggestedMaxSampleAge', () => {
  it("takes a flag's shortest idle between two parts, less one poll, and says so", () => {
    // Strokes of 760 ms, one every 1200 ms, but P2 to P3 idle only 400 ms.
    const press = parts([
      [0, 760],
      [1200, 1960],
      [2360, 3120],
      [3600, 4360],
    ]);
    const age = suggestedMaxSampleAge(press, 'cycle_active', 'flag');
    expect(age?.ms).toBe(360);
    expect(age?.why).toBe(
      'max_sample_age_ms: the shortest stretch cycle_active held one value among the parts learned from (400 ms, ' +
        'between parts P2 and P3) less one poll (40 ms): a longer silence could hide a whole part or join two, so the ' +
        'gateway judges the parts around it unknown (the default, 5000 ms, bridges it)',
    );
  });

  it("takes a flag's shortest part where it is shorter than any idle", () => {
    const age = suggestedMaxSampleAge(
      parts(
        [
          [0, 300],
          [2000, 2250],
          [4000, 4300],
        ],
        20,
      ),
      'busy',
      'flag',
    );
    expect(age?.ms).toBe(230);
    expect(age?.why).toContain('(250 ms, part P2) less one poll (20 ms)');
  });

  it("takes a counter's shortest part only: its parts follow each other with no idle between", () => {
    const counted = parts([
      [0, 1200],
      [1200, 2350],
      [2350, 3550],
    ]);
    expect(suggestedMaxSampleAge(counted, 'part_counter', 'counter')?.ms).toBe(1110);
  });

  it('suggests no hold shorter than a missed poll (a late poll would make the row stale), and says so', () => {
    const age = suggestedMaxSampleAge(
      parts([
        [0, 80],
        [100, 180],
      ]),
      'cycle_active',
      'flag',
    );
    expect(age?.ms).toBe(60);
    expect(age?.why).toContain('(20 ms, between parts P1 and P2) less one poll (40 ms), at least 1.5 polls:');
  });

  it('suggests none where the polls cannot be told apart (times coarser than the rows) or there is no part', () => {
    expect(suggestedMaxSampleAge(parts([[0, 1000]], Number.NaN), 'cycle_active', 'flag')).toBeUndefined();
    expect(suggestedMaxSampleAge(parts([]), 'cycle_active', 'flag')).toBeUndefined();
  });

  it('suggests none above the default: a slow line (a part a minute, 1 s polls) keeps it, and says so', () => {
    const slow = parts(
      [
        [0, 60_000],
        [60_000, 120_000],
        [120_000, 180_000],
      ],
      1000,
    );
    expect(suggestedMaxSampleAge(slow, 'part_counter', 'counter')).toEqual({
      why:
        'max_sample_age_ms left at the default (5000 ms): the shortest stretch part_counter held one value among the ' +
        'parts learned from (60000 ms, part P1) less one poll (1000 ms) is no shorter than it, so no silence it ' +
        'bridges can hide a whole part or join two',
    });
  });

  it('suggests none above the default where the polls (4 s) would force one, and says why', () => {
    const age = suggestedMaxSampleAge(parts([[0, 3000]], 4000), 'busy', 'flag');
    expect(age?.ms).toBeUndefined();
    expect(age?.why).toBe(
      'max_sample_age_ms left at the default (5000 ms): the shortest stretch busy held one value among the parts ' +
        'learned from (3000 ms, part P1) less one poll (4000 ms) is under 1.5 polls (6000 ms): no hold both keeps a ' +
        'late poll and judges a silence that could hide a whole part unknown',
    );
  });
});
