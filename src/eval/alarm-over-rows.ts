/**
 * The daemon's alarm over a file's scored rows: the alarm state machine with the model's thresholds and an asset's
 * delays, one alarm condition per row.
 */
import { AlarmStateMachine } from '../alarms/alarm-state.js';
import { DEFAULT_OFF_DELAY_MS, DEFAULT_ON_DELAY_MS } from '../alarms/schema.js';

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
 * The daemon's alarm over scored rows (NaN: no window yet), as the asset pipeline runs it: on and off at the model's
 * calibrated thresholds with the given delays and sustain time (undefined or 0: none). Per row, 1 while the alarm
 * condition is active.
 */
export function alarmOverRows(
  times: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  offThreshold: number,
  delays: AlarmDelays,
  /** Where a raised alarm clears when below offThreshold (the model's clear threshold). */
  clearThreshold?: number,
): Uint8Array {
  const alarm = new AlarmStateMachine({ ...delays, latching: false, maxShelveMs: 1 });
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
