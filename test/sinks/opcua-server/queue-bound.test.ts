import {
  CreateMonitoredItemsRequest,
  ModifyMonitoredItemsRequest,
  PublishRequest,
  type MonitoredItemCreateRequestOptions,
} from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { boundQueueSizes } from '../../../src/sinks/opcua-server/queue-bound.js';

const created = (...queueSizes: number[]) =>
  new CreateMonitoredItemsRequest({
    subscriptionId: 1,
    itemsToCreate: queueSizes.map((queueSize, i): MonitoredItemCreateRequestOptions => ({
      itemToMonitor: { nodeId: 'ns=2;s=pump-1/Anomaly/Score' },
      requestedParameters: { clientHandle: i, samplingInterval: 0, queueSize, discardOldest: true },
    })),
  });

describe('the queue size the OPC UA server revises a monitored item to', () => {
  it('CreateMonitoredItems: each queueSize over the bound is revised to it; those within it stay as asked', () => {
    const request = created(100_000, 100, 101, 1, 0);
    boundQueueSizes(request, 100);
    expect(request.itemsToCreate!.map((i) => i.requestedParameters.queueSize)).toEqual([100, 100, 100, 1, 0]);
  });

  it('ModifyMonitoredItems: a queueSize over the bound is revised to it', () => {
    const request = new ModifyMonitoredItemsRequest({
      subscriptionId: 1,
      itemsToModify: [
        { monitoredItemId: 7, requestedParameters: { queueSize: 5000 } },
        { monitoredItemId: 8, requestedParameters: { queueSize: 20 } },
      ],
    });
    boundQueueSizes(request, 50);
    expect(request.itemsToModify!.map((i) => i.requestedParameters.queueSize)).toEqual([50, 20]);
  });

  it('another request, or one without items, is left as it is', () => {
    const publish = new PublishRequest({});
    boundQueueSizes(publish, 1);
    expect(publish).toEqual(new PublishRequest({}));
    // A list decoded from the wire may be null (an OPC UA array of length -1).
    const empty = new CreateMonitoredItemsRequest({ subscriptionId: 1 });
    empty.itemsToCreate = null;
    boundQueueSizes(empty, 1);
    expect(empty.itemsToCreate).toBeNull();
  });
});
