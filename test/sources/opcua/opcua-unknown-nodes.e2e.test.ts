/**
 * Regression (walk of 2026-12-06, session 34): an OPC UA source whose node ids named a namespace the server did not
 * have subscribed "fine": every node unknown, and its issues (in /api/status, in the log) never named a node, the
 * namespace or what the server has. Against a real node-opcua server whose plant namespace sits at index 3 (after
 * another namespace), each node the server has not is an issue naming the node, its channel and the status, with the
 * server's namespace array where the namespace is the problem and a did-you-mean where the identifier is in another
 * namespace or a URI is a typo away; an `nsu=` node id follows the server's namespace array.
 */
import { DataType, Variant } from 'node-opcua';
import { expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import type { Logger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { freePort } from '../../../src/core/free-port.js';
import type { Sample } from '../../../src/core/types.js';
import { initializedServer } from '../../helpers/blob-opcua-server.js';
import { logLines } from '../../helpers/log-lines.js';
import { PLANT_NAMESPACE, plcNodesSource, startPlcServer } from '../../helpers/plc-opcua-server.js';

const OTHER = 'urn:linewatch:test:other';

/** A source `plc` of `endpoint` whose one node, channel lamp, is at browse path /Objects/lmap (a typo) in the plant. */
function plcPathsSource(endpoint: string, logger: Logger): OpcuaSource {
  const nodes = [{ channel: 'lamp', browse_path: '/Objects/lmap', browse_namespace: PLANT_NAMESPACE }];
  const config = opcuaSourceSchema.parse({ name: 'plc', type: 'opcua', endpoint, asset: 'line', nodes });
  return new OpcuaSource(config, { logger, metrics: new GatewayMetrics(), where: 'sources[0]' });
}

it('names each node the server has not, with its namespace array and what it likely meant', async () => {
  const server = await startPlcServer(await freePort(), { before: [OTHER], setpointType: 'Double' });
  expect(server.plantIndex).toBe(3);
  const nodes = [
    { channel: 'lamp', node_id: 'ns=2;s=lamp' }, // the plant's URI sits at 3: 2 is the other namespace
    { channel: 'setpoint', node_id: 'ns=7;s=setpoint' }, // no namespace 7
    { channel: 'level', node_id: 'nsu=urn:linewatch:test:plnt;s=level' }, // a typo in the URI
    { channel: 'count', node_id: `nsu=${PLANT_NAMESPACE};s=count` }, // right: resolved to ns=3
    { channel: 'duration', node_id: `nsu=${PLANT_NAMESPACE};s=durration` }, // no such node in the right namespace
  ];
  const log = logLines();
  const source = plcNodesSource(server.endpoint, nodes, log.logger, 'sources[0]');
  let countSample: (value: Sample | undefined) => void = () => {};
  const counted = new Promise<Sample | undefined>((r) => (countSample = r));
  try {
    await source.start((batch) => countSample(batch.find((s) => s.channel === 'count')));
    await log.next(/connected, subscribed$/);
    const device = `device plc (${server.endpoint})`;
    const array = server.namespaces.map((uri, i) => `${i} ${uri}`).join(', ');
    const issues = [
      `${device}: sources[0].nodes[0].node_id ns=2;s=lamp (channel lamp): BadNodeIdUnknown: the server has no node ` +
        `ns=2;s=lamp (namespace 2 is ${OTHER}); s=lamp is in namespace 3, ${PLANT_NAMESPACE}: did you mean ns=3;s=lamp?`,
      `${device}: sources[0].nodes[1].node_id ns=7;s=setpoint (channel setpoint): BadNodeIdUnknown: the server has no ` +
        `node ns=7;s=setpoint: it has no namespace 7 (its namespace array: ${array}); s=setpoint is in namespace 3, ` +
        `${PLANT_NAMESPACE}: did you mean ns=3;s=setpoint?`,
      `${device}: sources[0].nodes[2].node_id nsu=urn:linewatch:test:plnt;s=level (channel level): namespace ` +
        `"urn:linewatch:test:plnt" of node nsu=urn:linewatch:test:plnt;s=level is not on the server (its namespace ` +
        `array: ${array}): did you mean "${PLANT_NAMESPACE}" (namespace 3)?`,
      `${device}: sources[0].nodes[4].node_id nsu=${PLANT_NAMESPACE};s=durration (channel duration): BadNodeIdUnknown: ` +
        `the server has no node ns=3;s=durration (namespace 3 is ${PLANT_NAMESPACE})`,
    ];
    expect(source.tagIssues()).toEqual(issues);
    expect(source.missingTags()).toEqual(['lamp', 'setpoint', 'level', 'duration']);
    // Each logged once, in the same words (those resolved with the namespace array first).
    expect(log.at(40).filter((m) => m.startsWith(device))).toEqual([issues[2], issues[0], issues[1], issues[3]]);
    // The nsu= node id followed the server's namespace array (its URI at 3): its values come, good.
    expect(await counted).toMatchObject({ channel: 'count', quality: 'good', value: 0 });
  } finally {
    await source.stop();
    await server.close();
  }
}, 60_000);

it('names a node the server deletes while it is subscribed (BadNodeIdInvalid in a notification)', async () => {
  const server = await initializedServer(await freePort(), '/UA/gone');
  const ns = server.engine.addressSpace!.getOwnNamespace();
  const variable = () =>
    ns.addVariable({
      organizedBy: server.engine.addressSpace!.rootFolder.objects,
      browseName: 'flow',
      nodeId: 's=flow',
      dataType: 'Double',
      value: new Variant({ dataType: DataType.Double, value: 7.5 }),
    });
  const flow = variable();
  await server.start();
  const endpoint = `opc.tcp://127.0.0.1:${server.endpoints[0].port}/UA/gone`;
  const log = logLines();
  const source = plcNodesSource(endpoint, [{ channel: 'flow', node_id: 'ns=1;s=flow' }], log.logger, 'sources[0]');
  try {
    await source.start(() => undefined);
    await log.next(/connected, subscribed$/);
    expect(source.missingTags()).toEqual([]);
    server.engine.addressSpace!.deleteNode(flow);
    const gone = await log.next(/BadNodeIdInvalid/);
    const why =
      `device plc (${endpoint}): sources[0].nodes[0].node_id ns=1;s=flow (channel flow): BadNodeIdInvalid in a ` +
      'notification: the server has no such node now; its values come bad until it has';
    expect(gone.msg).toBe(why);
    expect([source.tagIssues(), source.missingTags()]).toEqual([[why], ['flow']]);
  } finally {
    await source.stop();
    await server.shutdown(0);
  }
}, 60_000);

it('run --once (readOnce): a node the server has not is bad with what it has instead', async () => {
  const server = await startPlcServer(await freePort(), { before: [OTHER], setpointType: 'Double' });
  const nodes = [
    { channel: 'lamp', node_id: 'ns=2;s=lamp' },
    { channel: 'setpoint', node_id: 'ns=7;s=setpoint' },
    { channel: 'count', node_id: `nsu=${PLANT_NAMESPACE};s=count` },
  ];
  const source = plcNodesSource(server.endpoint, nodes, logLines().logger, 'sources[0]');
  try {
    const device = `device plc (${server.endpoint})`;
    const array = server.namespaces.map((uri, i) => `${i} ${uri}`).join(', ');
    expect((await source.readOnce()).map((s) => [s.channel, s.quality, s.reason])).toEqual([
      [
        'lamp',
        'bad',
        `${device}: sources[0].nodes[0].node_id ns=2;s=lamp (channel lamp): BadNodeIdUnknown: the server has no node ` +
          `ns=2;s=lamp (namespace 2 is ${OTHER}); s=lamp is in namespace 3, ${PLANT_NAMESPACE}: did you mean ns=3;s=lamp?`,
      ],
      [
        'setpoint',
        'bad',
        `${device}: sources[0].nodes[1].node_id ns=7;s=setpoint (channel setpoint): BadNodeIdUnknown: the server has ` +
          `no node ns=7;s=setpoint: it has no namespace 7 (its namespace array: ${array}); s=setpoint is in namespace 3, ` +
          `${PLANT_NAMESPACE}: did you mean ns=3;s=setpoint?`,
      ],
      ['count', 'good', undefined],
    ]);
  } finally {
    await source.stop();
    await server.close();
  }
}, 60_000);

it('names where a browse path that matches no node breaks, with the browse name nearest', async () => {
  const server = await startPlcServer(await freePort(), { before: [OTHER], setpointType: 'Double' });
  const log = logLines();
  const source = plcPathsSource(server.endpoint, log.logger);
  try {
    await source.start(() => undefined);
    await log.next(/connected, subscribed$/);
    expect(source.tagIssues()).toEqual([
      `device plc (${server.endpoint}): sources[0].nodes[0].browse_path /Objects/lmap (channel lamp): BadNoMatch: no ` +
        'such node at /Objects/3:lmap (/Objects has no 3:lmap: did you mean 3:lamp?); check the element names and ' +
        'browse_namespace',
    ]);
    expect(source.missingTags()).toEqual(['lamp']);
  } finally {
    await source.stop();
    await server.close();
  }
}, 60_000);
