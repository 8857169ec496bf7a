/**
 * Properties of Modbus register decoding (what a device sends is outside input): every word
 * pattern decodes without a crash and the same way on the hot path as on the reference path;
 * values round-trip through registers in every byte order; text round-trips; a wrong register
 * count is a RangeError naming the type and the counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BYTE_ORDERS,
  compileDecoder,
  decodeRegisters,
  decodeText,
  encodeRegisters,
  encodeText,
  fitText,
  REGISTER_TYPES,
  registerCount,
} from '../../../src/sources/modbus/encoding.js';

const RUNS = { numRuns: 200 };
const word = fc.integer({ min: 0, max: 0xffff });
const order = fc.constantFrom(...BYTE_ORDERS);
const numberType = fc.constantFrom(...REGISTER_TYPES.filter((t) => t !== 'bit'));
const sameNumber = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** A register type, a byte order and words of the right count placed at an offset inside a longer read. */
const placedWords = fc
  .record({
    type: numberType,
    order,
    before: fc.array(word, { maxLength: 4 }),
    after: fc.array(word, { maxLength: 4 }),
  })
  .chain((r) =>
    fc
      .array(word, { minLength: registerCount(r.type), maxLength: registerCount(r.type) })
      .map((words) => ({ ...r, words })),
  );

describe('Modbus register decoding (property)', () => {
  it('decodes any words, the compiled decoder agreeing with decodeRegisters at any offset', () => {
    fc.assert(
      fc.property(placedWords, ({ type, order, before, after, words }) => {
        const reference = decodeRegisters(words, type, order);
        expect(typeof reference).toBe('number');
        const read = [...before, ...words, ...after];
        expect(sameNumber(compileDecoder(type, order)(read, before.length), reference)).toBe(true);
      }),
      RUNS,
    );
  });

  it('round-trips the words of every integer and non-NaN float through decode and encode', () => {
    fc.assert(
      fc.property(placedWords, ({ type, order, words }) => {
        const value = decodeRegisters(words, type, order);
        const exact = (type !== 'int64' && type !== 'uint64') || Math.abs(value) <= Number.MAX_SAFE_INTEGER;
        fc.pre(!Number.isNaN(value) && exact);
        expect(encodeRegisters(value, type, order)).toEqual(words);
      }),
      RUNS,
    );
  });

  it('round-trips values through registers in every byte order', () => {
    const cases = fc.oneof(
      fc.record({ type: fc.constant('int16' as const), value: fc.integer({ min: -32768, max: 32767 }) }),
      fc.record({ type: fc.constant('uint16' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
      fc.record({ type: fc.constant('int32' as const), value: fc.integer() }),
      fc.record({ type: fc.constant('uint32' as const), value: fc.nat({ max: 0xffffffff }) }),
      fc.record({ type: fc.constant('int64' as const), value: fc.maxSafeInteger() }),
      fc.record({ type: fc.constant('uint64' as const), value: fc.maxSafeNat() }),
      fc.record({ type: fc.constant('float32' as const), value: fc.float({ noNaN: true }) }),
      fc.record({ type: fc.constant('float64' as const), value: fc.double({ noNaN: true }) }),
    );
    fc.assert(
      fc.property(cases, order, ({ type, value }, o) => {
        const words = encodeRegisters(value, type, o);
        expect(words).toHaveLength(registerCount(type));
        expect(words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)).toBe(true);
        expect(decodeRegisters(words, type, o)).toBe(value);
      }),
      RUNS,
    );
  });

  it('reads each bit of a register as 0 or 1, as the register holds it', () => {
    fc.assert(
      fc.property(word, fc.integer({ min: 0, max: 15 }), (w, bit) => {
        expect(decodeRegisters([w], 'bit', 'ABCD', bit)).toBe(Math.floor(w / 2 ** bit) % 2);
        expect(compileDecoder('bit', 'ABCD', bit)([w], 0)).toBe(Math.floor(w / 2 ** bit) % 2);
      }),
      RUNS,
    );
  });

  it('refuses a wrong number of registers with a RangeError naming the type and both counts', () => {
    fc.assert(
      fc.property(numberType, order, fc.array(word, { maxLength: 6 }), (type, o, words) => {
        fc.pre(words.length !== registerCount(type));
        expect(() => decodeRegisters(words, type, o)).toThrow(
          new RangeError(`${type} needs ${registerCount(type)} register(s), got ${words.length}`),
        );
      }),
      RUNS,
    );
  });
});

describe('Modbus text registers (property)', () => {
  // Text as a PLC holds it: no NUL (the terminator) and no trailing blank (padding), decoding drops both.
  const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0') && !s.endsWith(' '));

  it('round-trips any text that fits, in every byte order', () => {
    fc.assert(
      fc.property(text, order, fc.integer({ min: 0, max: 4 }), (s, o, spare) => {
        const count = Math.ceil(new TextEncoder().encode(s).length / 2) + spare;
        fc.pre(count > 0);
        const words = encodeText(s, count, o);
        expect(words).toHaveLength(count);
        expect(decodeText([7, ...words, 9], 1, count, o)).toBe(s);
      }),
      RUNS,
    );
  });

  it('cuts text to a prefix that fits the bytes, never inside a character, and refuses what does not fit', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 8 }), order, (s, count, o) => {
        const fitted = fitText(s, count * 2);
        expect(s.startsWith(fitted)).toBe(true);
        expect(new TextEncoder().encode(fitted).length).toBeLessThanOrEqual(count * 2);
        expect(decodeText(encodeText(fitted, count, o), 0, count, o)).toBe(fitted.replace(/ +$/, ''));
        const bytes = new TextEncoder().encode(s).length;
        if (bytes > count * 2)
          expect(() => encodeText(s, count, o)).toThrow(
            new RangeError(`"${s}" needs ${bytes} bytes, ${count} register(s) hold ${count * 2}`),
          );
      }),
      RUNS,
    );
  });
});
