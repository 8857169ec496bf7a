/**
 * What a number written to a node is sent as, by the built-in type its DataType is built on, or for an abstract one the
 * type of the value it holds (write-types.ts).
 */
import { DataType, NodeId } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { dataTypeName, heldType, numberWriteType } from '../../../src/sources/opcua/write-types.js';

const NUMERIC =
  'a number is written only to a numeric node (SByte to Double, or a subtype of one, such as Duration or an enumeration)';

describe('numberWriteType', () => {
  it.each([
    ['Double', 2.5],
    ['Double', -1e300],
    ['Float', 3.25],
    ['Float', -3.4e38],
    ['Int32', -5],
    ['Byte', 255],
    ['SByte', -128],
    ['UInt32', 4_294_967_295],
    ['Int64', Number.MAX_SAFE_INTEGER],
    ['UInt64', 0],
  ] as const)('%s holds %s: written as it', (base, value) => {
    expect(numberWriteType('ns=2;s=x', { typeName: 'T', base: DataType[base] }, value)).toBe(DataType[base]);
  });

  it.each([
    ['Int32', 1.5, 'is built on Int32, which holds whole numbers from -2147483648 to 2147483647: 1.5 is not one'],
    ['Byte', 256, 'is built on Byte, which holds whole numbers from 0 to 255: 256 is not one'],
    ['UInt16', -1, 'is built on UInt16, which holds whole numbers from 0 to 65535: -1 is not one'],
    [
      'Int64',
      2 ** 60,
      `is written as Int64, which holds whole numbers from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}: ${2 ** 60} is not one`,
    ],
    ['Float', 1e39, 'is built on Float, which holds up to ±3.4028234663852886e+38: 1e+39 is not one'],
    ['Boolean', 1, 'is built on Boolean: write true or false to it, not 1'],
    ['DateTime', 5, `is built on DateTime: ${NUMERIC}`],
    ['String', 5, `is built on String: ${NUMERIC}`],
    ['ExtensionObject', 5, `is built on ExtensionObject (a structure): ${NUMERIC}`],
  ] as const)('%s refuses %s, naming the node and its DataType', (base, value, why) => {
    expect(numberWriteType('ns=2;s=x', { typeName: 'T (ns=2;i=7)', base: DataType[base] }, value)).toBe(
      `write ns=2;s=x: its DataType T (ns=2;i=7) ${why}`,
    );
  });

  it.each([
    ['UInt16', 70_000, 'UInt16, which holds whole numbers from 0 to 65535: 70000 is not one'],
    [
      'Int64',
      0.5,
      `Int64, which holds whole numbers from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}: 0.5 is not one`,
    ],
    ['Float', -1e39, 'Float, which holds up to ±3.4028234663852886e+38: -1e+39 is not one'],
    ['Boolean', 0, 'Boolean: write true or false to it, not 0'],
    ['String', 5, `String: ${NUMERIC}`],
  ] as const)('an abstract DataType holding a %s refuses %s, saying the node holds it', (held, value, why) => {
    const type = { typeName: 'Number (i=26)', base: DataType[held], held: true };
    expect(numberWriteType('ns=2;s=x', type, value)).toBe(
      `write ns=2;s=x: its DataType Number (i=26) is abstract and the node holds ${why}`,
    );
  });

  it('an abstract DataType holding an Int16 writes it as an Int16', () => {
    expect(numberWriteType('ns=2;s=x', { typeName: 'Integer (i=27)', base: DataType.Int16, held: true }, -3)).toBe(
      DataType.Int16,
    );
  });
});

describe('heldType', () => {
  const where = 'write ns=2;s=x: its DataType Number (i=26) is abstract';
  const why = `${where}: a number is written to it as the built-in type of the value it holds, and`;

  it('is the type of the single value held', () => {
    expect(heldType(where, { status: undefined, dataType: DataType.Float, scalar: true })).toBe(DataType.Float);
  });

  it.each([
    [
      { status: 'BadNotReadable', dataType: DataType.Null, scalar: true },
      'its value could not be read (BadNotReadable)',
    ],
    [{ status: undefined, dataType: DataType.Null, scalar: true }, 'it holds none (a null value)'],
    [
      { status: undefined, dataType: DataType.Double, scalar: false, length: 4 },
      'it holds an array of 4 Double, not a single value',
    ],
    [{ status: undefined, dataType: DataType.Int32, scalar: false }, 'it holds an array of Int32, not a single value'],
  ])('refuses %o, saying why', (held, says) => {
    expect(heldType(where, held)).toBe(`${why} ${says}`);
  });
});

describe('dataTypeName', () => {
  it('names a standard DataType with its id, another by its node id', () => {
    expect(dataTypeName(new NodeId(NodeId.NodeIdType.NUMERIC, 290, 0))).toBe('Duration (i=290)');
    expect(dataTypeName(new NodeId(NodeId.NodeIdType.NUMERIC, 3001, 2))).toBe('ns=2;i=3001');
  });
});
