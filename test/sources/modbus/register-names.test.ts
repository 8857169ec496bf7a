/** How reads are named in messages: protocol addresses and the PLC manual's (Modicon) numbers. */
import { describe, expect, it } from 'vitest';
import { modiconRange, readName } from '../../../src/sources/modbus/register-names.js';

describe('modiconRange', () => {
  it.each([
    ['holding', 0, 2, '40001..40002'],
    ['input', 99, 1, '30100..30100'],
    ['coil', 0, 8, '00001..00008'],
    ['discrete', 100, 3, '10101..10103'],
    ['holding', 9997, 2, '49998..49999'],
    // Past 9999 the numbers take six digits, both ends alike.
    ['input', 9998, 3, '309999..310001'],
    ['coil', 65534, 2, '065535..065536'],
  ] as const)('%s %i × %i is %s', (table, address, count, expected) => {
    expect(modiconRange(table, address, count)).toBe(expected);
  });
});

describe('readName', () => {
  it('names the table, the wire addresses and the Modicon numbers', () => {
    expect(readName('holding', 0, 2)).toBe('read holding registers 0..1 (40001..40002)');
    expect(readName('input', 10, 1)).toBe('read input registers 10..10 (30011..30011)');
    expect(readName('coil', 0, 16)).toBe('read coils 0..15 (00001..00016)');
    expect(readName('discrete', 5, 2)).toBe('read discrete inputs 5..6 (10006..10007)');
  });
});
