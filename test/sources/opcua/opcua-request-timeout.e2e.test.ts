/**
 * Regression: timeout_ms bounded the connect and a socket without a byte, not a request: node-opcua's own limit of a
 * request stayed at its default, 15 s. While a subscription's publish responses flow the socket is never idle, so an
 * alarm's write that the server held waited 15 s whatever timeout_ms said (and node-opcua raises a limit under 5 s to
 * 5 s). Now timeout_ms is each request's limit, and a request over it is said as such. A real node-opcua server holds
 * each write of `ns=1;s=held` (its setter's promise answered only at the end) while the source's subscription to
 * `ns=1;s=flow` publishes every 100 ms.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, StatusCodes, Variant, type StatusCode } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';
import { initializedServer } from '../../helpers/blob-opcua-server.js';

describe('an OPC UA request the server holds', () => {
  it('a write fails after timeout_ms while the subscription flows, not after node-opcua’s 15 s', async () => {
    const port = await freePort();
    const server = await initializedServer(port, '/UA/held');
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    ns.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: 'flow',
      nodeId: 's=flow',
      dataType: 'Double',
      value: new Variant({ dataType: DataType.Double, value: 7.5 }),
    });
    const held: ((status: StatusCode) => void)[] = [];
    ns.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: 'held',
      nodeId: 's=held',
      dataType: 'Double',
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      // What node-opcua gives a getter without one (and says so in warning W30).
      minimumSamplingInterval: 1000,
      value: {
        get: () => new Variant({ dataType: DataType.Double, value: 0 }),
        set: () => new Promise<StatusCode>((resolve) => held.push(resolve)),
      },
    });
    await server.start();
    const log = logLines();
    const source = new OpcuaSource(
      opcuaSourceSchema.parse({
        name: 'slow',
        type: 'opcua',
        endpoint: `opc.tcp://127.0.0.1:${port}/UA/held`,
        asset: 'line',
        publishing_interval_ms: 100,
        timeout_ms: 1000,
        pki_dir: mkdtempSync(join(tmpdir(), 'lw-request-timeout-pki-')),
        nodes: [{ channel: 'flow', node_id: 'ns=1;s=flow' }],
      }),
      { logger: log.logger, metrics: new GatewayMetrics() },
    );
    try {
      await source.start(() => undefined);
      await log.next(/connected, subscribed$/);
      const started = performance.now();
      // actual: Transaction has timed out ( timeout = 15000 ms , request = WriteRequest)
      await expect(source.write('ns=1;s=held', 2.5)).rejects.toThrow(
        'write ns=1;s=held: no answer to a Write request within 1000 ms (timeout_ms): the server is slow or stopped ' +
          'answering; raise timeout_ms where it is only slow',
      );
      // Well under node-opcua's 5 s floor: the limit is timeout_ms, not 5 s nor 15 s.
      expect(performance.now() - started).toBeLessThan(4000);
      expect(held).toHaveLength(1);
    } finally {
      for (const resolve of held) resolve(StatusCodes.Good);
      await source.stop();
      await server.shutdown(0);
    }
  }, 60_000);
});
