/**
 * The measured rows eval could not score (eval_no_row_scored): a historian export whose 10 s tags are blank between
 * their samples, read at the 5 s hold, leaves every window with a gap. What the report says of them:
 * test/cli/eval-text.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { unscoredRows } from '../../src/eval/stream-series.js';

describe('rows eval could not score', () => {
  it('are counted after the training rows only', () => {
    const scores = Float64Array.from([NaN, NaN, 1, 2, NaN, 3, NaN]);
    expect(unscoredRows(scores, 0)).toBe(4);
    expect(unscoredRows(scores, 2)).toBe(2);
    expect(unscoredRows(scores, 7)).toBe(0);
  });
});
