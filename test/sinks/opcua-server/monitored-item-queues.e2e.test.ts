/**
 * The monitored-item queues of storage.opcua_server (queue-bound.ts), with node-opcua clients over real sockets on
 * 127.0.0.1: a client asking a huge queueSize is revised to max_monitored_item_queue_size (when created and when
 * modified), the bound is advertised as MaxMonitoredItemsQueueSize, an item whose subscription does not publish keeps
 * the newest values only (the oldest dropped, OPC UA's overflow bit on the first one kept), and a SCADA subscribed at
 * the same time still gets every value.
 */
import {
  AttributeIds,
  ClientMonitoredItem,
  TimestampsToReturn,
  VariableIds,
  type ClientSubscription,
  type DataValue,
} from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { openUaSession, type UaSession } from '../../helpers/ua-client.js';
import { MES_USER, pumpServerForFile, writePumpScore } from './server-sink-fixture.js';

const USER = MES_USER;
const NAMESPACE = 'urn:linewatch:gw-test';
const QUEUE = 5;

const server = pumpServerForFile('lw-uaserver-queues-', { max_monitored_item_queue_size: QUEUE });

async function session(onTestFinished: (fn: () => Promise<void>) => void): Promise<UaSession> {
  const ua = await openUaSession(server().endpointUrl!, NAMESPACE, USER);
  onTestFinished(() => ua.close());
  return ua;
}

const writeScore = (value: number) => writePumpScore(server(), value);

/** A monitored item on pump-1's score, sampled as fast as the server can, asking `queueSize`. */
async function scoreItem(ua: UaSession, subscription: ClientSubscription, queueSize: number) {
  return subscription.monitor(
    { nodeId: `ns=${ua.ns};s=pump-1/Anomaly/Score`, attributeId: AttributeIds.Value },
    { samplingInterval: 0, queueSize, discardOldest: true },
    TimestampsToReturn.Both,
  );
}

/** The values an item reports, and a promise for the moment `count` of them match. */
function collect(item: ClientMonitoredItem) {
  const seen: DataValue[] = [];
  const waiting: { done: (v: DataValue) => boolean; resolve: () => void }[] = [];
  item.on('changed', (v: DataValue) => {
    seen.push(v);
    for (const w of waiting.filter((x) => x.done(v))) w.resolve();
  });
  const until = (done: (v: DataValue) => boolean) =>
    seen.some(done) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ done, resolve }));
  return { seen, until };
}

describe('monitored-item queues of the OPC UA server', () => {
  it('a queueSize of 100,000 is revised to max_monitored_item_queue_size, created or modified; the bound is advertised', async ({
    onTestFinished,
  }) => {
    const ua = await session(onTestFinished);
    const advertised = await ua.session.read({
      nodeId: `ns=0;i=${VariableIds.Server_ServerCapabilities_MaxMonitoredItemsQueueSize}`,
      attributeId: AttributeIds.Value,
    });
    const subscription = await ua.session.createSubscription2({ requestedPublishingInterval: 1000 });
    const item = await scoreItem(ua, subscription, 100_000);
    const modified = await item.modify({ queueSize: 100_000 });
    const smaller = await item.modify({ queueSize: 3 });
    expect([
      advertised.value.value,
      item.result?.revisedQueueSize,
      modified.revisedQueueSize,
      smaller.revisedQueueSize,
    ]).toEqual([QUEUE, QUEUE, QUEUE, 3]);
  });

  it('an item whose subscription does not publish keeps the newest values, the oldest dropped; a SCADA still gets every value', async ({
    onTestFinished,
  }) => {
    const held = await session(onTestFinished);
    const heldSubscription = await held.session.createSubscription2({
      requestedPublishingInterval: 100,
      publishingEnabled: false,
    });
    const heldValues = collect(await scoreItem(held, heldSubscription, 100_000));
    const scada = await session(onTestFinished);
    const scadaValues = collect(
      await scoreItem(
        scada,
        await scada.session.createSubscription2({ requestedPublishingInterval: 100, publishingEnabled: true }),
        10,
      ),
    );
    // One score after another, each once the SCADA has it: the server takes at most one change of an item per
    // sampling interval (100 ms), so none is folded into the next.
    const scores = Array.from({ length: 12 }, (_, i) => i + 1);
    for (const s of scores) {
      writeScore(s);
      await scadaValues.until((v) => v.value.value === s);
    }
    expect(scadaValues.seen.map((v) => v.value.value).filter((v) => v > 0)).toEqual(scores);
    await heldSubscription.setPublishingMode(true);
    await heldValues.until((v) => v.value.value === 12);
    expect(heldValues.seen.map((v) => [v.value.value, v.statusCode.hasOverflowBit])).toEqual([
      [8, true],
      [9, false],
      [10, false],
      [11, false],
      [12, false],
    ]);
  });
});
