/**
 * A real node-opcua server as a PLC's, which a project download changes: started again on the same port, its plant
 * namespace (PLANT_NAMESPACE) may sit at another index (after the namespaces `before` it) and its setpoint have another
 * data type. At opc.tcp://127.0.0.1:PORT/UA/plc, in that namespace: `s=lamp` (Boolean) and `s=setpoint` (`setpointType`),
 * and nodes whose DataType is not a built-in type (`s=duration`, a Duration; `s=stamp`, a UtcTime; `s=mode`, an
 * enumeration of the plant's, PumpMode; `s=trim`, a Double by a subtype of Duration of the plant's, TrimTime;
 * `s=recipe`, a structure of the plant's, Recipe), and nodes of an abstract DataType (`s=count`, a UInteger holding a
 * UInt16; `s=level`, a Number holding a Float; `s=any`, a BaseDataType holding a Double; `s=empty`, a Number holding
 * null; `s=list`, a Number holding an array of 3 Int32), and a String (`s=label`, an HMI's text), all writable, each
 * refusing a value of any variant type but the one its DataType is built on (or, abstract, it holds), as a PLC's tag
 * does. It counts the Read requests for the
 * namespace array (Server_NamespaceArray), for a node's DataType attribute and for a plant node's value, and the
 * Browse requests, and keeps each value written.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  BrowseRequest,
  DataType,
  ReadRequest,
  StatusCodes,
  Variant,
  VariantArrayType,
  VariableIds,
} from 'node-opcua';
import { opcuaSourceSchema } from '../../src/config/schema.js';
import { freePort } from '../../src/core/free-port.js';
import { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import type { Logger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { initializedServer } from './blob-opcua-server.js';
import { logLines } from './log-lines.js';

export const PLANT_NAMESPACE = 'urn:linewatch:test:plant';

export interface PlcServer {
  readonly endpoint: string;
  /** The plant namespace's index on this server. */
  readonly plantIndex: number;
  /** The server's namespace array. */
  readonly namespaces: readonly string[];
  /** Requests so far: Reads of the namespace array, a DataType attribute and a plant node's value; Browses. */
  readonly reads: { namespaceArray: number; dataType: number; value: number; browse: number };
  /** The values written, node name and value, in order. */
  readonly written: [string, unknown][];
  close(): Promise<void>;
}

