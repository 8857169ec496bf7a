/**
 * The daemon's alarm over a file's scored rows: the alarm state machine with the model's thresholds and an asset's
 * delays, one alarm condition per row.
 */
import { alarmDefinition } from '../alarms/alarm-event.js';
import { AlarmStateMachine, type AlarmDefinition } from '../alarms/alarm-state.js';
import { alarmSettingsSchema, DEFAULT_OFF_DELAY_MS, DEFAULT_ON_DELAY_MS } from '../alarms/schema.js';

/** The alarm's on and off delays (ms), as an asset's `alarm.on_delay_ms` and `off_delay_ms`, and its sustain time
 * (`alarm.sustain_ms`; undefined: the model's window span, as the daemon's default). */
export interface AlarmDelays {
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly sustainMs?: number;
}

/** The delays an asset's alarm has unless configured, so `eval` measures what the daemon raises by default. */
export const DAEMON_ALARM_DELAYS: AlarmDelays = { onDelayMs: DEFAULT_ON_DELAY_MS, offDelayMs: DEFAULT_OFF_DELAY_MS };

/**
 * The alarm definition an asset with these delays gets in the daemon (alarmDefinition, as asset-alarm.ts builds it):
 * `windowSpanMs`, the model's window span, is the sustain time unless `delays.sustainMs` sets one, and bounds what
 * the first score after a gap counts towards the hold.
 */
export function evalAlarmDefinition(delays: AlarmDelays, windowSpanMs: number | undefined): AlarmDefinition {
  const settings = alarmSettingsSchema.parse({
    on_delay_ms: delays.onDelayMs,
    off_delay_ms: delays.offDelayMs,
    ...(delays.sustainMs !== undefined ? { sustain_ms: delays.sustainMs } : {}),
  });
  return alarmDefinition(settings, windowSpanMs);
}

/**
 * The daemon's alarm over scored rows (NaN: no window yet), as the asset pipeline runs it: on and off at the model's
 * calibrated thresholds with the given delays and sustain time (0: none; undefined: the window span). Per row, 1
 * while the alarm condition is active.
 */
export function alarmOverRows(
  times: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  offThreshold: number,
  delays: AlarmDelays,
  /** Where a raised alarm clears when below offThreshold (the model's clear threshold). */
  clearThreshold?: number,
  /** The model's window span (window_length × sample_period_ms), as the daemon's alarm has it. */
  windowSpanMs?: number,
): Uint8Array {
  const alarm = new AlarmStateMachine(evalAlarmDefinition(delays, windowSpanMs));
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      alarm.handle({ kind: 'gap', ts: times[i] });
      continue;
    }
    alarm.handle({
      kind: 'score',
      ts: times[i],
      score: scores[i],
      threshold,
      offThreshold,
      ...(clearThreshold !== undefined ? { clearThreshold } : {}),
    });
    out[i] = alarm.conditionActive ? 1 : 0;
  }
  return out;
}
