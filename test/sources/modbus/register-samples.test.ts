/** A Modbus response's samples: decoded, scaled, good or bad; and the bad samples of tags not read. */
import { describe, expect, it } from 'vitest';
import type { ModbusDeviceConfig } from '../../../src/sources/modbus/devices.js';
import { pollGroups } from '../../../src/sources/modbus/poll-groups.js';
import { badSamples, responseSamples, shortAnswer } from '../../../src/sources/modbus/register-samples.js';
import { registerSchema } from '../../../src/sources/modbus/schema.js';
import type { Sample } from '../../../src/core/types.js';

const origin = { source: 'plc', asset: 'pump-1' };

function device(registers: unknown[], pollIntervalMs = 100): ModbusDeviceConfig {
  return {
    unitId: 1,
    asset: 'pump-1',
    pollIntervalMs,
    timeoutMs: 1000,
    maxGapRegisters: 0,
    registers: registers.map((r) => registerSchema.parse(r)),
    where: '',
    intervalKey: '.poll_interval_ms',
  };
}

describe('responseSamples', () => {
  it('decodes each tag at its offset, scaled, and counts the good ones', () => {
    const [group] = pollGroups(
      device([
        { channel: 'temp', address: 0, type: 'int16', scale: 0.1, offset: -5, unit: 'degC' },
        { channel: 'flow', address: 1, type: 'float32' },
        { channel: 'serial', address: 3, type: 'string', length: 1 },
      ]),
    );
    expect(group.requests).toHaveLength(1);
    const out: Sample[] = [];
    // 1.5 as float32: 0x3fc0 0x0000; "AB" as one register.
    const good = responseSamples(origin, group.requests[0], [250, 0x3fc0, 0x0000, 0x4142], 1000, 1010, out);
    expect(good).toBe(3);
    expect(out.map((s) => [s.channel, s.value, s.quality, s.text])).toEqual([
      ['temp', 20, 'good', undefined],
      ['flow', 1.5, 'good', undefined],
      ['serial', Number.NaN, 'good', 'AB'],
    ]);
    expect(out[0]).toMatchObject({ source: 'plc', asset: 'pump-1', ts: 1000, received: 1010, unit: 'degC' });
  });

  it('marks a value that decodes to NaN bad, and appends to what is there', () => {
    const [group] = pollGroups(device([{ channel: 'flow', address: 0, type: 'float32' }]));
    const out: Sample[] = [{ ...origin, channel: 'earlier', ts: 1, value: 1, quality: 'good' }];
    expect(responseSamples(origin, group.requests[0], [0x7fc0, 0x0000], 1000, 1000, out)).toBe(0);
    expect(out.map((s) => [s.channel, s.quality])).toEqual([
      ['earlier', 'good'],
      ['flow', 'bad'],
    ]);
  });

  // Regression (a newcomer's walk): a flow of 293 × 0.0001 printed as 0.029300000000000003.
  it('scales an integer register by a decimal scale and offset to the value as written, a float32 one as it is', () => {
    const [group] = pollGroups(
      device([
        { channel: 'flow', address: 0, type: 'uint16', scale: 0.0001 },
        { channel: 'temp', address: 1, type: 'int16', scale: 0.1, offset: 0.2 },
        { channel: 'level', address: 2, type: 'int16', scale: 0.3 },
        { channel: 'pressure', address: 3, type: 'float32', scale: 0.1 },
      ]),
    );
    const out: Sample[] = [];
    // 1.5 as float32: 0x3fc0 0x0000.
    responseSamples(origin, group.requests[0], [293, 1, 123, 0x3fc0, 0x0000], 0, 0, out);
    expect(out.map((s) => String(s.value))).toEqual(['0.0293', '0.3', '36.9', String(1.5 * 0.1)]);
  });

  it('reads coils as 1 and 0', () => {
    const [group] = pollGroups(
      device([
        { channel: 'run', table: 'coil', address: 0, type: 'bit' },
        { channel: 'fault', table: 'coil', address: 1, type: 'bit' },
      ]),
    );
    const out: Sample[] = [];
    responseSamples(origin, group.requests[0], [1, 0], 0, 0, out);
    expect(out.map((s) => s.value)).toEqual([1, 0]);
  });
});

describe('pollGroups', () => {
  it("groups tags by their poll interval, fastest first, a tag without one in its device's", () => {
    const groups = pollGroups(
      device([
        { channel: 'slow', address: 10, type: 'int16', poll_interval_ms: 1000 },
        { channel: 'fast', address: 0, type: 'int16' },
      ]),
    );
    expect(groups.map((g) => [g.intervalMs, g.tags.map((t) => t.channel)])).toEqual([
      [100, ['fast']],
      [1000, ['slow']],
    ]);
  });
});

describe('badSamples', () => {
  it('gives each tag a bad NaN sample of a failed read, with the reason only where there is one', () => {
    const [group] = pollGroups(device([{ channel: 'temp', address: 0, type: 'int16', unit: 'degC' }]));
    expect(badSamples(origin, group.tags, 5, 'device plc: read holding registers 0..0: no answer')).toEqual([
      {
        source: 'plc',
        asset: 'pump-1',
        channel: 'temp',
        ts: 5,
        value: Number.NaN,
        quality: 'bad',
        failedRead: true,
        unit: 'degC',
        reason: 'device plc: read holding registers 0..0: no answer',
      },
    ]);
    expect(badSamples(origin, group.tags, 5)[0]).not.toHaveProperty('reason');
  });
});

describe('shortAnswer', () => {
  it.each([
    ['holding', 2, 2, undefined],
    ['input', 4, 3, 'the answer holds 3 registers, 4 asked for'],
    ['holding', 1, 0, 'the answer holds 0 registers, 1 asked for'],
    // Bits come in whole bytes: 10 coils are 16 bits.
    ['coil', 10, 16, undefined],
    ['discrete', 10, 8, 'the answer holds 8 bits, 10 asked for'],
  ] as const)('%s × %i, %i received: %s', (table, count, received, why) => {
    expect(shortAnswer({ table, count }, received)).toBe(why);
  });
});
