/** The watch on a subscription's silence (stale_after_ms), on an injected clock and timer. */
import { describe, expect, it } from 'vitest';
import { SilenceWatch } from '../../../src/sources/opcua/silence-watch.js';

/** A watch of 3000 ms on a clock the test sets, its timer's ticks run by hand, and what it said. */
function watch(o: { watching?: boolean } = {}) {
  const t = { clock: 0, watching: o.watching ?? true, ticks: [] as (() => void)[], periods: [] as number[], stops: 0 };
  const silent: string[] = [];
  const w = new SilenceWatch({
    staleAfterMs: 3000,
    now: () => t.clock,
    watching: () => t.watching,
    onSilent: (reason) => silent.push(reason),
    repeat: (tick, everyMs) => {
      t.ticks.push(tick);
      t.periods.push(everyMs);
      return { stop: () => void t.stops++ };
    },
  });
  const tick = () => t.ticks.forEach((f) => f());
  return { w, t, silent, tick };
}

const SILENT = 'no notification or keep-alive for 3000 ms';

describe('SilenceWatch', () => {
  it('checks every min(1 s, stale_after_ms / 2), with one timer however often it is started', () => {
    const { w, t } = watch();
    w.start();
    w.start();
    expect(t.periods).toEqual([1000]);
    const periods: number[] = [];
    new SilenceWatch({
      staleAfterMs: 400,
      now: () => 0,
      watching: () => true,
      onSilent: () => {},
      repeat: (_tick, everyMs) => (periods.push(everyMs), { stop: () => {} }),
    }).start();
    expect(periods).toEqual([200]);
  });

  it('says nothing while something came within stale_after_ms, and says why once it did not', () => {
    const { w, t, silent, tick } = watch();
    w.start();
    w.heard(1000);
    t.clock = 4000; // exactly stale_after_ms since: not over it
    tick();
    expect(silent).toEqual([]);
    t.clock = 4001;
    tick();
    expect(silent).toEqual([SILENT]);
    w.heard(4001);
    t.clock = 5000;
    tick();
    expect(silent).toEqual([SILENT]);
  });

  it('says nothing while no subscription is live, however long the silence', () => {
    const { w, t, silent, tick } = watch({ watching: false });
    w.start();
    t.clock = 60_000;
    tick();
    expect(silent).toEqual([]);
    t.watching = true;
    tick();
    expect(silent).toEqual([SILENT]);
  });

  it('stops its timer once, however often it is stopped, and can start again', () => {
    const { w, t } = watch();
    w.stop();
    expect(t.stops).toBe(0);
    w.start();
    w.stop();
    w.stop();
    expect(t.stops).toBe(1);
    w.start();
    expect(t.periods).toEqual([1000, 1000]);
  });
});
