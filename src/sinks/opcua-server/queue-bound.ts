/**
 * How many values one monitored item may hold between two publishes (pure). node-opcua grants a client's queueSize up
 * to 5,000 values an item: a session holding 1,000 items with publishing disabled made the gateway grow about
 * 1.4 MiB a second, up to some 700 MiB. The server revises every CreateMonitoredItems and ModifyMonitoredItems request
 * down to `max_monitored_item_queue_size` before node-opcua takes it, so node-opcua makes the queue that size and
 * answers it as the revisedQueueSize; past it the item drops its oldest value (or, with discardOldest false, replaces
 * its newest), as OPC UA says. Only types come from node-opcua: the schema takes the default from here, and a gateway
 * without the server does not load node-opcua.
 */
import type { CreateMonitoredItemsRequest, ModifyMonitoredItemsRequest } from 'node-opcua';

/**
 * The fastest the server samples an item (its MinSupportedSampleRate, node-opcua's default): changes of a variable
 * within it reach a client as the last of them, so one item produces at most one value per this many ms.
 */
export const MIN_SAMPLING_MS = 100;

/**
 * The longest publishing interval whose values a queue of the default size holds in full: ten times a 1 s tag rate
 * (Ignition's default tag group, node-opcua's default publishing interval), so a client publishing every second loses
 * nothing even when its Publish requests come 9 s late; a slower one gets the newest values.
 */
const FULL_PUBLISHING_INTERVAL_MS = 10_000;

/** The default of max_monitored_item_queue_size: the values one item can produce within FULL_PUBLISHING_INTERVAL_MS. */
export const DEFAULT_QUEUE_SIZE = FULL_PUBLISHING_INTERVAL_MS / MIN_SAMPLING_MS;

/** node-opcua's own bound (monitored_item.js `maxQueueSize`): a larger one would not be honoured. */
export const NODE_OPCUA_MAX_QUEUE_SIZE = 5000;

/** Revises the queue sizes a CreateMonitoredItems or ModifyMonitoredItems request asks for down to `max`, in place. */
export function boundQueueSizes(request: object, max: number): void {
  // The two requests are the only ones with these lists.
  const items =
    (request as Partial<CreateMonitoredItemsRequest>).itemsToCreate ??
    (request as Partial<ModifyMonitoredItemsRequest>).itemsToModify;
  for (const item of items ?? []) {
    const asked = item.requestedParameters;
    if (asked && asked.queueSize > max) asked.queueSize = max;
  }
}
