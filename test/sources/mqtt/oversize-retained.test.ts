/** Which filters an MQTT source leaves out for a retained message too large to read (oversize-retained.ts). */
import { describe, expect, it } from 'vitest';
import { OversizeRetained } from '../../../src/sources/mqtt/oversize-retained.js';

const retained = (topic: string) => ({ type: 'publish', bytes: 100_037, topic, retained: true as const });

describe('OversizeRetained', () => {
  it('with 3.1.1 leaves out every filter matching a retained publish, wildcards too, and keeps the others', () => {
    const o = new OversizeRetained(['plant/+/flow', 'plant/#', 'other/x'], true);
    expect(o.refused(retained('plant/p1/flow'))).toEqual({
      topic: 'plant/p1/flow',
      bytes: 100_037,
      filters: ['plant/+/flow', 'plant/#'],
    });
    expect(o.subscribed()).toEqual(['other/x']);
    // Said once: the same filters again are nothing new.
    expect(o.refused(retained('plant/p2/flow'))).toBeUndefined();
    expect(o.issues().map((l) => l.topic)).toEqual(['plant/p1/flow']);
  });

  it('leaves nothing out for a live (not retained) publish, one by topic alias, or with MQTT 5', () => {
    const v311 = new OversizeRetained(['a'], true);
    expect(v311.refused({ type: 'publish', bytes: 100_037, topic: 'a' })).toBeUndefined();
    expect(v311.refused(retained(''))).toBeUndefined();
    expect(v311.refused({ type: 'suback', bytes: 100_037 })).toBeUndefined();
    const v5 = new OversizeRetained(['a'], false);
    expect(v5.refused(retained('a'))).toBeUndefined();
    expect([v311.subscribed(), v5.subscribed()]).toEqual([['a'], ['a']]);
  });
});