export async function startPlcServer(
  port: number,
  o: { before: readonly string[]; setpointType: 'Double' | 'Int32' },
): Promise<PlcServer> {
  const server = await initializedServer(port, '/UA/plc');
  const addressSpace = server.engine.addressSpace!;
  for (const uri of o.before) addressSpace.registerNamespace(uri);
  const plant = addressSpace.registerNamespace(PLANT_NAMESPACE);
  const pumpMode = plant.addEnumerationType({ browseName: 'PumpMode', enumeration: ['Off', 'Auto', 'Manual'] });
  const trimTime = plant.createDataType({ browseName: 'TrimTime', isAbstract: false, subtypeOf: 'Duration' });
  const recipe = plant.createDataType({ browseName: 'Recipe', isAbstract: false, subtypeOf: 'Structure' });
  const written: [string, unknown][] = [];
  // Each node: its name, its DataType (a built-in type's name or a plant's type), the variant type it holds, and its
  // first value (an Int32Array: an array).
  for (const [name, nodeType, dataType, initial] of [
    ['lamp', 'Boolean', DataType.Boolean, false],
    ['setpoint', o.setpointType, DataType[o.setpointType], 0],
    ['duration', 'Duration', DataType.Double, 0],
    ['stamp', 'UtcTime', DataType.DateTime, new Date(0)],
    ['mode', pumpMode, DataType.Int32, 0],
    ['trim', trimTime, DataType.Double, 0],
    ['recipe', recipe, DataType.ExtensionObject, null],
    ['count', 'UInteger', DataType.UInt16, 0],
    ['level', 'Number', DataType.Float, 0],
    ['any', 'BaseDataType', DataType.Double, 0],
    ['empty', 'Number', DataType.Null, null],
    ['list', 'Number', DataType.Int32, new Int32Array([1, 2, 3])],
    ['label', 'String', DataType.String, ''],
  ] as const) {
    let value: unknown = initial;
    const arrayType = initial instanceof Int32Array ? VariantArrayType.Array : VariantArrayType.Scalar;
    plant.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: name,
      nodeId: `s=${name}`,
      dataType: nodeType,
      valueRank: arrayType === VariantArrayType.Array ? 1 : -1,
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      // A getter's value is sampled, not pushed: a subscription sees a write within this many ms.
      minimumSamplingInterval: 100,
      value: {
        get: () => new Variant({ dataType, arrayType, value }),
        set: (variant: Variant) => {
          if (variant.dataType !== dataType) return StatusCodes.BadTypeMismatch;
          value = variant.value;
          written.push([name, value]);
          return StatusCodes.Good;
        },
      },
    });
  }
  const reads = { namespaceArray: 0, dataType: 0, value: 0, browse: 0 };
  server.on('request', (request: unknown) => {
    if (request instanceof BrowseRequest) reads.browse++;
    if (!(request instanceof ReadRequest)) return;
    for (const n of request.nodesToRead ?? []) {
      if (n.nodeId.namespace === 0 && n.nodeId.value === VariableIds.Server_NamespaceArray) reads.namespaceArray++;
      if (n.attributeId === AttributeIds.DataType) reads.dataType++;
      if (n.attributeId === AttributeIds.Value && n.nodeId.namespace === plant.index) reads.value++;
    }
  });
  await server.start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}/UA/plc`,
    plantIndex: plant.index,
    namespaces: addressSpace.getNamespaceArray().map((n) => n.namespaceUri),
    reads,
    written,
    close: () => server.shutdown(0),
  };
}

/** A source `plc` of the server at `endpoint`, subscribed to `node_id` (channel lamp), publishing every 100 ms. */
export function plcSource(endpoint: string, nodeId: string, logger: Logger): OpcuaSource {
  return plcNodesSource(endpoint, [{ channel: 'lamp', node_id: nodeId }], logger);
}

/**
 * A source `plc` of the server at `endpoint`, subscribed to `nodes` (`channel`, `node_id`), publishing every 100 ms;
 * with `where`, configured there (`sources[0]`: its nodes named by their path in messages).
 */
export function plcNodesSource(
  endpoint: string,
  nodes: readonly { channel: string; node_id: string }[],
  logger: Logger,
  where?: string,
): OpcuaSource {
  return new OpcuaSource(
    opcuaSourceSchema.parse({
      name: 'plc',
      type: 'opcua',
      endpoint,
      asset: 'line',
      publishing_interval_ms: 100,
      pki_dir: mkdtempSync(join(tmpdir(), 'lw-plc-source-pki-')),
      nodes,
    }),
    { logger, metrics: new GatewayMetrics(), ...(where !== undefined ? { where } : {}) },
  );
}

/** A node of the plant namespace by its name, `nsu=`…: the index looked up on the server. */
export const plantNode = (name: string) => `nsu=${PLANT_NAMESPACE};s=${name}`;

/**
 * A PLC server (setpoint a Double) on a free port and a source of it subscribed to the lamp, connected, for `act`;
 * both closed after.
 */
export async function withPlcSource(act: (server: PlcServer, source: OpcuaSource) => Promise<void>): Promise<void> {
  const log = logLines();
  const server = await startPlcServer(await freePort(), { before: [], setpointType: 'Double' });
  const source = plcSource(server.endpoint, plantNode('lamp'), log.logger);
  try {
    await source.start(() => undefined);
    await log.next(/connected, subscribed$/);
    await act(server, source);
  } finally {
    await source.stop();
    await server.close();
  }
}
