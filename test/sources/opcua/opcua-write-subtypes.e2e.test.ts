/**
 * Regression: a number was written as the node's DataType taken for a built-in type, so a node whose DataType is a
 * subtype (Duration, i=290, a Double; an enumeration, an Int32; a plant's own subtype of Duration) had its value sent
 * as whatever built-in type shares that number, or none, and the write failed. Now a node's DataType is followed up
 * its supertypes to the built-in type it is built on (Browse requests, once a connection per node, as the read of
 * its DataType), and a node that a number cannot be written to (a UtcTime, a structure) is refused before anything
 * is sent, naming the node, its DataType and why.
 */
import { describe, expect, it } from 'vitest';
import { plantNode as node, withPlcSource } from '../../helpers/plc-opcua-server.js';

describe('OPC UA writes to nodes whose DataType is a subtype', () => {
  it('write a number as the built-in type the DataType is built on; refuse a UtcTime and a structure', async () => {
    await withPlcSource(async (server, source) => {
      await source.write(node('duration'), 2.5);
      await source.write(node('mode'), 2);
      await source.write(node('trim'), 0.25);
      await source.write(node('duration'), 3.5);
      expect(server.written).toEqual([
        ['duration', 2.5],
        ['mode', 2],
        ['trim', 0.25],
        ['duration', 3.5],
      ]);
      // Once a node a connection: duration's second write read and browsed nothing more.
      const after = { ...server.reads };
      await source.write(node('mode'), 1);
      expect(server.reads).toEqual(after);

      await expect(source.write(node('stamp'), 5)).rejects.toThrow(
        'write ns=2;s=stamp: its DataType UtcTime (i=294) is built on DateTime: a number is written only to a ' +
          'numeric node (SByte to Double, or a subtype of one, such as Duration or an enumeration)',
      );
      await expect(source.write(node('recipe'), 5)).rejects.toThrow(
        /^write ns=2;s=recipe: its DataType ns=2;i=\d+ is built on ExtensionObject \(a structure\): a number is written only to a numeric node/,
      );
      // The enumeration's DataType is the plant's PumpMode, built on Int32: a fraction would be cut to 1.
      await expect(source.write(node('mode'), 1.5)).rejects.toThrow(
        /^write ns=2;s=mode: its DataType ns=2;i=\d+ is built on Int32, which holds whole numbers from -2147483648 to 2147483647: 1.5 is not one$/,
      );
      expect(server.written).toHaveLength(5);
    });
  }, 60_000);
});
