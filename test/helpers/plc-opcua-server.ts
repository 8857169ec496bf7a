/**
 * A real node-opcua server as a PLC's, which a project download changes: started again on the same port, its plant
 * namespace (PLANT_NAMESPACE) may sit at another index (after the namespaces `before` it) and its setpoint have another
 * data type. At opc.tcp://127.0.0.1:PORT/UA/plc, in that namespace: `s=lamp` (Boolean) and `s=setpoint` (`setpointType`),
 * both writable. It counts the Read requests for the namespace array (Server_NamespaceArray) and for a node's
 * DataType attribute, and keeps each value written.
 */
import { AttributeIds, DataType, ReadRequest, StatusCodes, Variant, VariableIds } from 'node-opcua';
import { initializedServer } from './blob-opcua-server.js';

export const PLANT_NAMESPACE = 'urn:linewatch:test:plant';

export interface PlcServer {
  readonly endpoint: string;
  /** The plant namespace's index on this server. */
  readonly plantIndex: number;
  /** Read requests so far: for the namespace array, and for a DataType attribute. */
  readonly reads: { namespaceArray: number; dataType: number };
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
  const written: [string, unknown][] = [];
  for (const [name, dataType, initial] of [
    ['lamp', DataType.Boolean, false],
    ['setpoint', DataType[o.setpointType], 0],
  ] as const) {
    let value: unknown = initial;
    plant.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: name,
      nodeId: `s=${name}`,
      dataType: DataType[dataType],
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      // A getter's value is sampled, not pushed: a subscription sees a write within this many ms.
      minimumSamplingInterval: 100,
      value: {
        get: () => new Variant({ dataType, value }),
        set: (variant: Variant) => {
          if (variant.dataType !== dataType) return StatusCodes.BadTypeMismatch;
          value = variant.value;
          written.push([name, value]);
          return StatusCodes.Good;
        },
      },
    });
  }
  const reads = { namespaceArray: 0, dataType: 0 };
  server.on('request', (request: unknown) => {
    if (!(request instanceof ReadRequest)) return;
    for (const n of request.nodesToRead ?? []) {
      if (n.nodeId.namespace === 0 && n.nodeId.value === VariableIds.Server_NamespaceArray) reads.namespaceArray++;
      if (n.attributeId === AttributeIds.DataType) reads.dataType++;
    }
  });
  await server.start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}/UA/plc`,
    plantIndex: plant.index,
    reads,
    written,
    close: () => server.shutdown(0),
  };
}
