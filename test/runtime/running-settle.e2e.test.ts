/**
 * The settle time after a restart (assets[].running_when.settle_ms; w1's heat exchanger: the mode said RUN at the
 * restart's first second while the plant ramped back for ~25 min, and the ramp set the alarm at every restart),
 * against a real Modbus TCP server (running-when-plc.ts): one poll a second on an injected clock, windows of 4 rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/log-lines.js';
import { runningWhenPlc, T0 } from '../helpers/running-when-plc.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Runs at polls 0-5, stops at 6-11, runs again from 12 (the restart).
const stop = (k: number) => k >= 6 && k < 12;

describe('assets[].running_when.settle_ms: no score while the machine settles after a restart', () => {
  it('the rows within settle_ms of the restart are neither windowed nor scored; status and metric say so', async () => {
    const log = logLines();
    const { at, statuses, stopped } = await runningWhenPlc(
      cleanups,
      'mode',
      26,
      (k) => !stop(k),
      undefined,
      undefined,
      'batch',
      { settleMs: 5000, logger: log.logger },
    );
    // Settling at 12-16 s (5 s from the restart at 12 s); the first window after it ends at 20 s (rows 17-20).
    expect(at).toEqual([3, 4, 5, 20, 21, 22, 23, 24, 25]);
    expect(stopped).toEqual([
      ['stopped', 6],
      ['settling', 5],
    ]);
    const settling = {
      since: T0 + 6000,
      condition: 'mode=RUN',
      state: 'settling',
      why: 'settling after a restart: mode=RUN holds again, its rows are not scored for 5000 ms (running_when.settle_ms)',
      settling: { since: T0 + 12_000, until: T0 + 17_000 },
    };
    for (const k of [12, 16]) expect(statuses[k].stopped).toEqual(settling);
    expect(statuses[11].stopped?.state).toBe('stopped');
    expect(statuses[17].stopped).toBeUndefined();
    // Not blind, not degraded, while settling.
    expect(statuses.filter((st) => st.degraded !== undefined || st.blind !== undefined)).toEqual([]);
    expect(log.at(30)).toContain(
      'asset press-1: runs again (mode=RUN); settling for 5000 ms after the restart (running_when.settle_ms): its rows are not scored until 2026-01-01T00:00:17.000Z',
    );
    expect(log.at(30)).toContain(
      'asset press-1: settled after its restart (mode=RUN); scored from its first whole window of running rows',
    );
  });

  it('a gateway that starts while the machine runs scores at once: nothing says it restarted', async () => {
    const { at, stopped } = await runningWhenPlc(cleanups, 'word', 6, () => true, undefined, undefined, 'batch', {
      settleMs: 5000,
    });
    expect(at).toEqual([3, 4, 5]);
    expect(stopped).toEqual([]);
  });

  it('without settle_ms the restart is scored from its first whole window, as before', async () => {
    const { at, stopped } = await runningWhenPlc(cleanups, 'word', 18, (k) => !stop(k));
    expect(at).toEqual([3, 4, 5, 15, 16, 17]);
    expect(stopped).toEqual([['stopped', 6]]);
  });
});
