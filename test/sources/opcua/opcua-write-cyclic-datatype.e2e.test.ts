/**
 * A hostile or broken OPC UA server whose DataType hierarchy has a cycle (LoopA a subtype of LoopB, LoopB of LoopA):
 * an alarm's opcua_write to a node of that DataType browsed for ever (node-opcua's findBasicDataType follows the
 * inverse HasSubtype a Browse a level with no bound; measured by adversarial review r1, s32: no answer after 10 s,
 * 11,416 Browse requests). basicDataType (write-types.ts) refuses it at the loop, naming the node and the type.
 */
import { BrowseRequest, DataType, StatusCodes, Variant } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { initializedServer } from '../../helpers/blob-opcua-server.js';
import { logLines } from '../../helpers/log-lines.js';
import { plcSource } from '../../helpers/plc-opcua-server.js';

describe('an OPC UA write to a node whose DataType hierarchy has a cycle', () => {
  it('is refused in bounded time, naming the node, with a bounded number of Browse requests', async () => {
    const port = await freePort();
    const server = await initializedServer(port, '/UA/plc');
    const addressSpace = server.engine.addressSpace!;
    const plant = addressSpace.registerNamespace('urn:linewatch:test:cyclic');
    const a = plant.createDataType({ browseName: 'LoopA', isAbstract: false, subtypeOf: 'Double' });
    const b = plant.createDataType({ browseName: 'LoopB', isAbstract: false, subtypeOf: a });
    plant.addVariable({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: 'setpoint',
      nodeId: 's=setpoint',
      dataType: a,
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      // What node-opcua gives a getter without one (and says so in warning W30).
      minimumSamplingInterval: 1000,
      value: { get: () => new Variant({ dataType: DataType.Double, value: 0 }), set: () => StatusCodes.Good },
    });
    await server.start();
    // Made once the server runs (node-opcua's own address space recurses on it too): A's supertype becomes B,
    // A -> B -> A.
    a.removeReference({
      referenceType: 'HasSubtype',
      isForward: false,
      nodeId: addressSpace.findDataType('Double')!.nodeId,
    });
    a.addReference({ referenceType: 'HasSubtype', isForward: false, nodeId: b.nodeId });
    let browses = 0;
    server.on('request', (request: unknown) => void (request instanceof BrowseRequest && browses++));
    const log = logLines();
    const node = `nsu=urn:linewatch:test:cyclic;s=setpoint`;
    const source = plcSource(`opc.tcp://127.0.0.1:${port}/UA/plc`, 'ns=0;i=2258', log.logger);
    try {
      await source.start(() => undefined);
      await log.next(/connected, subscribed$/);
      const outcome = await Promise.race([
        source.write(node, 5).then(
          () => 'written',
          (err: Error) => err.message,
        ),
        new Promise<string>((resolve) =>
          setTimeout(() => resolve(`no answer after 10 s, ${browses} Browse requests`), 10_000),
        ),
      ]);
      expect(outcome).toBe(
        'write ns=2;s=setpoint: its DataType ns=2;i=1000 could not be followed to a built-in type on the server: ' +
          'its supertypes loop back to ns=2;i=1000',
      );
      // One Browse a supertype: LoopA's (LoopB), LoopB's (LoopA), and no more.
      expect(browses).toBe(2);
    } finally {
      await source.stop();
      await server.shutdown(0);
    }
  }, 60_000);
});
