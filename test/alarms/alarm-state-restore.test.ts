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
    expect(m.restore({ state: 'unack_active' }, 0)).toBe(true);
    expect([m.state, m.conditionActive]).toEqual(['unack_active', true]);
    expect(score(m, 0, 0.1)).toBeUndefined();
    expect(score(m, 1000, 0.1)).toMatchObject({ from: 'unack_active', to: 'rtn_unack', cause: 'condition' });
    expect(m.handle({ kind: 'ack', ts: 1100, by: 'op' }).transition).toMatchObject({ to: 'normal' });
  });

  it('keeps an alarm out of service out, and takes nothing over a running state', () => {
    const out = fresh();
    expect(out.restore({ state: 'out_of_service' }, 0)).toBe(true);
    expect(score(out, 0, 5)).toBeUndefined(); // a high score raises nothing out of service
    expect(out.state).toBe('out_of_service');
    const running = fresh();
    score(running, 0, 5);
    expect(running.state).toBe('unack_active');
    expect([running.restore({ state: 'out_of_service' }, 0), running.state]).toEqual([false, 'unack_active']);
  });

  it('keeps a shelve until its end, and annunciates what is active when it ends', () => {
    const shelved = fresh();
    expect(shelved.restore({ state: 'shelved', shelvedUntil: 10_000 }, 1000)).toBe(true);
    expect([shelved.state, shelved.shelvedUntilTs]).toEqual(['shelved', 10_000]);
    expect(score(shelved, 2000, 5)).toBeUndefined(); // suppressed while shelved
    expect(shelved.handle({ kind: 'tick', ts: 9999 }).transition).toBeUndefined();
    expect(shelved.handle({ kind: 'tick', ts: 10_000 }).transition).toMatchObject({
      from: 'shelved',
      to: 'unack_active',
      cause: 'expiry',
    });
  });

  it('keeps a shelve no longer than the longest shelve from now (a clock stepped back)', () => {
    const m = fresh(); // max_shelve_s: 8 h, the default
    expect(m.restore({ state: 'shelved', shelvedUntil: 1000 + 30 * 86_400_000 }, 1000)).toBe(true);
    expect(m.shelvedUntilTs).toBe(1000 + 8 * 3_600_000);
  });

  it('starts normal where the shelve ended while stopped, or the journal does not say when it ends', () => {
    const ended = fresh();
    expect([ended.restore({ state: 'shelved', shelvedUntil: 1000 }, 1000), ended.state]).toEqual([false, 'normal']);
    const unknownEnd = fresh();
    expect([unknownEnd.restore({ state: 'shelved' }, 0), unknownEnd.state]).toEqual([false, 'normal']);
  });

  it('journals when a shelve ends', () => {
    const m = fresh();
    const { transition } = m.handle({ kind: 'shelve', ts: 500, by: 'op', durationMs: 60_000 });
    expect(transition).toMatchObject({ to: 'shelved', shelvedUntil: 60_500 });
    expect(m.handle({ kind: 'unshelve', ts: 600, by: 'op' }).transition).not.toHaveProperty('shelvedUntil');
  });
});
