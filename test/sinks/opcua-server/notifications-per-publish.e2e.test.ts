/**
 * Notifications per publish response of storage.opcua_server (notification-bound.ts), with a node-opcua client over
 * real sockets on 127.0.0.1 that publishes and never acknowledges: a subscription asking maxNotificationsPerPublish 0
 * (no limit), created or modified, gets at most max_notifications_per_publish notifications a response, and every
 * change still arrives, in the next responses.
 */
import {
  AttributeIds,
  MonitoringMode,
  PublishRequest,
  TimestampsToReturn,
  type ClientSession,
  type ClientSessionPublishService,
  type ClientSessionRawSubscriptionService,
  type PublishResponse,
} from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { openUaSession } from '../../helpers/ua-client.js';
import { MES_USER, pumpServerForFile, writePumpScore } from './server-sink-fixture.js';

const PER_PUBLISH = 5;
const ITEMS = 20;

const server = pumpServerForFile('lw-uaserver-per-publish-', { max_notifications_per_publish: PER_PUBLISH });

/** The session's raw services: subscriptions as the client asks them, and Publish requests the test sends itself. */
type RawSession = ClientSession & ClientSessionRawSubscriptionService & ClientSessionPublishService;

const publish = (session: RawSession) =>
  new Promise<PublishResponse>((resolve, reject) =>
    // No SubscriptionAcknowledgement, ever: every response stays in the server's retransmission queue.
    session.publish(new PublishRequest({ subscriptionAcknowledgements: [] }), (err, response) =>
      err ? reject(err) : resolve(response!),
    ),
  );

/** Publishes until `count` notifications came; the number in each response that carried any. */
async function notificationsPerResponse(session: RawSession, count: number): Promise<number[]> {
  const sizes: number[] = [];
  while (sizes.reduce((a, b) => a + b, 0) < count) {
    const response = await publish(session);
    const items = (response.notificationMessage.notificationData ?? []).flatMap(
      (d) => (d as { monitoredItems?: unknown[] }).monitoredItems ?? [],
    );
    if (items.length > 0) sizes.push(items.length);
  }
  return sizes;
}

describe('notifications per publish response of the OPC UA server', () => {
  it('a subscription asking no limit gets max_notifications_per_publish a response, created or modified, and every change', async ({
    onTestFinished,
  }) => {
    const ua = await openUaSession(server().endpointUrl!, 'urn:linewatch:gw-test', MES_USER);
    onTestFinished(() => ua.close());
    const session = ua.session as RawSession;
    const { subscriptionId } = await session.createSubscription({
      requestedPublishingInterval: 100,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    await session.createMonitoredItems({
      subscriptionId,
      timestampsToReturn: TimestampsToReturn.Both,
      itemsToCreate: Array.from({ length: ITEMS }, (_, i) => ({
        itemToMonitor: { nodeId: `ns=${ua.ns};s=pump-1/Anomaly/Score`, attributeId: AttributeIds.Value },
        monitoringMode: MonitoringMode.Reporting,
        requestedParameters: { clientHandle: i + 1, samplingInterval: 0, queueSize: 1, discardOldest: true },
      })),
    });
    // The initial value of each item.
    const created = await notificationsPerResponse(session, ITEMS);
    await session.modifySubscription({
      subscriptionId,
      requestedPublishingInterval: 100,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      priority: 1,
    });
    // One score: a change of every item at once.
    writePumpScore(server(), 1.5);
    const modified = await notificationsPerResponse(session, ITEMS);
    expect({ created: Math.max(...created), modified }).toEqual({ created: PER_PUBLISH, modified: [5, 5, 5, 5] });
    expect(created.reduce((a, b) => a + b, 0)).toBe(ITEMS);
  });
});
