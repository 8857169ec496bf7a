/**
 * The pure side of the mqtt source: topic filters, dotted paths, values and timestamps from JSON,
 * and a whole message decoded for the tags its topic feeds. Every payload here is outside input:
 * what does not pass comes back as a problem for a bad sample, never as a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampOf } from '../../../src/core/json-values.js';
import {
  decodeMessage,
  numberOf,
  topicFilterProblem,
  topicMatches,
  valueAt,
  type TagPaths,
} from '../../../src/sources/mqtt/payload.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const RECEIVED = 1_741_342_500_000;

describe('topic filters', () => {
  it.each([
    ['plant/line-3/pump-3/telemetry', 'plant/line-3/pump-3/telemetry', true],
    ['plant/line-3/pump-3/telemetry', 'plant/line-3/pump-4/telemetry', false],
    ['plant/+/pump-3/telemetry', 'plant/line-7/pump-3/telemetry', true],
    ['plant/+/pump-3/telemetry', 'plant/line-7/x/pump-3/telemetry', false],
    ['plant/+', 'plant', false],
    ['plant/+', 'plant/', true],
    ['plant/#', 'plant', true],
    ['plant/#', 'plant/a/b/c', true],
    ['plant/#', 'plants/a', false],
    ['#', 'anything/at/all', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['plant/line-3', 'plant/line-3/pump-3', false],
  ])('%s against %s: %s', (filter, topic, matches) => {
    expect(topicMatches(filter, topic)).toBe(matches);
  });

  it('accepts topics and well-formed filters', () => {
    for (const f of ['a/b', 'a/+/c', 'a/#', '#', '+', '+/+', '/leading/slash', 'trailing/'])
      expect(topicFilterProblem(f)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['a/#/c', '"#" must be the whole last level'],
    ['a/b#', '"#" must be the whole last level'],
    ['a/b+/c', '"+" must be a whole level'],
    ['a/\u0000', 'a NUL character'],
    ['$share/group/a/b', 'shared subscriptions ($share/...) are not supported'],
  ])('refuses %j: %s', (filter, problem) => {
    expect(topicFilterProblem(filter)).toBe(problem);
  });
});

describe('dotted paths', () => {
  const doc = { values: { temperature: 41.5, list: [7, { deep: 3 }] }, 'with space': 1 };

  it('follows object keys and list indexes', () => {
    expect(valueAt(doc, ['values', 'temperature'])).toEqual({ found: true, value: 41.5 });
    expect(valueAt(doc, ['values', 'list', '1', 'deep'])).toEqual({ found: true, value: 3 });
    expect(valueAt(doc, ['with space'])).toEqual({ found: true, value: 1 });
    expect(valueAt(doc, [])).toEqual({ found: true, value: doc });
  });

  it('finds nothing where the path leads nowhere, and nothing inherited', () => {
    expect(valueAt(doc, ['values', 'pressure'])).toEqual({ found: false });
    expect(valueAt(doc, ['values', 'list', '2'])).toEqual({ found: false });
    expect(valueAt(doc, ['values', 'list', 'length'])).toEqual({ found: false });
    expect(valueAt(doc, ['values', 'temperature', 'x'])).toEqual({ found: false });
    expect(valueAt(doc, ['constructor'])).toEqual({ found: false });
    expect(valueAt(doc, ['__proto__'])).toEqual({ found: false });
    expect(valueAt(JSON.parse('{"__proto__": 5}'), ['__proto__'])).toEqual({ found: true, value: 5 });
  });
});

describe('values', () => {
  it.each([
    [41.5, 41.5],
    [-3, -3],
    [0, 0],
    [true, 1],
    [false, 0],
    ['21.5', 21.5],
    ['-0.5e3', -500],
    ['+7', 7],
    ['.5', 0.5],
  ])('%j is %j', (raw, value) => {
    expect(numberOf(raw)).toEqual({ value });
  });

  it.each([
    ['abc', 'expected a number, got a string ("abc")'],
    ['', 'expected a number, got a string ("")'],
    [' 21.5', 'expected a number, got a string (" 21.5")'],
    ['0x10', 'expected a number, got a string ("0x10")'],
    ['Infinity', 'expected a number, got a string ("Infinity")'],
    ['NaN', 'expected a number, got a string ("NaN")'],
    ['1,5', 'expected a number, got a string ("1,5")'],
    ['x'.repeat(40), `expected a number, got a string ("${'x'.repeat(32)}…")`],
    [null, 'expected a number, got null'],
    [{ v: 1 }, 'expected a number, got an object'],
    [[1], 'expected a number, got a list'],
    [Number.POSITIVE_INFINITY, 'expected a finite number, got Infinity'],
    [Number.NaN, 'expected a finite number, got NaN'],
    ['1e999', 'expected a finite number, got "1e999"'],
  ])('%j is refused: %s', (raw, problem) => {
    expect(numberOf(raw)).toEqual({ problem });
  });

  it('takes every finite double, and its decimal text, exactly (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const expected = Object.is(v, -0) ? -0 : v;
        expect(numberOf(v)).toEqual({ value: expected });
        expect(numberOf(String(v))).toEqual({ value: Number(String(v)) });
      }),
      { numRuns: 300 },
    );
  });
});

describe('timestamps', () => {
  it.each([
    [1_741_342_500_123, 1_741_342_500_123],
    ['2025-03-07T10:15:00Z', Date.UTC(2025, 2, 7, 10, 15, 0)],
    ['2025-03-07T10:15:00.25Z', Date.UTC(2025, 2, 7, 10, 15, 0, 250)],
    ['2025-03-07T11:15:00.250+01:00', Date.UTC(2025, 2, 7, 10, 15, 0, 250)],
    ['2025-03-07T05:15:00-05:00', Date.UTC(2025, 2, 7, 10, 15, 0)],
    ['2025-03-07T10:15:00.123456789Z', Date.UTC(2025, 2, 7, 10, 15, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    // Offsets without a colon or minutes, a space for the T (Python's str() of a datetime), a lower-case z.
    ['2025-03-07T11:15:00+0100', Date.UTC(2025, 2, 7, 10, 15, 0)],
    ['2025-03-07T11:45:00.5+01', Date.UTC(2025, 2, 7, 10, 45, 0, 500)],
    ['2025-03-07 05:45:00.123456-0430', Date.UTC(2025, 2, 7, 10, 15, 0, 123)],
    ['2025-03-07t10:15:00z', Date.UTC(2025, 2, 7, 10, 15, 0)],
    // Epoch milliseconds as a string of digits (from a database, a form).
    ['1741342500123', 1_741_342_500_123],
  ])('%j is %d', (raw, ts) => {
    expect(timestampOf(raw)).toEqual({ ts });
  });

  it.each([
    [1_741_342_500, 'expected epoch milliseconds, got 1741342500 (epoch seconds?)'],
    [-5, 'expected epoch milliseconds, got -5'],
    [1e17, 'expected epoch milliseconds, got 100000000000000000'],
    [
      '2025-03-07T10:15:00',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("2025-03-07T10:15:00")',
    ],
    [
      '2025-02-30T10:15:00Z',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("2025-02-30T10:15:00Z")',
    ],
    [
      '2025-03-07T25:15:00Z',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("2025-03-07T25:15:00Z")',
    ],
    ['March 7, 2025', 'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("March 7, 2025")'],
    ['1741342500', 'expected epoch milliseconds, got "1741342500" (epoch seconds?)'],
    [
      '1741342500123.5',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("1741342500123.5")',
    ],
    [
      '2025-03-07T10:15:00+1',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("2025-03-07T10:15:00+1")',
    ],
    [
      '2025-03-07 10:15:00',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("2025-03-07 10:15:00")',
    ],
    [null, 'expected epoch milliseconds or an ISO 8601 time with a zone, got null'],
  ])('%j is refused: %s', (raw, problem) => {
    expect(timestampOf(raw)).toEqual({ problem });
  });
});

describe('a message', () => {
  const tags: TagPaths[] = [
    { topic: 'plant/+/pump-3/telemetry', field: ['values', 'flow'], timestampField: ['ts'] },
    { topic: 'plant/+/pump-3/telemetry', field: ['values', 'pressure'] },
    { topic: 'sensors/t1/temperature' },
  ];
  const decode = (topic: string, payload: string, maxBytes = 1024) =>
    decodeMessage(topic, bytes(payload), tags, RECEIVED, maxBytes);

  it('gives every tag its topic matches a reading, with the message time or the receive time', () => {
    expect(
      decode('plant/line-3/pump-3/telemetry', '{"ts": 1741342499000, "values": {"flow": 12.5, "pressure": "3.1"}}'),
    ).toEqual({
      readings: [
        { tag: 0, value: 12.5, ts: 1_741_342_499_000 },
        { tag: 1, value: 3.1, ts: RECEIVED },
      ],
    });
    expect(decode('sensors/t1/temperature', '41.5')).toEqual({ readings: [{ tag: 2, value: 41.5, ts: RECEIVED }] });
  });

  it('is for no tag when its topic matches none', () => {
    expect(decode('sensors/t2/temperature', 'not even json')).toEqual({ readings: [] });
  });

  it('over max_payload_bytes: not parsed, every tag of the topic bad at the receive time', () => {
    const payload = JSON.stringify({ values: { flow: 1, pressure: 2 }, pad: 'x'.repeat(100) });
    const problem = `plant/a/pump-3/telemetry: a payload of ${payload.length} bytes is over max_payload_bytes (64)`;
    expect(decode('plant/a/pump-3/telemetry', payload, 64)).toEqual({
      kind: 'too_large',
      problem,
      readings: [
        { tag: 0, value: Number.NaN, ts: RECEIVED, problem },
        { tag: 1, value: Number.NaN, ts: RECEIVED, problem },
      ],
    });
    // The bound is on bytes, not characters: "m³" is two characters, three bytes.
    const exact = '{"ts": 1741342499000, "unit": "m³", "values": {"flow": 1, "pressure": 2}}';
    const n = Buffer.byteLength(exact);
    expect(n).toBe(exact.length + 1);
    expect(decode('plant/a/pump-3/telemetry', exact, n - 1).kind).toBe('too_large');
    expect(decode('plant/a/pump-3/telemetry', exact, n)).toEqual({
      readings: [
        { tag: 0, value: 1, ts: 1_741_342_499_000 },
        { tag: 1, value: 2, ts: RECEIVED },
      ],
    });
  });

  it.each(['{"values": {', 'hello', '', '\ufeff{"values": {}}', '{values: {flow: 1}}', 'NaN'])(
    'not JSON (%j): every tag of the topic bad',
    (payload) => {
      const problem = 'plant/a/pump-3/telemetry: the payload is not JSON';
      expect(decode('plant/a/pump-3/telemetry', payload)).toEqual({
        kind: 'not_json',
        problem,
        readings: [
          { tag: 0, value: Number.NaN, ts: RECEIVED, problem },
          { tag: 1, value: Number.NaN, ts: RECEIVED, problem },
        ],
      });
    },
  );

  it('a bad field spoils only its own tag; the first problem is the one to log', () => {
    expect(
      decode('plant/a/pump-3/telemetry', '{"ts": 1741342499000, "values": {"flow": "high", "pressure": 3}}'),
    ).toEqual({
      kind: 'bad_value',
      problem: 'plant/a/pump-3/telemetry: field values.flow: expected a number, got a string ("high")',
      readings: [
        {
          tag: 0,
          value: Number.NaN,
          ts: 1_741_342_499_000,
          problem: 'plant/a/pump-3/telemetry: field values.flow: expected a number, got a string ("high")',
        },
        { tag: 1, value: 3, ts: RECEIVED },
      ],
    });
  });

  it('a value missing or null is no reading of its tag (absent), not a bad one; the others are read', () => {
    expect(decode('plant/a/pump-3/telemetry', '{"ts": 1741342499000, "values": {"pressure": 3}}')).toEqual({
      readings: [
        { tag: 0, value: Number.NaN, ts: 1_741_342_499_000, absent: { field: 'field values.flow', how: 'missing' } },
        { tag: 1, value: 3, ts: RECEIVED },
      ],
    });
    const nulled = '{"ts": 1741342499000, "values": {"flow": null, "pressure": 3}}';
    expect(decode('plant/a/pump-3/telemetry', nulled).readings[0]).toEqual({
      tag: 0,
      value: Number.NaN,
      ts: 1_741_342_499_000,
      absent: { field: 'field values.flow', how: 'null' },
    });
    expect(decode('sensors/t1/temperature', 'null').readings).toEqual([
      { tag: 2, value: Number.NaN, ts: RECEIVED, absent: { field: 'payload', how: 'null' } },
    ]);
    // Without a readable time the message is bad, the value's absence said with it.
    expect(decode('plant/a/pump-3/telemetry', '{"ts": null, "values": {"pressure": 3}}').readings[0]).toEqual({
      tag: 0,
      value: Number.NaN,
      ts: RECEIVED,
      problem:
        'plant/a/pump-3/telemetry: field ts: expected epoch milliseconds or an ISO 8601 time with a zone, got null; field values.flow: missing',
    });
  });

  it('a bad timestamp and a payload that is not the number are named', () => {
    const badTs = decode('plant/a/pump-3/telemetry', '{"ts": "yesterday", "values": {"flow": 1, "pressure": 3}}');
    expect(badTs.readings[0]).toEqual({
      tag: 0,
      value: Number.NaN,
      ts: RECEIVED,
      problem:
        'plant/a/pump-3/telemetry: field ts: expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("yesterday")',
    });
    expect(decode('sensors/t1/temperature', '{"v": 1}').readings).toEqual([
      {
        tag: 2,
        value: Number.NaN,
        ts: RECEIVED,
        problem: 'sensors/t1/temperature: payload: expected a number, got an object',
      },
    ]);
    expect(decode('sensors/t1/temperature', '1e999').readings).toEqual([
      {
        tag: 2,
        value: Number.NaN,
        ts: RECEIVED,
        problem: 'sensors/t1/temperature: payload: expected a finite number, got Infinity',
      },
    ]);
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(16, 1024), (payload, max) => {
        const d = decodeMessage('plant/a/pump-3/telemetry', payload, tags, RECEIVED, max);
        expect(d.readings.map((r) => r.tag)).toEqual([0, 1]);
        for (const r of d.readings)
          expect(Number.isNaN(r.value)).toBe(r.problem !== undefined || r.absent !== undefined);
      }),
      { numRuns: 300 },
    );
  });
});
