import { describe, expect, it } from 'vitest';
import { BYTE_ORDERS, decodeRegisters, encodeRegisters, registerCount, type ByteOrder, type RegisterType } from '../src/sources/modbus/encoding.js';

// 123.456 as float32 is 0x42F6E979: bytes A=42 B=F6 C=E9 D=79.
const FLOAT_CASES: [ByteOrder, number[]][] = [
  ['ABCD', [0x42f6, 0xe979]],
  ['CDAB', [0xe979, 0x42f6]],
  ['BADC', [0xf642, 0x79e9]],
  ['DCBA', [0x79e9, 0xf642]],
];

describe('Modbus register decoding', () => {
  it.each(FLOAT_CASES)('reads float32 123.456 in %s order', (order, words) => {
    expect(decodeRegisters(words, 'float32', order)).toBeCloseTo(123.456, 4);
    expect(encodeRegisters(123.456, 'float32', order)).toEqual(words);
  });

  it.each([
    ['int16', [0xfffe], -2],
    ['uint16', [0xfffe], 65534],
    ['int32', [0xffff, 0xfffe], -2],
    ['uint32', [0x0001, 0x0000], 65536],
    ['int64', [0xffff, 0xffff, 0xffff, 0xfffe], -2],
    ['uint64', [0x0000, 0x0000, 0x0001, 0x0000], 65536],
    ['float64', [0x405e, 0xdd2f, 0x1a9f, 0xbe77], 123.456],
  ] as [RegisterType, number[], number][])('reads %s big-endian', (type, words, value) => {
    expect(decodeRegisters(words, type, 'ABCD')).toBeCloseTo(value, 9);
  });

  it('reads uint32 with word swap (CDAB), the common PLC layout', () => {
    expect(decodeRegisters([0x0000, 0x0001], 'uint32', 'CDAB')).toBe(65536);
  });

  it('reads a float64 in every order as the inverse of encoding', () => {
    for (const order of BYTE_ORDERS) {
      const words = encodeRegisters(-9876.54321, 'float64', order);
      expect(decodeRegisters(words, 'float64', order)).toBe(-9876.54321);
    }
  });

  it('reads single bits of a status word', () => {
    expect(decodeRegisters([0b1010], 'bit', 'ABCD', 1)).toBe(1);
    expect(decodeRegisters([0b1010], 'bit', 'ABCD', 2)).toBe(0);
  });

  it('rejects a word count that does not fit the type, naming both', () => {
    expect(() => decodeRegisters([1], 'float32', 'ABCD')).toThrow(/float32 needs 2 register\(s\), got 1/);
  });

  it('knows how many registers each type spans', () => {
    expect([registerCount('int16'), registerCount('float32'), registerCount('uint64')]).toEqual([1, 2, 4]);
  });
});
