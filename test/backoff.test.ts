import { describe, expect, it } from 'vitest';
import { backoffMs, jittered } from '../src/core/backoff.js';

describe('retry backoff', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [6, 16_000],
    [7, 30_000],
    [1000, 30_000],
  ])('retry %i waits %i ms (from 500 ms, at most 30 s)', (attempt, ms) => {
    expect(backoffMs(attempt, 500, 30_000)).toBe(ms);
  });

  it('jitter spreads a delay over its upper half', () => {
    expect(jittered(1000, () => 0)).toBe(500);
    expect(jittered(1000, () => 0.999)).toBeCloseTo(999.5, 6);
  });
});
