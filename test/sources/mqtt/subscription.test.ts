/** A source's subscription refused in part (subscription.ts): the refused filters named, the granted ones not. */
import { describe, expect, it } from 'vitest';
import { refusedSubscriptionText } from '../../../src/sources/mqtt/subscription.js';

const LABEL = 'mqtt broker (mqtt://127.0.0.1:1883)';

describe('refusedSubscriptionText', () => {
  it('names each filter the broker refused (0x80), and only those', () => {
    expect(
      refusedSubscriptionText(LABEL, [
        { topic: 'plant/+/flow', qos: 1 },
        { topic: 'plant/secret/#', qos: 128 },
        { topic: 'plant/+/temp', qos: 0 },
        { topic: 'other/x', qos: 128 },
      ]),
    ).toBe(
      'mqtt broker (mqtt://127.0.0.1:1883): the broker refused the subscription to plant/secret/#, other/x ' +
        '(not allowed for this user?)',
    );
  });

  it('says nothing where every filter was granted, at a lower QoS too', () => {
    expect(
      refusedSubscriptionText(LABEL, [
        { topic: 'plant/+/flow', qos: 1 },
        { topic: 'plant/+/temp', qos: 0 },
      ]),
    ).toBeUndefined();
  });
});
