/**
 * An asset with `running_when` fed by a real Modbus TCP server (register-plc.ts) whose RUN state, switched poll by
 * poll, is a word (register 9, 1 = running) or a mode text (a `string` tag over registers 9-10, RUN or STOP): not a
 * model input. The source's stamps come from an injected clock, one second a poll, which the pipeline's clocks read
 * too; the asset scores the mean of its window (4 rows of channel a). No sleeps: each step waits for the source's
 * batch. Shared by the running-when and settle-time e2e tests.
 */
import { assetSchema } from '../../src/config/schema.js';
import type { AlarmEvent, ScoreResult } from '../../src/core/types.js';
import { AssetPipeline, type AssetStatus } from '../../src/runtime/asset-pipeline.js';
import { encodeText } from '../../src/sources/modbus/encoding.js';
import { ModbusSource } from '../../src/sources/modbus/modbus-source.js';
import { silentLogger, type Logger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { localModbusTcp } from './local-modbus-source.js';
import { silenceablePlc } from './register-plc.js';
import { meanModel } from './mean-score.js';
import { steppedPolls } from './stepped-polls.js';

export const T0 = Date.UTC(2026, 0, 1);

/** How the PLC says the machine runs, the tag that reads it and the asset's condition. */
export const STATES = {
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
 * Polls `polls` times (`cleanups` takes what to close after the test); at poll k the machine runs where `runs(k)`;
 * the silent set makes the state's registers go unanswered at the polls `silentAt` gives. Resolves with the scores'
 * seconds, the statuses after each poll, the rows counted stopped, and the windows scored.
 */
export async function runningWhenPlc(
  cleanups: (() => Promise<unknown>)[],
  state: keyof typeof STATES,
  polls: number,
  runs: (k: number) => boolean,
  silentAt: (k: number) => boolean = () => false,
  /** Channel a's value at poll k, and the model's threshold. */
  a: { value: (k: number) => number; threshold: number } = { value: (k) => 10 + k, threshold: 1000 },
  align: 'batch' | 'hold' = 'batch',
  /** running_when.settle_ms, and the pipeline's logger. */
  more: { settleMs?: number; logger?: Logger } = {},
) {
  const s = STATES[state];
  const holding = new Map<number, number>([[0, 0]]);
  const { plc, silent } = await silenceablePlc(holding, cleanups);
  let clock = T0;
  const metrics = new GatewayMetrics();
  const scores: ScoreResult[] = [];
  const alarms: AlarmEvent[] = [];
  const pipeline = new AssetPipeline(
    assetSchema.parse({
      name: 'press-1',
      model: 'mean',
      window: { max_sample_age_ms: 2500, align },
      running_when: { ...s.when, ...(more.settleMs !== undefined ? { settle_ms: more.settleMs } : {}) },
    }),
    meanModel({ channels: ['a'], windowLength: 4, samplePeriodMs: 1000, threshold: a.threshold }),
    { onScores: (r) => scores.push(...r), onAlarm: (e) => alarms.push(e), onParts: () => undefined },
    { logger: more.logger ?? silentLogger(), metrics, now: () => clock, wall: () => clock },
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
