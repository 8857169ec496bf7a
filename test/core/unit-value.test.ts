/**
 * A key with its unit in its name given text with a unit: the message echoes the value, names the key's unit and
 * gives the number to write. Regression: `timeout_ms: 1s` said only "expected number, received string".
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues } from '../../src/core/format-issues.js';
import { unitValueHint } from '../../src/core/unit-value.js';

describe('unitValueHint', () => {
  it.each([
    ['timeout_ms', '1s', '"1s" is not a number of milliseconds; write 1000'],
    ['timeout_ms', '1.5 s', '"1.5 s" is not a number of milliseconds; write 1500'],
    ['poll_interval_ms', '250ms', '"250ms" is not a number of milliseconds; write 250'],
    ['timeout_ms', '2min', '"2min" is not a number of milliseconds; write 120000'],
    ['interval_s', '500 ms', '"500 ms" is not a number of seconds; write 0.5'],
    ['interval_s', '1h', '"1h" is not a number of seconds; write 3600'],
    ['retention_hours', '2d', '"2d" is not a number of hours; write 48'],
    ['max_bytes', '10MB', '"10MB" is not a number of bytes; write 10000000'],
    ['max_bytes', '1 MiB', '"1 MiB" is not a number of bytes; write 1048576'],
    ['timeout_ms', '1000', '"1000" is not a number of milliseconds; write 1000 (without quotes)'],
    // A unit of another kind, or none that is known: the value and the key's unit, no number.
    ['timeout_ms', '10MB', '"10MB" is not a number of milliseconds'],
    ['max_bytes', 'lots', '"lots" is not a number of bytes'],
    ['timeout_ms', '5constructor', '"5constructor" is not a number of milliseconds'],
  ])('%s: %j', (key, given, expected) => {
    expect(unitValueHint(key, given)).toBe(expected);
  });

  it('says nothing for a key without a unit in its name, and cuts a long value', () => {
    expect(unitValueHint('port', '1s')).toBeUndefined();
    expect(unitValueHint('samples', '1s')).toBeUndefined();
    expect(unitValueHint('timeout_ms', 'x'.repeat(10_000))).toBe(
      `"${'x'.repeat(40)}…" is not a number of milliseconds`,
    );
  });

  it('is what formatIssues says for such a key, with its path', () => {
    const schema = z.strictObject({ sources: z.array(z.strictObject({ timeout_ms: z.number(), port: z.number() })) });
    const input = { sources: [{ timeout_ms: '1s', port: 'x' }] };
    expect(formatIssues(schema.safeParse(input).error!.issues, schema, input)).toEqual([
      'sources[0].timeout_ms: "1s" is not a number of milliseconds; write 1000',
      'sources[0].port: Invalid input: expected number, received string',
    ]);
  });
});
