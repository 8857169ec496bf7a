/** Held OPC UA items, pure: what a publish response's batch carries again, and with which stamp. */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { HeldItems } from '../../../src/sources/opcua/held-items.js';

const T0 = Date.UTC(2026, 0, 1);
const sample = (channel: string, ts: number, value = 1): Sample => ({
  source: 'ua',
  asset: 'a',
  channel,
  ts,
  received: ts,
  value,
  quality: 'good',
});

/** Two items sampled every 100 ms and 0 ms, a keep-alive period of 200 ms. */
function items(): HeldItems {
  const held = new HeldItems();
  held.reset([100, 0], 200);
  return held;
}

const heldAt = (held: HeldItems, publishTs: number, now = publishTs) => {
  const batch: Sample[] = [];
  held.hold(batch, publishTs, now);
  return batch;
};

describe('HeldItems', () => {
  it('holds nothing before a keep-alive period has passed since an item was sent', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    expect(heldAt(held, T0 + 199)).toEqual([]);
  });

  it("holds an item's last notification once a keep-alive period, on its own clock, a sampling interval behind", () => {
    const held = items();
    // The device's clock runs a minute ahead of the server's publish times.
    held.noted(0, sample('x', T0 + 60_000, 7), T0);
    const [first] = heldAt(held, T0 + 300, T0 + 305);
    expect(first).toEqual({ ...sample('x', T0 + 60_000 + 300 - 100, 7), received: T0 + 305 });
    // Sent at T0 + 300: the next hold is due a keep-alive period later, still moved on from its notification.
    expect(heldAt(held, T0 + 400)).toEqual([]);
    expect(heldAt(held, T0 + 500).map((s) => s.ts)).toEqual([T0 + 60_000 + 500 - 100]);
  });

  it('never stamps a held value before the notification it repeats', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    // A publish only 50 ms later, with a keep-alive of 0 (a server granting the least): less than the sampling
    // interval has passed, so the stamp stays the notification's.
    held.keepAlive(0);
    expect(heldAt(held, T0 + 50).map((s) => s.ts)).toEqual([T0]);
  });

  it('holds only items that were noted, and a bad one bad', () => {
    const held = items();
    held.noted(1, { ...sample('y', T0), value: Number.NaN, quality: 'bad' }, T0);
    expect(heldAt(held, T0 + 200).map((s) => [s.channel, s.quality])).toEqual([['y', 'bad']]);
  });

  it('goes by the keep-alive period the server granted', () => {
    const held = items();
    held.keepAlive(1000);
    held.noted(0, sample('x', T0), T0);
    expect(heldAt(held, T0 + 999)).toEqual([]);
    expect(heldAt(held, T0 + 1000)).toHaveLength(1);
  });

  it('says how many it added, after what the batch already held', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    held.noted(1, sample('y', T0), T0);
    const batch = [sample('z', T0 + 200)];
    expect(held.hold(batch, T0 + 200, T0 + 200)).toBe(2);
    expect(batch.map((s) => s.channel)).toEqual(['z', 'x', 'y']);
    expect(held.hold(batch, T0 + 300, T0 + 300)).toBe(0);
  });

  it('a new subscription holds nothing of the last one', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    held.reset([100, 0], 200);
    expect(heldAt(held, T0 + 1000)).toEqual([]);
  });

  it('is never stamped past the newest change delivered while changes come, and never goes back', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    held.noted(1, sample('y', T0), T0);
    // The server falls behind: y's changes come 300 ms after their stamps.
    held.noted(1, sample('y', T0 + 100, 2), T0 + 400);
    // x, unchanged, is held no later than y's newest change (before: at T0 + 400 less 100, a row of its own ahead of
    // the changes, which stepped the rows back when y's next change, stamped T0 + 150, came).
    expect(heldAt(held, T0 + 400).map((s) => s.ts)).toEqual([T0 + 100]);
    held.noted(1, sample('y', T0 + 150, 3), T0 + 450);
    held.noted(1, sample('y', T0 + 160, 4), T0 + 600);
    expect(heldAt(held, T0 + 600).map((s) => s.ts)).toEqual([T0 + 160]);
  });

  it('is held at the publish where no change came for a keep-alive period (an idle machine)', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    held.noted(1, sample('y', T0), T0);
    held.noted(1, sample('y', T0 + 100, 2), T0 + 100);
    expect(heldAt(held, T0 + 1000).map((s) => s.ts)).toEqual([T0 + 900, T0 + 1000]);
  });

  it('stays at the newest change through a quiet spell shorter than twice the changes have come late (a mould open)', () => {
    const held = items();
    held.noted(0, sample('x', T0), T0);
    held.noted(1, sample('y', T0), T0);
    held.noted(1, sample('y', T0 + 100, 2), T0 + 400); // 300 ms late
    // 400 ms without a change (past the 200 ms keep-alive period, short of 2 × 300 ms): x is held at y's newest change,
    // not at the publish, where y's next change, reported as late, would have stepped the rows back.
    expect(heldAt(held, T0 + 800).map((s) => s.ts)).toEqual([T0 + 100, T0 + 100]);
    // Past 2 × 300 ms without a change: held at the publish again (an idle machine).
    expect(heldAt(held, T0 + 1100).map((s) => s.ts)).toEqual([T0 + 1000, T0 + 1100]);
  });

  it('holds a value set long before the subscription at the publish, not behind by its age (its serverTimestamp)', () => {
    const held = items();
    // A setpoint set an hour before the gateway subscribed: source and server timestamps an hour old.
    held.noted(0, sample('x', T0 - 3_600_000), T0, T0 - 3_600_000);
    expect(heldAt(held, T0 + 300).map((s) => s.ts)).toEqual([T0 + 300 - 100]);
  });

  it("a first value's serverTimestamp of MinDateTime or after the publish is no use: its own clock is kept", () => {
    for (const serverTs of [Date.UTC(1601, 0, 1), T0 + 5000]) {
      const held = items();
      held.noted(0, sample('x', T0 + 60_000), T0, serverTs);
      expect(heldAt(held, T0 + 300).map((s) => s.ts)).toEqual([T0 + 60_000 + 300 - 100]);
    }
  });
});
