/**
 * Score only while the machine runs (assets[].running_when; w1's historian walk: a plant stop's readings were scored as
 * if the machine ran, and the restart set the alarm). Against a real Modbus TCP server (register-plc.ts) whose RUN
 * state, switched during the test, is a word (register 9, 1 = running) or a mode text (a `string` tag over registers
 * 9-10, RUN or STOP): not a model input. The source's stamps come from an injected clock, one second a poll, which the
 * pipeline's clocks read too; the asset scores the mean of its window (4 rows of channel a). No sleeps: each step
 * waits for the source's batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assetSchema } from '../../src/config/schema.js';
import type { AlarmEvent, ScoreResult } from '../../src/core/types.js';
import { AssetPipeline, type AssetStatus } from '../../src/runtime/asset-pipeline.js';
import { encodeText } from '../../src/sources/modbus/encoding.js';
import { ModbusSource } from '../../src/sources/modbus/modbus-source.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { localModbusTcp } from '../helpers/local-modbus-source.js';
import { startRegisterPlc } from '../helpers/register-plc.js';
import { meanModel } from '../helpers/mean-score.js';
import { steppedPolls } from '../helpers/stepped-polls.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T0 = Date.UTC(2026, 0, 1);

/** How the PLC says the machine runs, the tag that reads it and the asset's condition. */
const STATES = {
  word: {
    words: (running: boolean) => [running ? 1 : 0],
    tag: { channel: 'run', address: 9, type: 'uint16' },
    when: { channel: 'run', equals: 1 },
    text: 'run=1',
  },
  mode: {
    words: (running: boolean) => encodeText(running ? 'RUN' : 'STOP', 2, 'ABCD'),
    tag: { channel: 'mode', address: 9, type: 'string', length: 2 },
    when: { channel: 'mode', equals: 'RUN' },
    text: 'mode=RUN',
  },
} as const;

/**
 * Polls `polls` times; at poll k the machine runs where `runs(k)`; the silent set makes the state's registers go
 * unanswered at the polls `silentAt` gives. Resolves with the scores' seconds, the statuses after each poll, the rows
 * counted stopped, and the windows scored.
 */
async function run(
  state: keyof typeof STATES,
  polls: number,
  runs: (k: number) => boolean,
  silentAt: (k: number) => boolean = () => false,
  /** Channel a's value at poll k, and the model's threshold. */
  a: { value: (k: number) => number; threshold: number } = { value: (k) => 10 + k, threshold: 1000 },
  align: 'batch' | 'hold' = 'batch',
) {
  const s = STATES[state];
  const holding = new Map<number, number>([[0, 0]]);
  const silent = new Set<number>();
  const plc = await startRegisterPlc(holding, { silent });
  cleanups.push(() => plc.close());
  let clock = T0;
  const metrics = new GatewayMetrics();
  const scores: ScoreResult[] = [];
  const alarms: AlarmEvent[] = [];
  const pipeline = new AssetPipeline(
    assetSchema.parse({
      name: 'press-1',
      model: 'mean',
      window: { max_sample_age_ms: 2500, align },
      running_when: s.when,
    }),
    meanModel({ channels: ['a'], windowLength: 4, samplePeriodMs: 1000, threshold: a.threshold }),
    { onScores: (r) => scores.push(...r), onAlarm: (e) => alarms.push(e), onParts: () => undefined },
    { logger: silentLogger(), metrics, now: () => clock, wall: () => clock },
  );
  const source = new ModbusSource(
    localModbusTcp(plc.port, {
      asset: 'press-1',
      poll_interval_ms: 10,
      timeout_ms: 150,
      registers: [{ channel: 'a', address: 0, type: 'uint16' }, s.tag],
    }),
    { logger: silentLogger(), metrics, now: () => clock },
  );
  const setUp = (k: number) => {
    holding.set(0, a.value(k));
    s.words(runs(k)).forEach((w, i) => holding.set(9 + i, w));
    for (const i of [9, 10])
      if (silentAt(k)) silent.add(i);
      else silent.delete(i);
  };
  const statuses: AssetStatus[] = [];
  setUp(0);
  await steppedPolls(
    source,
    polls,
    (batch, k) => {
      pipeline.push(batch);
      pipeline.tick(clock);
      statuses.push(pipeline.status());
      clock += 1000;
      setUp(k + 1);
    },
    cleanups,
  );
  await pipeline.idle();
  const stopped = (await metrics.rowsStopped.get()).values.map((v) => [v.labels.state, v.value]);
  const scored = (await metrics.windowsScored.get()).values.find((v) => v.labels.asset === 'press-1')?.value;
  const alarmed = alarms.map((e) => [(e.ts - T0) / 1000, e.state]);
  return { at: scores.map((r) => (r.ts - T0) / 1000), statuses, stopped, scored, alarmed };
}

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
