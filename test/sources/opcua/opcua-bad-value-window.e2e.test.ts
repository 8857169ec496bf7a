/**
 * A value the device itself reports bad (an OPC UA Bad status code: BadSensorFailure) is a bad sample, never held
 * over, unlike a failed read (a Modbus timeout or exception answer, `failedRead`), whose channel's last good reading
 * is held up to max_sample_age_ms: a sensor that says it is broken must not be masked. Against a real node-opcua
 * server, through the source's subscription, into the asset's windows (align batch). No sleeps: each step waits for
 * the batch that carries it.
 */
import { DataType, StatusCodes, Variant, type UAVariable } from 'node-opcua';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import type { Sample } from '../../../src/core/types.js';
import { AssetWindows } from '../../../src/windows/asset-windows.js';
import { windowSchema } from '../../../src/windows/schema.js';
import { initializedServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource } from '../../helpers/bound-opcua-source.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('an OPC UA value with a Bad status code', () => {
  it('is a bad sample, not a failed read: the window over it is incomplete, b bad, not held over', async () => {
    const port = await freePort();
    const server = await initializedServer(port, '/UA/sensor');
    const ns = server.engine.addressSpace!.getOwnNamespace();
    const variable = (name: string, value: number): UAVariable =>
      ns.addVariable({
        organizedBy: server.engine.addressSpace!.rootFolder.objects,
        browseName: name,
        nodeId: `s=${name}`,
        dataType: 'Double',
        value: new Variant({ dataType: DataType.Double, value }),
      });
    // The server's own namespace, index 1: the nodes ns=1;s=a and ns=1;s=b that boundOpcuaSource subscribes to.
    variable('a', 1);
    const b = variable('b', 10);
    await server.start();
    cleanups.push(() => server.shutdown(0));

    const { batches, next, start, source } = boundOpcuaSource(`opc.tcp://127.0.0.1:${port}/UA/sensor`, ['a', 'b']);
    await start();
    cleanups.push(() => source.stop());
    /** The index of the batch of the first sample of b that `is`, from batch `from` on. */
    const batchWithB = async (is: (s: Sample) => boolean, from = 0) => {
      const sample = await next((s) => s.channel === 'b' && is(s), from);
      return batches.findIndex((b) => b.includes(sample));
    };

    const firstAt = await batchWithB((s) => s.quality === 'good' && s.value === 10);
    b.setValueFromSource(new Variant({ dataType: DataType.Double, value: 0 }), StatusCodes.BadSensorFailure);
    const badAt = await batchWithB((s) => s.quality === 'bad', firstAt + 1);
    b.setValueFromSource(new Variant({ dataType: DataType.Double, value: 12 }), StatusCodes.Good);
    const goodAt = await batchWithB((s) => s.quality === 'good' && s.value === 12, badAt + 1);

    const bad = batches[badAt].find((s) => s.channel === 'b')!;
    expect(bad.failedRead).toBeUndefined();
    // One row per batch, a window of one row each: the window of b's bad sample is incomplete, the one after complete.
    const windows = new AssetWindows('line', ['a', 'b'], 1, windowSchema.parse({ align: 'batch' }), 50);
    const outcomes = batches
      .slice(0, goodAt + 1)
      .map((batch) =>
        windows.push(batch).map((o) => (o.kind === 'window' ? `b ${o.window.data[1]}` : `incomplete: ${o.why}`)),
      );
    expect(outcomes[badAt]).toEqual(['incomplete: b bad']);
    expect(outcomes[goodAt]).toEqual(['b 12']);
  });
});
