/**
 * Regression: a number written to a node whose DataType is abstract (BaseDataType, Number, Integer, UInteger) was
 * refused (`is built on BaseDataType (abstract: …)`): such a DataType is built on no single built-in type. A server
 * takes a value of one of its subtypes; a PLC's tag often only the one it is. Now the node is written as the built-in
 * type of the value it holds, read once a connection with its DataType; one that holds none or an array is refused,
 * naming the node, its DataType and why, before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { plantNode as node, withPlcSource } from '../../helpers/plc-opcua-server.js';

describe('OPC UA writes to nodes whose DataType is abstract', () => {
  it('write a number as the type the node holds; refuse a node holding none or an array', async () => {
    await withPlcSource(async (server, source) => {
      // The server refuses any variant type but the one each node holds (UInt16, Float, Double).
      await source.write(node('count'), 7);
      await source.write(node('level'), 2.5);
      await source.write(node('any'), 0.125);
      await source.write(node('count'), 8);
      expect(server.written).toEqual([
        ['count', 7],
        ['level', 2.5],
        ['any', 0.125],
        ['count', 8],
      ]);
      // Its value read once a connection, with its DataType: the second write to count read nothing more.
      expect(server.reads).toMatchObject({ dataType: 3, value: 3 });

      // The type it holds bounds what is written: a UInt16 holds no 70000, nor a fraction.
      await expect(source.write(node('count'), 70_000)).rejects.toThrow(
        'write ns=2;s=count: its DataType UInteger (i=28) is abstract and the node holds UInt16, which holds whole ' +
          'numbers from 0 to 65535: 70000 is not one',
      );
      await expect(source.write(node('empty'), 5)).rejects.toThrow(
        'write ns=2;s=empty: its DataType Number (i=26) is abstract: a number is written to it as the built-in type ' +
          'of the value it holds, and it holds none (a null value)',
      );
      await expect(source.write(node('list'), 5)).rejects.toThrow(
        'write ns=2;s=list: its DataType Number (i=26) is abstract: a number is written to it as the built-in type ' +
          'of the value it holds, and it holds an array of 3 Int32, not a single value',
      );
      expect(server.written).toHaveLength(4);
    });
  }, 60_000);
});
