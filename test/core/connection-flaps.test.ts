/** A connection the other end keeps closing soon after it opens is said once, until one lasts (injected clock). */
import { describe, expect, it } from 'vitest';
import { ConnectionFlaps } from '../../src/core/connection-flaps.js';

function flaps() {
  const clock = { now: 0 };
  const f = new ConnectionFlaps({ shortMs: 5000, times: 3 }, () => clock.now);
  /** One connection that lasts `ms`; whether its close is said. */
  const connection = (ms: number) => {
    f.opened();
    clock.now += ms;
    return f.closed();
  };
  return { f, clock, connection };
}

describe('ConnectionFlaps', () => {
  it('says the third short connection in a row, once, and again only after one lasted', () => {
    const { connection } = flaps();
    expect([1000, 1000, 1000, 1000, 4999].map(connection)).toEqual([false, false, true, false, false]);
    expect(connection(5000)).toBe(false); // one lasted: the count starts again
    expect([10, 10, 10].map(connection)).toEqual([false, false, true]);
  });

  it('counts short connections in a row only: one that lasts in between resets the count', () => {
    const { connection } = flaps();
    expect([1000, 1000, 60_000, 1000, 1000].map(connection)).toEqual([false, false, false, false, false]);
  });

  it('counts nothing for a close with no open before it (a connect that failed)', () => {
    const { f, connection } = flaps();
    expect(connection(10)).toBe(false);
    expect([f.closed(), f.closed(), f.closed()]).toEqual([false, false, false]);
    expect(connection(10)).toBe(false);
    expect(connection(10)).toBe(true);
  });
});
