/**
 * How many notifications one NotificationMessage may carry (pure). node-opcua keeps each subscription's last 100 sent
 * messages until the client acknowledges them (its retransmission queue, a constant), each of up to
 * maxNotificationsPerPublish notifications, which it grants up to 1,000 (0, "no limit", included): a client that
 * publishes and never acknowledges made one session of 10 subscriptions hold some 130 MiB, and the default bounds
 * allowed over 1 GiB. The server revises every CreateSubscription and ModifySubscription request down to
 * `max_notifications_per_publish` before node-opcua takes it, so what a subscription holds unacknowledged is at most
 * 100 × that many notifications. A subscription with more changes than fit in one message loses none: the rest goes
 * out at once in the next message (moreNotifications), one per Publish request the client holds. Only types come from
 * node-opcua.
 */
import type { CreateSubscriptionRequest, ModifySubscriptionRequest } from 'node-opcua';

/**
 * The default of max_notifications_per_publish: one subscription then holds at most 100 × 100 = 10,000 notifications
 * unacknowledged (about 1.3 MiB), 1 million across the default 10 sessions × 10 subscriptions; a subscription of more
 * changed items than this gets them in more than one message within the same publishing cycle.
 */
export const DEFAULT_NOTIFICATIONS_PER_PUBLISH = 100;

/** node-opcua's own bound (Subscription.maxNotificationPerPublishHighLimit): a larger one would not be honoured. */
export const NODE_OPCUA_MAX_NOTIFICATIONS_PER_PUBLISH = 1000;

/**
 * Revises the maxNotificationsPerPublish a CreateSubscription or ModifySubscription request asks for down to `max`, in
 * place; 0 (OPC UA's "no limit") becomes `max`.
 */
export function boundNotificationsPerPublish(request: object, max: number): void {
  // The two requests are the only ones with this field.
  const asked = request as Partial<CreateSubscriptionRequest | ModifySubscriptionRequest>;
  if (typeof asked.maxNotificationsPerPublish !== 'number') return;
  if (asked.maxNotificationsPerPublish === 0 || asked.maxNotificationsPerPublish > max)
    asked.maxNotificationsPerPublish = max;
}
