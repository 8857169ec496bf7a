/**
 * Score only while the machine runs (assets[].running_when; w1's historian walk: a plant stop's readings were scored as
 * if the machine ran, and the restart set the alarm), against a real Modbus TCP server (running-when-plc.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runningWhenPlc, STATES, T0 } from '../helpers/running-when-plc.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const run = (...args: Parameters<typeof runningWhenPlc> extends [unknown, ...infer R] ? R : never) =>
  runningWhenPlc(cleanups, ...args);

describe('assets[].running_when: a stop is neither windowed nor scored (regression: w1, alarm at the restart)', () => {
  it.each(['word', 'mode'] as const)(
    'RUN state as a %s: no score while stopped, a fresh window after, status and metric say so',
    async (state) => {
      // Runs at polls 0-5, stops at 6-17 (12 s: longer than the 8 s after which an asset with no window is blind),
      // runs again from 18.
      const stop = (k: number) => k >= 6 && k < 18;
      const { at, statuses, stopped, scored } = await run(state, 24, (k) => !stop(k));
      // Windows of 4 rows: the first at row 3; none during the stop; the first after it once 4 running rows came (the
      // rows before the stop are not in it).
      expect(at).toEqual([3, 4, 5, 21, 22, 23]);
      expect(scored).toBe(6);
      expect(stopped).toEqual([['stopped', 12]]);
      const text = STATES[state].text;
      expect(statuses[5].stopped).toBeUndefined();
      for (const k of [6, 12, 17])
        expect(statuses[k].stopped).toEqual({
          since: T0 + 6000,
          condition: text,
          state: 'stopped',
          why: `stopped: ${text} does not hold`,
        });
      // A stopped asset is not degraded (not blind) for having no scores, at any poll.
      expect(statuses.filter((st) => st.degraded !== undefined || st.blind !== undefined)).toEqual([]);
      // Running again: no longer stopped, though its first window is still filling.
      expect(statuses[18].stopped).toBeUndefined();
      expect(statuses[20].windowsScored).toBe(3);
    },
  );

  it('an alarm active at the stop stays as it is over the stop, and clears on the scores after the restart', async () => {
    // a reads 100 before the stop (scores 100, over the threshold 50: raised after on_delay_ms 1 s), 1 after it.
    const stop = (k: number) => k >= 6 && k < 18;
    const value = (k: number) => (k < 6 ? 100 : 1);
    const { at, statuses, alarmed } = await run('word', 30, (k) => !stop(k), undefined, { value, threshold: 50 });
    expect(at).toEqual([3, 4, 5, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    const active = statuses[5].alarm;
    expect([active.state, active.conditionActive]).toEqual(['unack_active', true]);
    for (const k of [6, 12, 17]) expect(statuses[k].alarm).toEqual(active);
    // Cleared after off_delay_ms (5 s) of scores under the clear level from the first one after the restart (21 s).
    expect(alarmed).toEqual([
      [4, 'unack_active'],
      [26, 'rtn_unack'],
    ]);
  });

  it('a RUN word that goes unanswered: its last reading holds for max_sample_age_ms, then the state is unknown', async () => {
    // The word is unanswered from poll 6 on (the reads time out): held at polls 6-7 (2 s ≤ 2.5 s), unknown after.
    const { at, statuses, stopped } = await run(
      'word',
      10,
      () => true,
      (k) => k >= 6,
    );
    expect(at).toEqual([3, 4, 5, 6, 7]);
    expect(stopped).toEqual([['unknown', 2]]);
    expect(statuses[9].stopped).toEqual({
      since: T0 + 8000,
      condition: 'run=1',
      state: 'unknown',
      why: 'no fresh good reading of run (running_when run=1)',
    });
  });
});

describe('assets[].running_when on the time grid (align hold): rows judged by the RUN reading at their time', () => {
  it('no score while stopped, a fresh window after', async () => {
    const stop = (k: number) => k >= 6 && k < 18;
    const { at, stopped } = await run('word', 24, (k) => !stop(k), undefined, undefined, 'hold');
    // A grid time is final once a later sample came: the row at 23 s is not yet.
    expect(at).toEqual([3, 4, 5, 21, 22]);
    expect(stopped).toEqual([['stopped', 12]]);
  });
});
