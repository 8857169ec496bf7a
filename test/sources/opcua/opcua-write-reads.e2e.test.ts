/**
 * What a write (an alarm's write-back to the PLC) asks the server before it writes. Regression: every write of a
 * number read the node's DataType first, one more request per write (a boolean's too, whose type it did not use); a
 * node named by index (`ns=`) read the namespace array at a session's first write. Now a node's data type is read
 * at its first number written on a connection (session), the namespace array only for a node named by URI (node-opcua
 * keeps it with the session). A restarted server, whose namespace indexes and data types may have changed (a project
 * download), is a new connection that reads them again: a write after the restart goes to the node's new index, as
 * its new type.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { logLines } from '../../helpers/log-lines.js';
import { PLANT_NAMESPACE, plcSource, startPlcServer } from '../../helpers/plc-opcua-server.js';

const LAMP = `nsu=${PLANT_NAMESPACE};s=lamp`;
const SETPOINT = `nsu=${PLANT_NAMESPACE};s=setpoint`;

describe('OPC UA writes', () => {
  it('read a node’s data type once a connection, and the namespace array only for nsu=', async () => {
    const port = await freePort();
    const log = logLines();
    let server = await startPlcServer(port, { before: ['urn:linewatch:test:other'], setpointType: 'Double' });
    // By index: the subscription's resolution reads no namespace array.
    const source = plcSource(server.endpoint, `ns=${server.plantIndex};s=lamp`, log.logger);
    try {
      await source.start(() => undefined);
      await log.next(/connected, subscribed$/);
      expect(server.plantIndex).toBe(3);
      expect(server.reads).toEqual({ namespaceArray: 0, dataType: 0, value: 0, browse: 0 });
      await source.write(`ns=3;s=lamp`, true);
      await source.write(`ns=3;s=setpoint`, 1.5);
      await source.write(`ns=3;s=setpoint`, 2.5);
      await source.write(`ns=3;s=lamp`, false);
      // actual: { namespaceArray: 1, dataType: 4 }
      expect(server.reads).toEqual({ namespaceArray: 0, dataType: 1, value: 0, browse: 0 });
      await source.write(SETPOINT, 3.5);
      await source.write(LAMP, true);
      // actual: dataType 6
      expect(server.reads).toEqual({ namespaceArray: 1, dataType: 1, value: 0, browse: 0 });
      expect(server.written).toEqual([
        ['lamp', true],
        ['setpoint', 1.5],
        ['setpoint', 2.5],
        ['lamp', false],
        ['setpoint', 3.5],
        ['lamp', true],
      ]);

      // Restarted without the other namespace, the setpoint an Int32: the plant's namespace is at 2 now.
      await server.close();
      server = await startPlcServer(port, { before: [], setpointType: 'Int32' });
      await log.next(/subscription rebuilt$/);
      expect(server.plantIndex).toBe(2);
      await source.write(SETPOINT, 7);
      expect(server.written).toEqual([['setpoint', 7]]);
      // The lamp, subscribed by index (ns=3), is unknown there: where its identifier is now was asked (the namespace
      // array, read once a connection, and s=lamp's NodeClass in the server's other namespaces), no value read.
      expect(server.reads).toEqual({ namespaceArray: 1, dataType: 1, value: 0, browse: 0 });
      expect(source.missingTags()).toEqual(['lamp']);
      expect(source.tagIssues()).toEqual([
        `device plc (${server.endpoint}): nodes[0].node_id ns=3;s=lamp (channel lamp): BadNodeIdUnknown: the server ` +
          `has no node ns=3;s=lamp: it has no namespace 3 (its namespace array: ${server.namespaces
            .map((uri, i) => `${i} ${uri}`)
            .join(', ')}); s=lamp is in namespace 2, ${PLANT_NAMESPACE}: did you mean ns=2;s=lamp?`,
      ]);
    } finally {
      await source.stop();
      await server.close();
    }
  }, 60_000);
});
