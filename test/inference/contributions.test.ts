/** Each channel's share of a window's error, ranked, and (stats and hybrid models) the kind of its largest term. */
import { describe, expect, it } from 'vitest';
import { contributions } from '../../src/inference/contributions.js';

const NAMES = ['flow', 'pressure', 'temperature'];

describe('contributions', () => {
  it('ranks the channels by their share of the error, largest first, ties in channel order', () => {
    expect(contributions([1, 2, 1], NAMES)).toEqual([
      { channel: 'pressure', share: 0.5 },
      { channel: 'flow', share: 0.25 },
      { channel: 'temperature', share: 0.25 },
    ]);
  });

  it('reads one window of a batch at its offset, and shares of a zero error are zero, not NaN', () => {
    const batch = [5, 5, 5, 0, 0, 0];
    expect(contributions(batch, NAMES, 3).map((c) => c.share)).toEqual([0, 0, 0]);
  });

  it("with terms, names each channel's largest kind of term, for the window at its offset", () => {
    // Two windows × [residual, level, variability] × 3 channels; the second window is the one scored.
    const first = [9, 9, 9, 0, 0, 0, 0, 0, 0];
    const second = [
      ...[1, 0.5, 2], // residual: flow, pressure, temperature
      ...[4, 0.5, 1], // level
      ...[0, 3, 2], // variability (temperature: residual and variability tie at 2, the first kind wins)
    ];
    const ranked = contributions([4, 2, 2], NAMES, 0, {
      values: [...first, ...second],
      at: 9,
      kinds: ['residual', 'level', 'variability'],
    });
    expect(ranked).toEqual([
      { channel: 'flow', share: 0.5, kind: 'level' },
      { channel: 'pressure', share: 0.25, kind: 'variability' },
      { channel: 'temperature', share: 0.25, kind: 'residual' },
    ]);
  });
});
