/** When an asset's sliding windows stop, and why: the InputWatch alone, on injected clocks. */
import { describe, expect, it } from 'vitest';
import { InputWatch } from '../../src/runtime/input-watch.js';

describe('InputWatch', () => {
  it('goes blind after its limit without a complete window and sees again with the next one', () => {
    const watch = new InputWatch(600);
    expect(watch.check(0, 1_000)).toBeUndefined();
    watch.sampled(100);
    watch.complete(100, 1_100);
    expect(watch.check(700, 1_700)).toBeUndefined(); // 600 ms: not over the limit
    watch.sampled(701);
    watch.incomplete(701);
    expect(watch.check(701, 1_701)).toBe('blind');
    expect(watch.state).toEqual({ since: 1_100, reason: 'its windows are incomplete: a sample missing, stale or bad' });
    expect(watch.check(800, 1_800)).toBeUndefined(); // still blind: no second transition
    watch.complete(900, 1_900);
    expect(watch.check(900, 1_900)).toBe('seeing');
    expect(watch.state).toBeUndefined();
  });

  it('names the cause as it is now: samples that stop after incomplete windows, windows that stop without either', () => {
    const watch = new InputWatch(600);
    watch.check(0, 0);
    watch.sampled(50);
    watch.incomplete(50);
    watch.check(601, 601);
    expect(watch.state?.reason).toBe('its windows are incomplete: a sample missing, stale or bad');
    watch.check(700, 700); // no sample for 650 ms now
    expect(watch.state?.reason).toBe('no samples of its channels');
    // A complete window clears what the incomplete ones said.
    watch.complete(800, 800);
    watch.check(800, 800);
    for (let t = 900; t <= 1_500; t += 100) watch.sampled(t);
    expect(watch.check(1_500, 1_500)).toBe('blind');
    expect(watch.state?.reason).toBe('no complete window formed from its samples');
  });

  it('reads durations on its monotonic clock: a step of the wall clock is no outage', () => {
    const watch = new InputWatch(600);
    watch.check(0, 0);
    watch.sampled(100);
    watch.complete(100, 100);
    // The wall clock jumps 30 s ahead (an NTP step); the monotonic one does not.
    expect(watch.check(200, 30_200)).toBeUndefined();
    expect(watch.state).toBeUndefined();
  });
});
