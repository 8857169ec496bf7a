/**
 * Regression (OPC UA walk of 2026-12-07, session 38): a Siemens S7-1500 names a tag's node with each name in double
 * quotes, `ns=3;s="DB_Pump"."Flow"`, where its engineering tool shows `DB_Pump.Flow`. A node id written without the
 * quotes was answered "the server has no node ns=3;s=DB_Pump.Flow" with no word of the node that is there. Against a
 * real node-opcua server with such a tag, `run --once`'s read names the quoted node id to write.
 */
import { DataType } from 'node-opcua';
import { expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { initializedServer } from '../../helpers/blob-opcua-server.js';

const S7 = 'http://www.siemens.com/simatic-s7-opcua';

it('names the quoted node id of a Siemens tag written without its quotes', async () => {
  const port = await freePort();
  const server = await initializedServer(port, '/UA/s7');
  const addressSpace = server.engine.addressSpace!;
  const s7 = addressSpace.registerNamespace(S7);
  s7.addVariable({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: 'Flow',
    nodeId: 's="DB_Pump"."Flow"',
    dataType: 'Double',
    value: { dataType: DataType.Double, value: 31.5 },
  });
  await server.start();
  const endpoint = `opc.tcp://127.0.0.1:${port}/UA/s7`;
  const config = opcuaSourceSchema.parse({
    name: 's7',
    type: 'opcua',
    endpoint,
    asset: 'pump',
    nodes: [
      { channel: 'flow', node_id: `ns=${s7.index};s=DB_Pump.Flow` },
      { channel: 'flow_ok', node_id: `ns=${s7.index};s="DB_Pump"."Flow"` },
    ],
  });
  try {
    const [flow, ok] = await new OpcuaSource(config, {
      logger: createLogger('silent'),
      metrics: new GatewayMetrics(),
    }).readOnce();
    expect(ok).toMatchObject({ quality: 'good', value: 31.5 });
    expect(flow.quality).toBe('bad');
    expect(flow.reason).toBe(
      `device s7 (${endpoint}): nodes[0].node_id ns=2;s=DB_Pump.Flow (channel flow): BadNodeIdUnknown: the server ` +
        `has no node ns=2;s=DB_Pump.Flow (namespace 2 is ${S7}); s="DB_Pump"."Flow" is in namespace 2, ${S7} (a ` +
        `Siemens PLC's tag: each name in double quotes): did you mean ns=2;s="DB_Pump"."Flow"?`,
    );
  } finally {
    await server.shutdown(0);
  }
}, 60_000);
