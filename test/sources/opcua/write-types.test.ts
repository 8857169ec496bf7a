/** What a number written to a node is sent as, by the built-in type its DataType is built on (write-types.ts). */
import { DataType, NodeId } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { dataTypeName, numberWriteType } from '../../../src/sources/opcua/write-types.js';

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
    expect(numberWriteType('ns=2;s=x', 'T', DataType[base], value)).toBe(DataType[base]);
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
    [
      'Variant',
      5,
      `is built on BaseDataType (abstract: no single built-in type, such as Number or Integer): ${NUMERIC}`,
    ],
  ] as const)('%s refuses %s, naming the node and its DataType', (base, value, why) => {
    expect(numberWriteType('ns=2;s=x', 'T (ns=2;i=7)', DataType[base], value)).toBe(
      `write ns=2;s=x: its DataType T (ns=2;i=7) ${why}`,
    );
  });
});

describe('dataTypeName', () => {
  it('names a standard DataType with its id, another by its node id', () => {
    expect(dataTypeName(new NodeId(NodeId.NodeIdType.NUMERIC, 290, 0))).toBe('Duration (i=290)');
    expect(dataTypeName(new NodeId(NodeId.NodeIdType.NUMERIC, 3001, 2))).toBe('ns=2;i=3001');
  });
});
