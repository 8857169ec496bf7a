/** The nodes of an OPC UA source that give no values, and why (missing-nodes.ts). */
import { describe, expect, it } from 'vitest';
import { MissingNodes } from '../../../src/sources/opcua/missing-nodes.js';

describe('MissingNodes', () => {
  it("lists what the subscription's creation said, replaced by the next subscription's", () => {
    const m = new MissingNodes();
    m.subscribed(
      new Map([
        [2, 'no ns=2;s=b'],
        [0, 'no ns=2;s=a'],
      ]),
    );
    expect(m.entries()).toEqual([
      [0, 'no ns=2;s=a'],
      [2, 'no ns=2;s=b'],
    ]);
    m.subscribed(new Map([[1, 'no ns=2;s=c']]));
    expect(m.entries()).toEqual([[1, 'no ns=2;s=c']]);
  });

  it('adds a node a notification says does not exist, once, until a value that is not bad comes', () => {
    const m = new MissingNodes();
    m.subscribed(new Map());
    expect(m.heard(1, 'BadNodeIdInvalid', true, () => 'deleted')).toBe('deleted');
    expect(m.heard(1, 'BadNodeIdInvalid', true, () => 'deleted again')).toBeUndefined();
    expect(m.heard(1, 'BadSensorFailure', true, () => 'not asked')).toBeUndefined();
    expect(m.entries()).toEqual([[1, 'deleted']]);
    expect(m.heard(1, undefined, false, () => 'not asked')).toBeUndefined();
    expect(m.entries()).toEqual([]);
  });

  it('forgets what notifications said at a new subscription, whose creation says what is missing', () => {
    const m = new MissingNodes();
    m.heard(0, 'BadNodeIdUnknown', true, () => 'gone');
    m.subscribed(new Map());
    expect(m.entries()).toEqual([]);
  });
});
