import { describe, expect, it } from 'vitest';
import {
  BYTE_ORDERS,
  REGISTER_TYPES,
  compileDecoder,
  decodeRegisters,
  decodeText,
  encodeRegisters,
  encodeText,
  fitText,
  registerCount,
  roundedInteger,
  toEngineering,
  type ByteOrder,
  type RegisterType,
} from '../../../src/sources/modbus/encoding.js';

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

describe('Modbus decoding, fuzzed', () => {
  // A seeded stream of random words: any response bytes must decode to a number or NaN, never throw.
  let state = 12345;
  const rnd = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const types: RegisterType[] = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'bit'];

  it('decodes 20,000 random register contents of every type and order without throwing', () => {
    for (let i = 0; i < 20_000; i++) {
      const type = types[i % types.length];
      const order = BYTE_ORDERS[(i >> 4) % 4];
      const words = Array.from({ length: registerCount(type) }, () => Math.floor(rnd() * 65536));
      const v = decodeRegisters(words, type, order, i % 16);
      expect(typeof v).toBe('number');
    }
  });

  it('round-trips random values through every encoding and order', () => {
    for (let i = 0; i < 5000; i++) {
      const order = BYTE_ORDERS[i % 4];
      const u32 = Math.floor(rnd() * 4294967296);
      expect(decodeRegisters(encodeRegisters(u32, 'uint32', order), 'uint32', order)).toBe(u32);
      const i16 = Math.floor(rnd() * 65536) - 32768;
      expect(decodeRegisters(encodeRegisters(i16, 'int16', order), 'int16', order)).toBe(i16);
      const f = (rnd() - 0.5) * 1e6;
      expect(decodeRegisters(encodeRegisters(f, 'float64', order), 'float64', order)).toBe(f);
      expect(decodeRegisters(encodeRegisters(f, 'float32', order), 'float32', order)).toBeCloseTo(Math.fround(f), 3);
    }
  });

  it.each([0, 3, 5])('refuses a response of %i words for a float64 instead of misreading it', (n) => {
    expect(() => decodeRegisters(new Array(n).fill(0), 'float64', 'ABCD')).toThrow(/float64 needs 4 register\(s\)/);
  });
});

describe('compiled tag decoders (the polling hot path)', () => {
  it('decode exactly as decodeRegisters for every type, byte order and bit, on random registers', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xffff;
    for (const type of REGISTER_TYPES) {
      for (const order of BYTE_ORDERS) {
        for (let trial = 0; trial < 200; trial++) {
          const words = Array.from({ length: 8 }, rnd);
          const offset = trial % 4;
          const bit = trial % 16;
          const expected = decodeRegisters(words.slice(offset, offset + registerCount(type)), type, order, bit);
          expect(
            Object.is(compileDecoder(type, order, bit)(words, offset), expected) ||
              (Number.isNaN(expected) && Number.isNaN(compileDecoder(type, order, bit)(words, offset))),
            `${type} ${order} ${words} @${offset}`,
          ).toBe(true);
        }
      }
    }
  });
});

describe('string tags', () => {
  it('reads text with the first character in the high byte (ABCD) or the low byte (BADC)', () => {
    // "PRS-42" as a PLC holds it: 'P'=0x50 'R'=0x52 ...
    expect(decodeText([0x5052, 0x532d, 0x3432, 0], 0, 4, 'ABCD')).toBe('PRS-42');
    expect(decodeText([0x5250, 0x2d53, 0x3234, 0], 0, 4, 'BADC')).toBe('PRS-42');
    // Read from the middle of a larger response, space padded.
    expect(decodeText([7, 0x4142, 0x2020, 9], 1, 2, 'ABCD')).toBe('AB');
  });

  it('round-trips text in every order, NUL padded, and refuses text that does not fit', () => {
    for (const order of BYTE_ORDERS) {
      for (const text of ['', 'A', 'PRS-000123', 'Ünïcode', 'x'.repeat(12)]) {
        const words = encodeText(text, 6, order);
        expect(words).toHaveLength(6);
        expect(decodeText(words, 0, 6, order)).toBe(text);
      }
    }
    expect(() => encodeText('x'.repeat(13), 6, 'ABCD')).toThrow(
      '"xxxxxxxxxxxxx" needs 13 bytes, 6 register(s) hold 12',
    );
  });

  it('decodes 5,000 random register contents into a string without throwing', () => {
    let state = 99;
    const rnd = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let i = 0; i < 5_000; i++) {
      const n = 1 + (i % 20);
      const words = Array.from({ length: n }, () => Math.floor(rnd() * 65536));
      expect(typeof decodeText(words, 0, n, BYTE_ORDERS[i % 4])).toBe('string');
    }
  });
});

describe('text that must fit', () => {
  it('is cut at a character boundary, never inside one', () => {
    expect(fitText('PUMP-1 ALARM', 8)).toBe('PUMP-1 A');
    expect(fitText('Ünï', 3)).toBe('Ün'); // Ü is 2 bytes, n 1, ï 2
    expect(fitText('ÜÜ', 3)).toBe('Ü');
    expect(fitText('', 4)).toBe('');
  });
});

describe('toEngineering', () => {
  it.each([
    [0.0001, 0, 293, '0.0293'],
    [0.001, 0, 29300, '29.3'],
    [0.01, -5, 2512, '20.12'],
    [0.1, 0.2, 1, '0.3'], // 0.1 + 0.2 would be 0.30000000000000004
    [0.3, 0, 3, '0.9'],
    [2, 0.5, -3, '-5.5'],
    [1, 0, 65535, '65535'],
    [0.1, 0, 1.5, String(1.5 * 0.1)], // a float raw value is multiplied as it is
    [1 / 3, 0, 3, String(3 * (1 / 3))], // a scale no 12 decimals write exactly
    [0.001, 0, 2 ** 60, String(2 ** 60 * 0.001)], // a product past 2^53
  ])('raw × %d + %d: %d reads %s', (scale, offset, raw, expected) => {
    expect(String(toEngineering(scale, offset)(raw))).toBe(expected);
  });
});

describe('roundedInteger', () => {
  /** The registers of a 64-bit integer in `order`, from its exact value (a number cannot hold some of them). */
  const words64 = (value: bigint, order: ByteOrder) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt.asUintN(64, value));
    const abcd = [0, 2, 4, 6].map((o) => view.getUint16(o));
    const swapped = order === 'BADC' || order === 'DCBA' ? abcd.map((w) => ((w & 0xff) << 8) | (w >> 8)) : abcd;
    return order === 'CDAB' || order === 'DCBA' ? swapped.reverse() : swapped;
  };

  it('gives the exact value of a 64-bit integer a number cannot hold, in every byte order', () => {
    for (const order of BYTE_ORDERS) {
      expect(roundedInteger([7, ...words64(-(2n ** 53n) - 1n, order)], 1, 'int64', order)).toBe(-(2n ** 53n) - 1n);
      expect(roundedInteger(words64(2n ** 64n - 1n, order), 0, 'uint64', order)).toBe(2n ** 64n - 1n);
      // Exact as numbers: -2^53, and 2^53 + 2 (past 2^53, but a double).
      expect(roundedInteger(words64(-(2n ** 53n), order), 0, 'int64', order)).toBeUndefined();
      expect(roundedInteger(words64(2n ** 53n + 2n, order), 0, 'uint64', order)).toBeUndefined();
      expect(decodeRegisters(words64(-(2n ** 53n) - 1n, order), 'int64', order)).toBe(-(2 ** 53));
    }
  });
});
