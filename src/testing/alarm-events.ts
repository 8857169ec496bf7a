/**
 * (Used by the test suite and the benchmarks.) An alarm event as the alarm state machine emits it,
 * for driving alarm actions and sinks without a model.
 */
import type { AlarmEvent, AlarmStateName } from '../core/types.js';

/** pump-1's high-priority `anomaly` alarm entering `state` from normal, condition active, now; `fields` override. */
export function anomalyEvent(state: AlarmStateName, fields: Partial<AlarmEvent> = {}): AlarmEvent {
  return {
    asset: 'pump-1',
    alarm: 'anomaly',
    priority: 'high',
    state,
    previous: 'normal',
    ts: Date.now(),
    cause: 'condition',
    conditionActive: true,
    score: 2,
    threshold: 1,
    topChannels: [],
    message: '',
    ...fields,
  };
}
