import { describe, expect, it } from 'vitest';
import { FREE_FAILURES, LoginPacer, MAX_DELAY_MS } from '../../../src/sinks/opcua-server/login-pacing.js';

describe('the pacing of OPC UA password logins', () => {
  it('answers at once until 5 failures within a minute, then 250 ms doubling per failure up to 5 s', () => {
    let now = 0;
    const pacer = new LoginPacer(() => now);
    const delays: number[] = [];
    for (let i = 0; i < FREE_FAILURES + 6; i++) {
      delays.push(pacer.delayMs());
      pacer.failed();
      now += 100;
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 250, 500, 1000, 2000, 4000, MAX_DELAY_MS]);
  });

  it('a minute without failures ends it', () => {
    let now = 0;
    const pacer = new LoginPacer(() => now);
    for (let i = 0; i < FREE_FAILURES; i++) pacer.failed();
    expect(pacer.delayMs()).toBe(250);
    now += 60_000;
    expect(pacer.delayMs()).toBe(0);
  });
});
