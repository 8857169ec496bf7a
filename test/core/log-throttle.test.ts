/** A log line at most once an interval; what comes between is counted and told with the next line. */
import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../src/core/log-throttle.js';

describe('LogThrottle', () => {
  it('lets the first line through, counts the ones within the interval, and tells their number with the next', () => {
    const throttle = new LogThrottle(60_000);
    expect(throttle.take(1_000)).toBe(0);
    expect([throttle.take(2_000), throttle.take(30_000), throttle.take(60_999)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(throttle.take(61_000)).toBe(3);
    // The count starts again after a line.
    expect(throttle.take(121_000)).toBe(0);
  });
});
