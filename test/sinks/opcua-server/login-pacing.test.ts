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

describe('the pacing under a flood of failed logins', () => {
  it('counts every failure of the minute, and forgets them a minute on', () => {
    let now = 1_765_000_000_000;
    const pacer = new LoginPacer(() => now);
    let said = 0;
    // 200,000 failures within 50 s (4,000 a second: a client that does not wait for its answers).
    for (let i = 0; i < 200_000; i++) {
      said = pacer.failed();
      if (i % 4000 === 3999) now += 1000;
    }
    expect([said, pacer.delayMs()]).toEqual([200_000, MAX_DELAY_MS]);
    now += 60_000;
    expect([pacer.delayMs(), pacer.failed()]).toEqual([0, 1]);
  });

  it('a failure leaves the count a minute after the second it fell in', () => {
    let now = 10_500;
    const pacer = new LoginPacer(() => now);
    pacer.failed();
    now = 69_999;
    expect(pacer.failed()).toBe(2);
    now = 70_000;
    expect(pacer.failed()).toBe(2);
  });
});
