/**
 * Values published on change (hold_ms): a held tag's last good value is sent again every publish interval for up to
 * its hold_ms after its message, its stamp moved on by the time since the message arrived; a bad reading, a silence
 * longer than hold_ms or a lost connection ends the hold; tags without hold_ms are never sent again.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { HeldValues } from '../../../src/sources/mqtt/held-values.js';

const T0 = 1_741_342_500_000;

const reading = (channel: string, value: number, ts: number, quality: Sample['quality'] = 'good'): Sample => ({
  source: 'broker',
  asset: 'pump-3',
  channel,
  ts,
  received: T0,
  value,
  quality,
});

describe('HeldValues', () => {
  it('sends a held value again every interval, its stamp on the publisher clock, until hold_ms after its message', () => {
    const held = new HeldValues([undefined, 3000], 1000);
    // The publisher's clock runs 250 ms behind the gateway's.
    held.note(0, reading('flow', 12, T0 - 250), T0);
    held.note(1, reading('temperature', 41.5, T0 - 250), T0);
    expect(held.due(T0 + 400)).toEqual([]);
    expect(held.due(T0 + 1000)).toEqual([{ ...reading('temperature', 41.5, T0 + 750), received: T0 + 1000 }]);
    // A timer a little early still sends (half an interval since the last); one twice in a round does not.
    expect(held.due(T0 + 1990).map((s) => s.ts)).toEqual([T0 + 1740]);
    expect(held.due(T0 + 2000)).toEqual([]);
    expect(held.due(T0 + 3000).map((s) => s.ts)).toEqual([T0 + 2750]);
    expect(held.due(T0 + 3001)).toEqual([]);
    expect(held.due(T0 + 9000)).toEqual([]);
  });

  it('a new message starts the hold again; one just delivered is not sent again within half an interval', () => {
    const held = new HeldValues([2000], 1000);
    held.note(0, reading('temperature', 41.5, T0), T0);
    held.note(0, reading('temperature', 42, T0 + 1800), T0 + 1800);
    expect(held.due(T0 + 2000)).toEqual([]);
    expect(held.due(T0 + 3500)).toEqual([{ ...reading('temperature', 42, T0 + 3500), received: T0 + 3500 }]);
  });

  it('a bad reading ends the hold (its channel goes stale), and clear() lets every held value go', () => {
    const held = new HeldValues([5000, 5000], 1000);
    held.note(0, reading('temperature', 41.5, T0), T0);
    held.note(1, reading('pressure', 3, T0), T0);
    held.note(0, reading('temperature', Number.NaN, T0 + 100, 'bad'), T0 + 100);
    expect(held.due(T0 + 1000).map((s) => s.channel)).toEqual(['pressure']);
    held.clear();
    expect(held.due(T0 + 2000)).toEqual([]);
  });

  it('says whether any tag is held', () => {
    expect(new HeldValues([undefined, undefined], 1000).any).toBe(false);
    expect(new HeldValues([undefined, 60_000], 1000).any).toBe(true);
  });

  it('a retained message (the broker replays it at every subscribe) holds only by its own stamp', () => {
    const held = new HeldValues([60_000, 60_000], 1000);
    // No stamp in the message: delivered, not held (its publisher may be gone for days).
    held.note(0, reading('temperature', 41.5, T0), T0, { retained: true, stamped: false });
    // Stamped 50 s before it came: held for the 10 s its hold has left.
    held.note(1, reading('pressure', 3, T0 - 50_000), T0, { retained: true, stamped: true });
    expect(held.due(T0 + 1000)).toEqual([{ ...reading('pressure', 3, T0 + 1000), received: T0 + 1000 }]);
    expect(held.due(T0 + 10_000).map((s) => s.channel)).toEqual(['pressure']);
    expect(held.due(T0 + 10_001)).toEqual([]);
  });
});
