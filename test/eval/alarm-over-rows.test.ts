/**
 * eval's alarm is the daemon's: built by alarmDefinition with the model's window span. Regression: eval gave the
 * alarm no window span, so after a row with no score (NaN: a gap) the next score counted nothing towards the hold,
 * and a source that drops every other window kept eval's alarm raised for good while the daemon let it go.
 */
import { describe, expect, it } from 'vitest';
import { alarmDefinition } from '../../src/alarms/alarm-event.js';
import { alarmSchema } from '../../src/config/schema.js';
import { alarmOverRows, evalAlarmDefinition } from '../../src/eval/alarm-over-rows.js';

describe('alarmOverRows', () => {
  it('counts the scored row after a gap towards the hold, as the daemon does: a settled alarm goes', () => {
    // One row a second, the window span 1 s; every other row unscored after a raise at 0, the others 0.5 (at or below
    // the clear level 0.6, above the largest normal score 0.4): held for the sustain time (5 s), then let go.
    const times = Array.from({ length: 30 }, (_, i) => i * 1000);
    const scores = times.map((t) => (t === 0 ? 2 : t % 2000 === 0 ? 0.5 : Number.NaN));
    const active = alarmOverRows(times, scores, 1, 0.6, { onDelayMs: 0, offDelayMs: 0, sustainMs: 5000 }, 0.4, 1000);
    // actual: 1 to the end (each score after a gap counted 0 ms).
    expect(times.filter((_, i) => active[i] === 1 && !Number.isNaN(scores[i]))).toEqual([
      0, 2000, 4000, 6000, 8000, 10_000,
    ]);
    expect(active[12]).toBe(0);
  });

  it("builds the daemon's definition from the same settings: the window span is the sustain time unless one is set", () => {
    const span = 60_000;
    expect(evalAlarmDefinition({ onDelayMs: 0, offDelayMs: 5000 }, span)).toEqual(
      alarmDefinition(alarmSchema.parse({ on_delay_ms: 0, off_delay_ms: 5000 }), span),
    );
    expect(evalAlarmDefinition({ onDelayMs: 0, offDelayMs: 0, sustainMs: 0 }, span)).toMatchObject({
      sustainMs: 0,
      windowMs: span,
    });
  });
});
