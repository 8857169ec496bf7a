/** An alarm put back in the state a previous run left it in (the journal), and what follows from there. */
import { describe, expect, it } from 'vitest';
import { alarmDefinition } from '../../src/alarms/alarm-event.js';
import { AlarmStateMachine } from '../../src/alarms/alarm-state.js';
import { alarmSchema } from '../../src/config/schema.js';

const fresh = () => new AlarmStateMachine(alarmDefinition(alarmSchema.parse({ on_delay_ms: 0, off_delay_ms: 1000 })));
const score = (m: AlarmStateMachine, ts: number, value: number) =>
  m.handle({ kind: 'score', ts, score: value, threshold: 1 }).transition;

describe('AlarmStateMachine.restore', () => {
  it('keeps an unacknowledged alarm to be acknowledged, its condition clearing with the next normal scores', () => {
    const m = fresh();
    expect(m.restore('unack_active')).toBe(true);
    expect([m.state, m.conditionActive]).toEqual(['unack_active', true]);
    expect(score(m, 0, 0.1)).toBeUndefined();
    expect(score(m, 1000, 0.1)).toMatchObject({ from: 'unack_active', to: 'rtn_unack', cause: 'condition' });
    expect(m.handle({ kind: 'ack', ts: 1100, by: 'op' }).transition).toMatchObject({ to: 'normal' });
  });

  it('keeps an alarm out of service out, and takes nothing over a running state or a shelve', () => {
    const out = fresh();
    expect(out.restore('out_of_service')).toBe(true);
    expect(score(out, 0, 5)).toBeUndefined(); // a high score raises nothing out of service
    expect(out.state).toBe('out_of_service');
    const shelved = fresh();
    expect([shelved.restore('shelved'), shelved.state]).toEqual([false, 'normal']);
    const running = fresh();
    score(running, 0, 5);
    expect(running.state).toBe('unack_active');
    expect([running.restore('out_of_service'), running.state]).toEqual([false, 'unack_active']);
  });
});
