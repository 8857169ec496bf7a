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
    expect(m.restore({ state: 'unack_active', ts: 0 }, 0)).toBe(true);
    expect([m.state, m.conditionActive]).toEqual(['unack_active', true]);
    expect(score(m, 0, 0.1)).toBeUndefined();
    expect(score(m, 1000, 0.1)).toMatchObject({ from: 'unack_active', to: 'rtn_unack', cause: 'condition' });
    expect(m.handle({ kind: 'ack', ts: 1100, by: 'op' }).transition).toMatchObject({ to: 'normal' });
  });

  it('keeps an alarm out of service out, and takes nothing over a running state', () => {
    const out = fresh();
    expect(out.restore({ state: 'out_of_service', ts: 0 }, 0)).toBe(true);
    expect(score(out, 0, 5)).toBeUndefined(); // a high score raises nothing out of service
    expect(out.state).toBe('out_of_service');
    const running = fresh();
    score(running, 0, 5);
    expect(running.state).toBe('unack_active');
    expect([running.restore({ state: 'out_of_service', ts: 0 }, 0), running.state]).toEqual([false, 'unack_active']);
  });

  it('keeps a shelve until its end, and annunciates what is active when it ends', () => {
    const shelved = fresh();
    expect(shelved.restore({ state: 'shelved', ts: 500, shelvedUntil: 10_000 }, 1000)).toBe(true);
    expect([shelved.state, shelved.shelvedUntilTs]).toEqual(['shelved', 10_000]);
    expect(score(shelved, 2000, 5)).toBeUndefined(); // suppressed while shelved
    expect(shelved.handle({ kind: 'tick', ts: 9999 }).transition).toBeUndefined();
    expect(shelved.handle({ kind: 'tick', ts: 10_000 }).transition).toMatchObject({
      from: 'shelved',
      to: 'unack_active',
      cause: 'expiry',
    });
  });

  it('keeps a shelve no longer than the longest shelve from when it was journaled, nor from now', () => {
    const H = 3_600_000; // max_shelve_s: 8 h, the default
    const steppedBack = fresh(); // journaled 30 days ahead of this clock
    expect(steppedBack.restore({ state: 'shelved', ts: 30 * 24 * H, shelvedUntil: 31 * 24 * H }, 1000)).toBe(true);
    expect(steppedBack.shelvedUntilTs).toBe(1000 + 8 * H);
    // Restarts one after another do not renew it: 8 h from the row's time, whatever the end it names.
    const journaled = { state: 'shelved', ts: 0, shelvedUntil: 30 * 24 * H } as const;
    const at7h = fresh();
    expect([at7h.restore(journaled, 7 * H), at7h.shelvedUntilTs]).toEqual([true, 8 * H]);
    const at9h = fresh();
    expect([at9h.restore(journaled, 9 * H), at9h.state]).toEqual([false, 'normal']);
  });

  it('starts normal where the shelve ended while stopped, or the journal does not say when it ends', () => {
    const ended = fresh();
    expect([ended.restore({ state: 'shelved', ts: 500, shelvedUntil: 1000 }, 1000), ended.state]).toEqual([
      false,
      'normal',
    ]);
    const unknownEnd = fresh();
    expect([unknownEnd.restore({ state: 'shelved', ts: 0 }, 0), unknownEnd.state]).toEqual([false, 'normal']);
  });

  it('journals when a shelve ends', () => {
    const m = fresh();
    const { transition } = m.handle({ kind: 'shelve', ts: 500, by: 'op', durationMs: 60_000 });
    expect(transition).toMatchObject({ to: 'shelved', shelvedUntil: 60_500 });
    expect(m.handle({ kind: 'unshelve', ts: 600, by: 'op' }).transition).not.toHaveProperty('shelvedUntil');
  });

  it('takes a longest shelve of at most 31 days, so every end is a time an event can print', () => {
    expect(alarmSchema.parse({ max_shelve_s: 31 * 86_400 }).max_shelve_s).toBe(2_678_400);
    const tooLong = alarmSchema.safeParse({ max_shelve_s: 1e13 });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error!.issues[0]).toMatchObject({ path: ['max_shelve_s'], code: 'too_big' });
  });
});

// Threshold 1, clear level 0.6, the largest normal score 0.4; no on delay, sustain (the window span) 1 h.
const H = 3_600_000;
const heldWith = (offDelayMs: number) =>
  new AlarmStateMachine({ onDelayMs: 0, offDelayMs, latching: false, maxShelveMs: 1, sustainMs: H });
const at = (m: AlarmStateMachine, ts: number, value: number) =>
  m.handle({ kind: 'score', ts, score: value, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 }).transition;

