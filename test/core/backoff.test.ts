import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, FailureStreak, jittered, pause } from '../../src/core/backoff.js';

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

describe('a failure streak', () => {
  it('counts every failure, says which messages are new, backs off with jitter, and ends', () => {
    const streak = new FailureStreak(100, 1000, () => 0);
    expect([streak.fail('timeout'), streak.fail('timeout'), streak.fail('refused'), streak.fail('refused')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(streak.count).toBe(4);
    expect(streak.delayMs()).toBe(400); // 100 · 2³ = 800, jittered to its lower half
    expect(streak.end()).toBe(4);
    expect(streak.count).toBe(0);
    expect(streak.fail('refused')).toBe(true);
  });
});

describe('a pause', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends after its time, or at once when woken (a stop during a backoff), and only once', async () => {
    vi.useFakeTimers();
    const ended: string[] = [];
    const timed = pause(1000);
    const woken = pause(1000);
    void timed.done.then(() => ended.push('timed'));
    void woken.done.then(() => ended.push('woken'));
    woken.wake();
    await vi.advanceTimersByTimeAsync(999);
    expect(ended).toEqual(['woken']);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toEqual(['woken', 'timed']);
    woken.wake();
    timed.wake();
    await vi.runAllTimersAsync();
    expect(ended).toEqual(['woken', 'timed']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
