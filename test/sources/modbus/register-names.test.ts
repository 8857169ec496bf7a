/** How reads are named in messages: protocol addresses and the PLC manual's (Modicon) numbers. */
import { describe, expect, it } from 'vitest';
import {
  addressTooBig,
  modiconAddress,
  modiconHint,
  modiconLookalike,
  modiconRange,
  readName,
} from '../../../src/sources/modbus/register-names.js';

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

describe('modiconAddress', () => {
  it.each([
    [400011, { table: 'holding', address: 10 }],
    [300001, { table: 'input', address: 0 }],
    [365536, { table: 'input', address: 65535 }],
    [100100, { table: 'discrete', address: 99 }],
    // Not six-digit Modicon numbers: protocol addresses, or nothing a PLC manual writes.
    [40011, undefined],
    [70000, undefined],
    [400000, undefined],
    [465537, undefined],
    [265536, undefined],
  ] as const)('%i: %j', (n, expected) => {
    expect(modiconAddress(n)).toEqual(expected);
  });
});

// Regression: `address: 400011` and `address: 70000` both said "Too big: expected number to be <=65535".
describe('addressTooBig', () => {
  it('names the channel and, for a Modicon number, the address and table to write', () => {
    expect(addressTooBig('flow', 'holding', 400011)).toBe(
      'channel flow: 400011 is past the last Modbus address, 65535; 400011 looks like Modicon notation for holding register 11: write address: 10 with table: holding',
    );
    expect(addressTooBig('level', 'holding', 300005)).toBe(
      'channel level: 300005 is past the last Modbus address, 65535; 300005 looks like Modicon notation for input register 5: write address: 4 with table: input (this register has table: holding)',
    );
    expect(addressTooBig('door', 'discrete', 100002)).toMatch(
      /discrete input 2: write address: 1 with table: discrete$/,
    );
    expect(addressTooBig('flow', 'holding', 70000)).toBe(
      'channel flow: 70000 is past the last Modbus address, 65535 (address counts from 0 as on the wire: holding register 1 of a PLC manual, 40001, is address: 0)',
    );
  });
});

// Issue: `address: 40101` (holding register 40101 of the manual, offset 100) passed validate; the PLC refused it.
describe('modiconLookalike', () => {
  it.each([
    ['holding', 40101, 100],
    ['holding', 40001, 0],
    ['holding', 49999, 9998],
    ['input', 30001, 0],
    ['input', 39999, 9998],
    ['discrete', 10001, 0],
    ['discrete', 10101, 100],
  ] as const)('%s %i means offset %i', (table, address, offset) => {
    expect(modiconLookalike(table, address)).toBe(offset);
  });

  it.each([
    ['holding', 40000],
    ['holding', 50000],
    ['holding', 30001],
    ['input', 40101],
    ['discrete', 40101],
    ['coil', 1],
    ['coil', 10001],
    ['holding', 100],
  ] as const)('%s %i is no Modicon reference of its table', (table, address) => {
    expect(modiconLookalike(table, address)).toBeUndefined();
  });

  it('is said with the offset it probably means', () => {
    expect(modiconHint(40101, 100)).toBe(
      "address 40101 looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for 40101 is 100",
    );
  });
});
