/**
 * A poll group's fixed rate (poll-schedule.ts): a walk's Modbus skid polled at 1000 ms came every 1004.5 ms on average,
 * each poll scheduled its interval less the poll's time from the poll's start, its timer's lateness added each time;
 * `train` took 1001 ms as the recording's period and the gateway that recorded it refused the model.
 */
import { describe, expect, it } from 'vitest';
import { nextPoll } from '../../../src/sources/modbus/poll-schedule.js';

/** The start times of `n` polls whose timers fire `lateMs` late and which take `tookMs`, from 0. */
function pollStarts(n: number, intervalMs: number, lateMs: number, tookMs: number): number[] {
  const starts: number[] = [];
  let due = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    starts.push(start);
    const next = nextPoll(due, start + tookMs, intervalMs);
    due = next.due;
    start = start + tookMs + next.delayMs + lateMs;
  }
  return starts;
}

describe('nextPoll: polls at a fixed rate', () => {
  it('keeps the interval on average whatever its timer is late by: the lateness does not add up', () => {
    const starts = pollStarts(1001, 1000, 4, 30);
    // Every poll but the first is its timer's 4 ms late; the thousandth comes 1,000,000 ms after the first, plus 4.
    expect(starts[1000]).toBe(1_000_004);
    expect(starts[1] - starts[0]).toBe(1004);
    expect(starts[2] - starts[1]).toBe(1000);
  });

  it('polls again at once after a poll that overran its tick, counting the ticks it missed', () => {
    // Due at 0, finished at 2,500 with a 1,000 ms interval: the ticks at 1,000 and 2,000 were missed.
    expect(nextPoll(0, 2500, 1000)).toEqual({ due: 2500, delayMs: 0, skipped: 2 });
    // Exactly one interval: the next tick is now, none missed.
    expect(nextPoll(0, 1000, 1000)).toEqual({ due: 1000, delayMs: 0, skipped: 0 });
  });

  it('waits for the next tick after a quick poll', () => {
    expect(nextPoll(10_000, 10_030, 1000)).toEqual({ due: 11_000, delayMs: 970, skipped: 0 });
  });

  it('starts the ticks anew when the wall clock is set back by more than a tick', () => {
    expect(nextPoll(10_000, 5_000, 1000)).toEqual({ due: 6_000, delayMs: 1000, skipped: 0 });
    // A clock a few ms behind the tick (a timer that fired early by the wall clock) keeps the tick.
    expect(nextPoll(10_000, 9_998, 1000)).toEqual({ due: 11_000, delayMs: 1002, skipped: 0 });
  });
});
