import { CreateSubscriptionRequest, ModifySubscriptionRequest, PublishRequest } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { boundNotificationsPerPublish } from '../../../src/sinks/opcua-server/notification-bound.js';

const revised = (request: CreateSubscriptionRequest | ModifySubscriptionRequest, max: number) => {
  boundNotificationsPerPublish(request, max);
  return request.maxNotificationsPerPublish;
};

describe('the notifications per publish the OPC UA server revises a subscription to', () => {
  it('CreateSubscription: 0 (no limit) and more than the bound become the bound; less stays as asked', () => {
    const create = (maxNotificationsPerPublish: number) =>
      new CreateSubscriptionRequest({ maxNotificationsPerPublish });
    expect([0, 1000, 101, 100, 7].map((n) => revised(create(n), 100))).toEqual([100, 100, 100, 100, 7]);
  });

  it('ModifySubscription: alike', () => {
    const modify = (maxNotificationsPerPublish: number) =>
      new ModifySubscriptionRequest({ subscriptionId: 1, maxNotificationsPerPublish });
    expect([0, 5000, 3].map((n) => revised(modify(n), 50))).toEqual([50, 50, 3]);
  });

  it('another request is left as it is', () => {
    const publish = new PublishRequest({ subscriptionAcknowledgements: [{ subscriptionId: 1, sequenceNumber: 2 }] });
    // The same request before and after (not a second one built later: its header would carry another timestamp).
    const before = JSON.stringify(publish);
    boundNotificationsPerPublish(publish, 1);
    expect(JSON.stringify(publish)).toBe(before);
  });
});
