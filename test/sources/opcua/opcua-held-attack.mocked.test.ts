/**
 * Adversarial checks of held OPC UA values, driven through a fake connection (vi.mock of the client adapter): the
 * test plays publish responses (raw_notification's publishTime) and notifications by hand.
 */
import { describe, expect, it, vi } from 'vitest';
import type { OpcuaConnection, SubscriptionHandlers, Reading } from '../../../src/sources/opcua/client-adapter.js';

let handlers: SubscriptionHandlers | undefined;
let subscribed: () => void = () => {};
vi.mock('../../../src/sources/opcua/client-adapter.js', () => ({
  connectOpcua: async (): Promise<OpcuaConnection> => ({
    readNamespaceArray: async () => ['http://opcfoundation.org/UA/'],
    async subscribe(nodes, _interval, h) {
      handlers = h;
      setImmediate(() => subscribed());
      return { errors: nodes.map(() => undefined), refused: nodes.map(() => undefined), keepAliveMs: 200 };
    },
    read: async () => [],
    exists: async () => [],
    translate: async () => [],
    childNames: async () => [],
    write: async () => {},
    onLost: () => {},
    close: async () => {},
  }),
}));

import { opcuaSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { TimeGrid } from '../../../src/windows/time-grid.js';

const tick = () => new Promise<void>((r) => setImmediate(r));
const T0 = Date.UTC(2026, 0, 1);

async function started() {
  const config = opcuaSourceSchema.parse({
    name: 'ua',
    type: 'opcua',
    endpoint: 'opc.tcp://fake:4840',
    asset: 'a',
    publishing_interval_ms: 100,
    nodes: [{ channel: 'x', node_id: 'ns=2;s=x' }],
  });
  const batches: Sample[][] = [];
  // The gateway's clock agrees with the server's (stamps in T0's second): the time grid goes by their stamps.
  const source = new OpcuaSource(config, {
    logger: createLogger('silent'),
    metrics: new GatewayMetrics(),
    now: () => T0,
  });
  const ready = new Promise<void>((r) => (subscribed = r));
  await source.start((b) => batches.push([...b]));
  await ready;
  /** One publish response at `publishTs` with `readings` for item 0. */
  const publish = async (publishTs: number, ...readings: Reading[]) => {
    handlers!.onPublish(publishTs);
    for (const r of readings) handlers!.onChange(0, r);
    await tick();
    await tick();
  };
  return { source, batches, publish };
}

const MIN_DATE = Date.UTC(1601, 0, 1); // what node-opcua decodes an encoded DateTime of 0 to

describe('held OPC UA values, adversarially', () => {
  it('a serverTimestamp of MinDateTime (encoded 0) does not push held stamps centuries ahead', async () => {
    const { source, batches, publish } = await started();
    await publish(T0, { value: 1, quality: 'good', sourceTs: T0, serverTs: MIN_DATE });
    await publish(T0 + 300);
    await source.stop();
    const held = batches.flat().slice(1);
    expect(held.length).toBe(1);
    // actual: T0 + (T0+300 − 1601) ≈ year 2400
    expect(held[0].ts).toBeLessThanOrEqual(T0 + 300 + 1000);
  });

  it("without a serverTimestamp, held stamps stay on the item's (device) clock and never go back", async () => {
    const { source, batches, publish } = await started();
    const deviceAhead = 60_000; // the device's source timestamps run a minute ahead of the server
    await publish(T0, { value: 1, quality: 'good', sourceTs: T0 + deviceAhead });
    await publish(T0 + 300);
    await source.stop();
    const [first, held] = batches.flat();
    // actual: held.ts = publishTime (server clock) = T0 + 300, a minute before the value it repeats
    expect(held.ts).toBeGreaterThan(first.ts);
  });

  // A held stamp stays a sampling interval behind the publish, so a change the server had not sampled yet when it cut
  // that response is stamped after it.
  it('a change stamped before the publish that held its old value is not lost by a time grid', async () => {
    const { source, batches, publish } = await started();
    await publish(T0, { value: 1, quality: 'good', sourceTs: T0, serverTs: T0 });
    await publish(T0 + 300); // held: value 1 at T0 + 300
    // The value changed at T0 + 250 (source timestamp), sampled after the response of T0 + 300 was cut.
    await publish(T0 + 400, { value: 2, quality: 'good', sourceTs: T0 + 250, serverTs: T0 + 350 });
    await publish(T0 + 500, { value: 2, quality: 'good', sourceTs: T0 + 450, serverTs: T0 + 450 });
    await source.stop();
    const grid = new TimeGrid('a', ['x'], 100, 'hold', 1000);
    const rows = batches.flatMap((b) => grid.push(b));
    const at = (t: number) => rows.find((r) => r.ts === t)?.values[0];
    // actual: the change stamped T0 + 250 arrives after a held sample stamped T0 + 300 and is dropped as late:
    // the grid row at T0 + 400 reads 1 though the value was 2 since T0 + 250.
    expect(at(T0 + 400)).toBe(2);
  });

  it('a bad last value is held bad', async () => {
    const { source, batches, publish } = await started();
    await publish(T0, { value: Number.NaN, quality: 'bad', sourceTs: T0, serverTs: T0, status: 'BadNodeIdUnknown' });
    await publish(T0 + 300);
    await source.stop();
    expect(batches.flat().map((s) => s.quality)).toEqual(['bad', 'bad']);
  });

  it('two publish responses that arrive in one turn (a loaded gateway) are two batches, not one row', async () => {
    const { source, batches } = await started();
    handlers!.onPublish(T0);
    handlers!.onChange(0, { value: 1, quality: 'good', sourceTs: T0 - 50 });
    handlers!.onPublish(T0 + 200);
    handlers!.onChange(0, { value: 2, quality: 'good', sourceTs: T0 + 150 });
    await tick();
    await tick();
    await source.stop();
    expect(batches.map((b) => b.map((s) => s.value))).toEqual([[1], [2]]);
  });
});
