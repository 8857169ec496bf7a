/**
 * The hold at the model's largest normal score counts the time the score is seen at or below the clear level: not the
 * time across a gap (windows that could not be scored: a source down, a pause), which neither counts nor starts the
 * count again (the first score after it counts its own window, seen whole), and the settled event says the time
 * counted. Time comes with each input (an injected clock).
 */
import { describe, expect, it } from 'vitest';
import { alarmDefinition, alarmEvent } from '../../src/alarms/alarm-event.js';
import { AlarmStateMachine, type AlarmDefinition } from '../../src/alarms/alarm-state.js';

// Threshold 1, clear level (off) 0.6, the largest normal score 0.4; no on or off delay, sustain 5 s.
const DEF: AlarmDefinition = { onDelayMs: 0, offDelayMs: 0, latching: false, maxShelveMs: 1, sustainMs: 5000 };
const LEVELS = { threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 } as const;

/** A machine and its inputs: `score(ts, value)` and `gap(ts)` return the transition, if any. */
function held(def: AlarmDefinition = DEF) {
  const m = new AlarmStateMachine(def);
  return {
    m,
    score: (ts: number, score: number) => m.handle({ kind: 'score', ts, score, ...LEVELS }).transition,
    gap: (ts: number) => m.handle({ kind: 'gap', ts }).transition,
  };
}

