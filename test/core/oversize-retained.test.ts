/**
 * Which filters an MQTT 3.1.1 subscription leaves out for a retained message too large to read, and when and how they
 * come back (oversize-retained.ts).
 */
import { describe, expect, it } from 'vitest';
import { OversizeRetained, type LeftOut } from '../../src/core/oversize-retained.js';

const retained = (topic: string, bytes = 100_037) => ({ type: 'publish', bytes, topic, retained: true as const });
const T0 = 1_000_000;
/** 1 s after, doubling, at most 8 s apart; the longest of each jittered span (random 1). */
const RETRY = { minMs: 1000, maxMs: 8000, random: () => 1 };

function leftOut(filters: string[], v311 = true) {
  const clock = { now: T0 };
  return { o: new OversizeRetained(filters, v311, () => clock.now, RETRY), clock };
}

describe('OversizeRetained', () => {
  it('with 3.1.1 leaves out every filter matching a retained publish, wildcards too, and keeps the others', () => {
    const { o } = leftOut(['plant/+/flow', 'plant/#', 'other/x']);
    expect(o.refused(retained('plant/p1/flow'))).toEqual({
      topic: 'plant/p1/flow',
      bytes: 100_037,
      filters: ['plant/+/flow', 'plant/#'],
      tries: 0,
      nextTryAt: T0 + 1000,
    });
    expect(o.subscribed()).toEqual(['other/x']);
    // Said once: the same filters again are nothing new.
    expect(o.refused(retained('plant/p2/flow'))).toBeUndefined();
    expect(o.issues().map((l) => l.topic)).toEqual(['plant/p1/flow']);
  });

  it('leaves nothing out for a live (not retained) publish, one by topic alias, or with MQTT 5', () => {
    const v311 = leftOut(['a']).o;
    expect(v311.refused({ type: 'publish', bytes: 100_037, topic: 'a' })).toBeUndefined();
    expect(v311.refused(retained(''))).toBeUndefined();
    expect(v311.refused({ type: 'suback', bytes: 100_037 })).toBeUndefined();
    const v5 = leftOut(['a'], false).o;
    expect(v5.refused(retained('a'))).toBeUndefined();
    expect([v311.subscribed(), v5.subscribed()]).toEqual([['a'], ['a']]);
    expect(v311.nextTryAt()).toBeUndefined();
  });

  it('is due to be looked at minMs after, then twice as long each time it is still there, at most maxMs apart', () => {
    const { o, clock } = leftOut(['t/big', 't/small']);
    let left: LeftOut = o.refused(retained('t/big'))!;
    expect(o.due(T0 + 999)).toEqual([]);
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.now = left.nextTryAt;
      expect(o.due(clock.now)).toEqual([left]);
      const looked = o.lookedAt(left, retained('t/big'));
      if (!('still' in looked)) throw new Error('expected it still left out');
      gaps.push(looked.still.nextTryAt - clock.now);
      left = looked.still;
    }
    expect(gaps).toEqual([2000, 4000, 8000, 8000, 8000]);
    expect(left.tries).toBe(5);
    expect(o.subscribed()).toEqual(['t/small']);
  });

  it('a look that could not tell (no broker) is tried later, as one that found it still there', () => {
    const { o, clock } = leftOut(['t/big']);
    const left = o.refused(retained('t/big'))!;
    clock.now = left.nextTryAt;
    expect(o.lookedAt(left, new Error('looking at t/big: connect ECONNREFUSED'))).toEqual({
      still: { ...left, tries: 1, nextTryAt: clock.now + 2000 },
    });
    expect(o.subscribed()).toEqual([]);
  });

  it('a look that found another retained message over the bound on the filters keeps them out, for it', () => {
    const { o, clock } = leftOut(['plant/#']);
    const left = o.refused(retained('plant/a'))!;
    clock.now = left.nextTryAt;
    const looked = o.lookedAt(left, retained('plant/b', 200_000));
    expect(looked).toEqual({
      still: { topic: 'plant/b', bytes: 200_000, filters: ['plant/#'], tries: 1, nextTryAt: clock.now + 2000 },
    });
    expect(o.issues().map((l) => l.topic)).toEqual(['plant/b']);
  });

  it('a look that found the message another left-out entry waits on keeps both entries filters out, under it', () => {
    const { o, clock } = leftOut(['a/+/z', 'a/y/+']);
    const first = o.refused(retained('a/q/z'))!;
    o.refused(retained('a/y/z'));
    clock.now = first.nextTryAt;
    // The look at a/+/z: a/q/z is gone, but a/y/z, which a/y/+ is left out for, comes first and is still too large.
    o.lookedAt(first, retained('a/y/z'));
    expect(o.issues().map((l) => [l.topic, [...l.filters].sort()])).toEqual([['a/y/z', ['a/+/z', 'a/y/+']]]);
    expect(o.subscribed()).toEqual([]);
  });

  it('a look that found nothing over the bound gives its filters back, once', () => {
    const { o, clock } = leftOut(['plant/+/flow', 'plant/#', 'other/x']);
    const left = o.refused(retained('plant/p1/flow'))!;
    clock.now = left.nextTryAt;
    expect(o.lookedAt(left, undefined)).toEqual({ back: ['plant/+/flow', 'plant/#'] });
    expect(o.subscribed()).toEqual(['plant/+/flow', 'plant/#', 'other/x']);
    expect([o.issues(), o.nextTryAt()]).toEqual([[], undefined]);
    expect(o.lookedAt(left, undefined)).toEqual({ back: [] });
    // Back again, then refused again: left out afresh, looked at minMs after.
    expect(o.refused(retained('plant/p1/flow'))?.nextTryAt).toBe(clock.now + 1000);
  });
});
