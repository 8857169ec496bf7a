/** What a Modbus write puts on the line: function, address and values, table-tested. */
import { describe, expect, it } from 'vitest';
import { writeName, writeRequest, type ModbusWrite } from '../../../src/sources/modbus/write-request.js';

const number = (value: number, type: 'int16' | 'uint16' | 'float32', scale = 1, offset = 0): ModbusWrite => ({
  table: 'holding',
  address: 100,
  value,
  type,
  byteOrder: 'ABCD',
  scale,
  offset,
});

describe('writeRequest', () => {
  it('writes one coil with function 5 and consecutive coils with function 15', () => {
    expect(writeRequest({ table: 'coil', address: 3, value: true })).toEqual({ fc: 5, address: 3, value: true });
    expect(writeRequest({ table: 'coil', address: 3, value: [true, false, true] })).toEqual({
      fc: 15,
      address: 3,
      values: [true, false, true],
    });
  });

  it('writes a one-register number with function 6, in raw units (scale and offset undone)', () => {
    expect(writeRequest(number(25, 'int16', 0.1))).toEqual({ fc: 6, address: 100, value: 250 });
    expect(writeRequest(number(-1, 'int16'))).toEqual({ fc: 6, address: 100, value: 0xffff });
    expect(writeRequest(number(30, 'uint16', 1, 10))).toEqual({ fc: 6, address: 100, value: 20 });
  });

  it('refuses a number its type cannot hold, raw (regression: 70000 as uint16 wrote 4464, -1 wrote 65535)', () => {
    expect(() => writeRequest(number(70000, 'uint16'))).toThrow(
      new RangeError('70000 is out of range for uint16 (0..65535)'),
    );
    expect(() => writeRequest(number(-1, 'uint16'))).toThrow(
      new RangeError('-1 is out of range for uint16 (0..65535)'),
    );
    expect(() => writeRequest(number(40000, 'int16'))).toThrow(
      new RangeError('40000 is out of range for int16 (-32768..32767)'),
    );
    // 100 at a scale of 0.001 is 100000 raw.
    expect(() => writeRequest(number(100, 'uint16', 0.001))).toThrow(
      new RangeError('100000 is out of range for uint16 (0..65535)'),
    );
    expect(writeRequest(number(65.535, 'uint16', 0.001))).toEqual({ fc: 6, address: 100, value: 65535 });
  });

  it('writes a two-register number with function 16', () => {
    // 1.5 as an IEEE 754 float: 0x3fc00000, big-endian words.
    expect(writeRequest(number(1.5, 'float32'))).toEqual({ fc: 16, address: 100, values: [0x3fc0, 0x0000] });
  });

  it('writes text over its registers with function 16, padded, and cut where it is too long', () => {
    const text = (t: string): ModbusWrite => ({ table: 'holding', address: 20, text: t, length: 2, byteOrder: 'ABCD' });
    expect(writeRequest(text('AB'))).toEqual({ fc: 16, address: 20, values: [0x4142, 0x0000] });
    expect(writeRequest(text('ABCDEF'))).toEqual({ fc: 16, address: 20, values: [0x4142, 0x4344] });
  });
});

describe('writeName', () => {
  it('names a coil, consecutive coils and a holding register by address', () => {
    expect(writeName({ table: 'coil', address: 3, value: false })).toBe('write coil 3');
    expect(writeName({ table: 'coil', address: 3, value: [true, true, false] })).toBe('write coils 3..5');
    expect(writeName(number(1, 'int16'))).toBe('write holding register 100');
  });
});