describe("AlarmStateMachine.restore: the hold's count", () => {
  // No off delay.
  const held = () => heldWith(0);

  it('goes on from the count a previous run reached, without the time the gateway was stopped', () => {
    const m = held();
    // Raised at 0, the score at or below the clear level for 50 min when the gateway stopped at 50 min; up at 3 h.
    const journaled = { state: 'ack_active', ts: 1000, since: 0, hold: { ms: 50 * 60_000, ts: 50 * 60_000 } } as const;
    expect(m.restore(journaled, 3 * H)).toBe(true);
    expect(m.holdMs).toBe(50 * 60_000);
    expect(at(m, 3 * H, 0.5)).toBeUndefined(); // the first score counts on from 50 min, not from the stop
    expect(at(m, 3 * H + 9 * 60_000, 0.5)).toBeUndefined();
    expect(at(m, 3 * H + 10 * 60_000, 0.5)).toMatchObject({
      from: 'ack_active',
      to: 'normal',
      settled: { clear: 0.6, release: 0.4, forMs: H },
    });
  });

  it('starts the count again where the next score is above the clear level', () => {
    const m = held();
    expect(m.restore({ state: 'unack_active', ts: 0, since: 0, hold: { ms: 59 * 60_000, ts: H } }, 2 * H)).toBe(true);
    at(m, 2 * H, 0.7);
    expect(m.holdMs).toBeUndefined();
    expect(at(m, 2 * H + 60_000, 0.5)).toBeUndefined();
    expect(m.holdMs).toBe(0);
  });

  it('takes no count the alarm could not have reached, nor one for a condition that is clear', () => {
    // More than the time from the raise (or from the row, where the journal does not say the raise) to the count's.
    const cases = [
      { state: 'unack_active', ts: 0, since: 10_000, hold: { ms: 5000, ts: 12_000 } },
      { state: 'unack_active', ts: 10_000, hold: { ms: 5000, ts: 12_000 } },
      { state: 'unack_active', ts: 0, hold: { ms: -1, ts: 12_000 } },
      { state: 'unack_active', ts: 0, hold: { ms: Number.NaN, ts: 12_000 } },
      { state: 'unack_active', ts: 0, hold: { ms: 1000, ts: Number.NaN } },
      { state: 'rtn_unack', ts: 0, hold: { ms: 1000, ts: 12_000 } },
    ] as const;
    for (const last of cases) {
      const m = held();
      expect([m.restore(last, 20_000), m.holdMs]).toEqual([true, undefined]);
    }
    const within = held();
    within.restore({ state: 'unack_active', ts: 10_000, hold: { ms: 2000, ts: 12_000 } }, 20_000);
    expect(within.holdMs).toBe(2000);
  });

  it('takes no count journaled after now (a clock stepped back, a journal from another box): at worst one more hold', () => {
    // Raised at 0, the whole sustain time (1 h) counted by 2 h on the journal's clock; this one says 1 h.
    const ahead = held();
    expect(ahead.restore({ state: 'unack_active', ts: 0, since: 0, hold: { ms: H, ts: 2 * H } }, H)).toBe(true);
    // actual: settled at its first score (unack_active to rtn_unack), instead of holding for the sustain time.
    expect(at(ahead, H, 0.5)).toBeUndefined();
    expect(ahead.holdMs).toBe(0);
    expect(at(ahead, H + 60_000, 0.5)).toBeUndefined();
    expect(ahead.holdMs).toBe(60_000);
    // A count journaled at now is taken.
    const atNow = held();
    atNow.restore({ state: 'unack_active', ts: 0, since: 0, hold: { ms: 59 * 60_000, ts: H } }, H);
    expect(atNow.holdMs).toBe(59 * 60_000);
  });
});

describe("AlarmStateMachine.restore: the off delay's count", () => {
  // An off delay of 10 s.
  const fresh = () => heldWith(10_000);

  it('goes on from the time a previous run saw below where the alarm clears, without the time it was stopped', () => {
    const m = fresh();
    const hold = { ms: 8000, ts: 20_000, belowMs: 8000 };
    expect(m.restore({ state: 'unack_active', ts: 0, since: 0, hold }, H)).toBe(true);
    expect(m.offDelayCountMs).toBe(8000);
    expect(at(m, H, 0.3)).toBeUndefined(); // counts none of the hour stopped
    expect(at(m, H + 1000, 0.3)).toBeUndefined();
    expect(at(m, H + 2000, 0.3)).toMatchObject({ from: 'unack_active', to: 'rtn_unack', clearedBelow: 0.4 });
  });

  it("takes no off delay count above the hold's, nor with a hold it does not take (one journaled after now)", () => {
    const above = fresh(); // more time below where it clears than at or below the clear level: not a count it reached
    above.restore({ state: 'unack_active', ts: 0, since: 0, hold: { ms: 2000, ts: 20_000, belowMs: 9000 } }, H);
    expect([above.holdMs, above.offDelayCountMs]).toEqual([2000, undefined]);
    const ahead = fresh();
    ahead.restore({ state: 'unack_active', ts: 0, since: 0, hold: { ms: 9000, ts: 2 * H, belowMs: 9000 } }, H);
    expect([ahead.holdMs, ahead.offDelayCountMs]).toEqual([undefined, undefined]);
    expect(at(ahead, H, 0.3)).toBeUndefined(); // the off delay from zero: at worst as long again
    expect(at(ahead, H + 9000, 0.3)).toBeUndefined();
    expect(at(ahead, H + 10_000, 0.3)).toMatchObject({ to: 'rtn_unack' });
    const negative = fresh();
    negative.restore({ state: 'unack_active', ts: 0, since: 0, hold: { ms: 9000, ts: 20_000, belowMs: -1 } }, H);
    expect([negative.holdMs, negative.offDelayCountMs]).toEqual([9000, undefined]);
  });
});
