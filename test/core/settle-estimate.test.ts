/**
 * The settle time estimated from a recording's own restarts (settle-estimate.ts), on synthetic plants
 * (sim/restart-plant.ts) whose ramps back after each stop have a known length: at two rates and channel counts, so
 * that no constant of rows or seconds hides in the estimate.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionState } from '../../src/core/restart-settle.js';
import { estimateSettle } from '../../src/core/settle-estimate.js';
import { restartPlant, type RestartPlantOptions } from '../../src/sim/restart-plant.js';

function estimate(o: RestartPlantOptions) {
  const p = restartPlant(o);
  const states: ConditionState[] = p.mode.map((m) => (m === 'RUN' ? 'running' : 'stopped'));
  return estimateSettle(p.values, o.channels, p.times, states, o.periodMs);
}

const cycles = (rampRows: readonly number[], runRows: number, stopRows = 60) =>
  rampRows.map((r) => ({ stopRows, rampRows: r, runRows }));

describe('the settle time estimated from the restarts', () => {
  it('1 s rows, 3 channels, ramps of 300 rows: about 5 min', () => {
    const e = estimate({ periodMs: 1000, channels: 3, leadRows: 2000, cycles: cycles([300, 300, 300, 300], 2000) });
    expect(e.settleMs).toBeGreaterThan(0.85 * 300_000);
    expect(e.settleMs).toBeLessThanOrEqual(300_000);
    expect(e.settleMs! % 1000).toBe(0);
    expect(e.text).toMatch(/^\d+ ms, estimated from 4 restart\(s\) in the rows: the time until every channel is back/);
  });

  it('60 s rows, 12 channels, ramps of 25 rows (25 min): about 25 min, in whole minutes', () => {
    const e = estimate({ periodMs: 60_000, channels: 12, leadRows: 600, cycles: cycles([25, 25, 25], 400, 30) });
    expect(e.settleMs).toBeGreaterThan(0.8 * 25 * 60_000);
    expect(e.settleMs).toBeLessThanOrEqual(25 * 60_000);
    expect(e.settleMs! % 60_000).toBe(0);
  });

  it('takes the upper quartile: of four restarts, one long one (a cold start) does not set it alone', () => {
    const e = estimate({ periodMs: 1000, channels: 4, leadRows: 1500, cycles: cycles([200, 200, 1000, 200], 2500) });
    expect(e.perRestartMs).toHaveLength(4);
    expect(Math.max(...e.perRestartMs!)).toBeGreaterThan(900_000);
    expect(e.settleMs).toBeLessThan(300_000);
    expect(e.settleMs).toBeGreaterThan(170_000);
  });

  it('says so where the rows hold no restart', () => {
    const e = estimate({ periodMs: 1000, channels: 2, leadRows: 500, cycles: [] });
    expect(e).toEqual({
      text: 'no restart in the rows (no running row after a stopped one): no settle time to derive, none used',
    });
  });

  it('leaves out a restart whose run is too short to come back in its first half, and says so', () => {
    const e = estimate({
      periodMs: 1000,
      channels: 2,
      leadRows: 2000,
      // The last start fails: stopped again at the end of its ramp.
      cycles: [...cycles([300, 300], 2000), { stopRows: 60, rampRows: 300, runRows: 0 }, ...cycles([300], 2000)],
    });
    expect(e.restarts).toBe(3);
    expect(e.settleMs).toBeGreaterThan(0.85 * 300_000);
    expect(e.unsettled).toBe(1);
    expect(e.text).toContain('; 1 left out, a channel not back within the first half of their run');
  });

  it('says so where every channel is constant while running', () => {
    const p = restartPlant({ periodMs: 1000, channels: 2, leadRows: 200, cycles: cycles([50], 200) });
    const states: ConditionState[] = p.mode.map((m) => (m === 'RUN' ? 'running' : 'stopped'));
    const flat = Float64Array.from(p.values, (_, j) => (p.mode[Math.floor(j / 2)] === 'RUN' ? 7 : 0));
    expect(estimateSettle(flat, 2, p.times, states, 1000).text).toBe(
      '1 restart(s), but every channel is constant in the long-running rows: no settle time derived, none used',
    );
  });

  it('says so where every run is too short', () => {
    const e = estimate({ periodMs: 1000, channels: 2, leadRows: 2000, cycles: cycles([300, 300], 0) });
    expect(e.settleMs).toBeUndefined();
    expect(e.text).toBe(
      "2 restart(s), none with every channel back within the long-running rows' spread in the first half of its run: no settle time derived, none used (give --running-settle-ms)",
    );
  });
});
