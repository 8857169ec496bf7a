/**
 * Properties of OPC UA value conversion (what a server sends is outside input): numbers and
 * booleans arrive exactly, 64-bit integers (node-opcua's [high, low] pairs) become the number
 * they encode, the quality follows the status code's severity bits, and anything else is a bad
 * sample naming the type that arrived, never a crash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int64Value, qualityOf, toReading } from '../../../src/sources/opcua/opcua-value.js';

const RUNS = { numRuns: 200 };
const status = fc.nat({ max: 0xffffffff });
const ts = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined });
const SEVERITY = ['good', 'uncertain', 'bad', 'bad'] as const;

/** A 64-bit integer (as a bigint) and node-opcua's [high, low] pair for it. */
const wide = (signed: boolean) =>
  (signed ? fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) : fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(
    (v) => {
      const bits = BigInt.asUintN(64, v);
      return { v, pair: [Number(bits >> 32n), Number(bits & 0xffffffffn)] };
    },
  );

describe('OPC UA values (property)', () => {
  it('keeps numbers and booleans exactly, with the quality of the status severity and both timestamps', () => {
    const value = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }));
    fc.assert(
      fc.property(value, status, ts, ts, (raw, s, sourceTs, serverTs) => {
        const r = toReading({ raw, dataType: 'Double', status: s, sourceTs, serverTs });
        expect(r.quality).toBe(SEVERITY[s >>> 30]);
        expect(r.value).toBe(typeof raw === 'boolean' ? (raw ? 1 : 0) : Number(raw));
        expect(r.sourceTs).toBe(sourceTs);
        expect(r.serverTs).toBe(serverTs);
        expect(r.wrongType).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('turns Int64 and UInt64 [high, low] pairs into the number they encode', () => {
    const pairs = fc.boolean().chain((signed) => wide(signed).map((w) => ({ signed, ...w })));
    fc.assert(
      fc.property(pairs, ({ signed, v, pair }) => {
        const r = toReading({ raw: pair, dataType: signed ? 'Int64' : 'UInt64', status: 0 });
        expect(r).toEqual({ value: Number(v), quality: 'good', sourceTs: undefined, serverTs: undefined });
      }),
      RUNS,
    );
  });

  it('refuses pairs that are not two 32-bit words, and pairs of other data types', () => {
    const notWord = fc.oneof(
      fc.integer({ max: -1 }),
      fc.double({ min: 0.1, max: 1e12, noInteger: true }),
      fc.constant(2 ** 32),
    );
    fc.assert(
      fc.property(notWord, fc.nat({ max: 0xffffffff }), fc.boolean(), (bad, good, first) => {
        expect(int64Value(first ? [bad, good] : [good, bad], 'Int64')).toBeUndefined();
        expect(int64Value([good, good], 'Double')).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('answers anything else with a bad sample naming the type that arrived, when the server said good', () => {
    const other = fc.oneof(
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    );
    fc.assert(
      fc.property(
        other,
        fc.constantFrom('String', 'ByteString', 'Int64', 'LocalizedText', undefined),
        status,
        (raw, dataType, s) => {
          const r = toReading({ raw, dataType, status: s });
          fc.pre(int64Value(raw, dataType) === undefined);
          expect(Number.isNaN(r.value)).toBe(true);
          expect(r.quality).toBe('bad');
          const named = raw === null || raw === undefined ? 'no value' : (dataType ?? typeof raw);
          expect(r.wrongType).toBe(qualityOf(s) === 'good' ? named : undefined);
        },
      ),
      RUNS,
    );
  });
});