describe('the hold across a gap', () => {
  it('does not count the time of a gap as time at or below the clear level', () => {
    const { m, score, gap } = held();
    expect(score(0, 2)?.to).toBe('unack_active');
    score(1000, 0.5);
    score(2000, 0.5); // 1000 ms counted
    gap(2500);
    // An hour later the source is back: the hour is not counted, the 1000 ms before it stay.
    expect(score(3_602_000, 0.5)).toBeUndefined();
    expect(m.holdMs).toBe(1000);
    [3_603_000, 3_604_000, 3_605_000].forEach((ts) => expect(score(ts, 0.5)).toBeUndefined());
    expect(m.holdMs).toBe(4000);
    expect(score(3_606_000, 0.5)).toMatchObject({
      from: 'unack_active',
      to: 'rtn_unack',
      settled: { clear: 0.6, release: 0.4, forMs: 5000 },
    });
  });

  it('does not start the count again: a source that drops out every few seconds still lets a settled alarm go', () => {
    const { m, score, gap } = held();
    score(0, 2);
    // 1000 ms at 0.5 between gaps, a minute apart: the fifth brings the count to the sustain time (at 241_000 + 1000).
    const transitions = [];
    for (let i = 0; i < 10 && m.conditionActive; i++) {
      const t0 = 1000 + i * 60_000;
      transitions.push(score(t0, 0.5), score(t0 + 1000, 0.5));
      gap(t0 + 1500);
    }
    expect(transitions.filter((t) => t !== undefined)).toEqual([
      expect.objectContaining({ to: 'rtn_unack', ts: 242_000, settled: { clear: 0.6, release: 0.4, forMs: 5000 } }),
    ]);
  });

  it('counts the scored window after a gap: a source that drops every other window still lets a settled alarm go', () => {
    // Regression: each score after a gap counted nothing, so with every other window incomplete the count stayed 0 and
    // the alarm was held for good. A scored window is complete: its span (here 1000 ms, one score a second) was seen.
    const { m, score, gap } = held({ ...DEF, windowMs: 1000 });
    score(0, 2);
    let settled;
    for (let ts = 2000; ts <= 60_000 && !settled; ts += 2000) {
      gap(ts - 1000);
      settled = score(ts, 0.5);
    }
    // The first score starts the count; then 1000 ms of each 2000: the sixth brings it to the sustain time.
    expect(settled).toMatchObject({ to: 'rtn_unack', ts: 12_000, settled: { clear: 0.6, release: 0.4, forMs: 5000 } });
    expect(m.conditionActive).toBe(false);
  });

  it('starts the count again after a gap where the next score is above the clear level', () => {
    const { m, score, gap } = held();
    score(0, 2);
    score(1000, 0.5);
    score(4000, 0.5);
    gap(4500);
    score(9000, 0.7); // above the clear level: a deviation again
    expect(m.holdMs).toBeUndefined();
    score(10_000, 0.5);
    expect(score(14_000, 0.5)).toBeUndefined();
    expect(m.holdMs).toBe(4000);
    expect(score(15_000, 0.5)).toMatchObject({ to: 'rtn_unack', settled: { forMs: 5000 } });
  });

  it('counts nothing for a clock stepped back', () => {
    const { m, score } = held();
    score(0, 2);
    score(10_000, 0.5);
    score(11_000, 0.5);
    score(5000, 0.5); // stepped back 6 s
    expect(m.holdMs).toBe(1000);
    score(6000, 0.5);
    expect(m.holdMs).toBe(2000);
  });

  it('says the time counted in the settled event, not the time since the score first went below', () => {
    const settings = { priority: 'high', on_delay_ms: 0, off_delay_ms: 0, latching: false, max_shelve_s: 1 } as const;
    const { score, gap } = held(alarmDefinition(settings, 5000));
    score(0, 2);
    [1000, 2000, 3000].forEach((ts) => score(ts, 0.5));
    gap(3500);
    // Settled at 120_000, 119_000 ms after the score first went below: 7000 ms of it seen there (2000 before the gap,
    // and the 5000 ms window of the first score after it).
    const t = score(120_000, 0.5)!;
    const latest = { score: 0.5, ...LEVELS, contributions: [] };
    expect(alarmEvent(t, { asset: 'pump-1', alarm: 'anomaly', settings, threshold: 1, latest }).message).toBe(
      'pump-1: anomaly score at or below its clear level 0.600 for 7000 ms, not back below the largest normal score 0.400: settled, no longer held (unack_active → rtn_unack)',
    );
  });

  it('counts a score at the clear level as held, and the settled event says at or below it', () => {
    const settings = { priority: 'high', on_delay_ms: 0, off_delay_ms: 0, latching: false, max_shelve_s: 1 } as const;
    const { score } = held(alarmDefinition(settings, 5000));
    score(0, 2);
    [1000, 3000, 5000].forEach((ts) => expect(score(ts, 0.6)).toBeUndefined());
    const t = score(6000, 0.6)!;
    expect(t).toMatchObject({ to: 'rtn_unack', settled: { clear: 0.6, release: 0.4, forMs: 5000 } });
    const latest = { score: 0.6, ...LEVELS, contributions: [] };
    expect(alarmEvent(t, { asset: 'pump-1', alarm: 'anomaly', settings, threshold: 1, latest }).message).toBe(
      'pump-1: anomaly score at or below its clear level 0.600 for 5000 ms, not back below the largest normal score 0.400: settled, no longer held (unack_active → rtn_unack)',
    );
  });

  it('pauses the off delay across a gap as it does the hold: the first score after it counts its window', () => {
    // Below the largest normal score either side of a gap: the gap's time is not counted, the 1000 ms window is.
    const { m, score, gap } = held({ ...DEF, offDelayMs: 2000, windowMs: 1000 });
    score(0, 2);
    score(1000, 0.3);
    gap(1500);
    expect(score(60_000, 0.3)).toBeUndefined();
    expect(m.offDelayCountMs).toBe(1000);
    expect(score(61_000, 0.3)).toMatchObject({ to: 'rtn_unack', clearedBelow: 0.4 });
  });

  it("counts a part's own cycle after a gap where the alarm has no window span (parts)", () => {
    const { m } = held({ ...DEF, offDelayMs: 2000 });
    const part = (ts: number, windowMs: number) =>
      m.handle({ kind: 'score', ts, score: 0.3, ...LEVELS, windowMs }).transition;
    m.handle({ kind: 'score', ts: 0, score: 2, ...LEVELS });
    part(1000, 800);
    m.handle({ kind: 'gap', ts: 1500 }); // an incomplete part
    expect(part(5000, 800)).toBeUndefined();
    expect(m.offDelayCountMs).toBe(800);
    m.handle({ kind: 'gap', ts: 5500 });
    expect(part(9000, 1200)).toMatchObject({ to: 'rtn_unack' });
  });
});

describe('a clearing without a hold', () => {
  it('names the clear level it cleared at, not the largest normal score it never went below', () => {
    // sustain 0 (parts, or sustain_ms: 0): no hold, the alarm clears at the clear level 0.6 with the score at 0.5.
    const settings = {
      priority: 'high',
      on_delay_ms: 0,
      off_delay_ms: 0,
      latching: false,
      max_shelve_s: 1,
      sustain_ms: 0,
    } as const;
    const { score } = held(alarmDefinition(settings));
    score(0, 2);
    const t = score(1000, 0.5)!;
    expect(t).toMatchObject({ to: 'rtn_unack', clearedBelow: 0.6 });
    expect(t).not.toHaveProperty('settled');
    const latest = { score: 0.5, ...LEVELS, contributions: [] };
    expect(alarmEvent(t, { asset: 'pump-1', alarm: 'anomaly', settings, threshold: 1, latest }).message).toBe(
      'pump-1: anomaly score back below 0.600 (unack_active → rtn_unack)',
    );
  });
});
