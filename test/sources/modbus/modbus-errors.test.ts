/** A connection that fails says, after the socket's code, what that code means for someone setting up a device. */
import { describe, expect, it } from 'vitest';
import { describeModbusError } from '../../../src/sources/modbus/errors.js';

const device = 'device plc (plc-01.plant.local:502, unit 1)';

describe('describeModbusError', () => {
  it('says a host name that does not resolve is a DNS problem, keeping the code', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND plc-01.plant.local'), { code: 'ENOTFOUND' });
    const e = describeModbusError(device, 'connect', err);
    expect(e.code).toBe('DEVICE_UNREACHABLE');
    expect(e.message).toBe(
      `${device}: connect: ENOTFOUND (the host name does not resolve in DNS: check host, or give the IP address)`,
    );
  });

  it('says a refused connection is a port where nothing listens', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:502'), { code: 'ECONNREFUSED' });
    expect(describeModbusError(device, 'connect', err).message).toMatch(
      /: connect: ECONNREFUSED \(connection refused, nothing listens at that address and port: check port/,
    );
  });

  it('keeps a code it has no words for as it is, and a Modbus exception by its name', () => {
    const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(describeModbusError(device, 'read holding 0-3', err).message).toBe(`${device}: read holding 0-3: EPIPE`);
    expect(describeModbusError(device, 'read holding 0-3', { modbusCode: 2 }).message).toBe(
      `${device}: read holding 0-3: illegal data address (Modbus exception 2)`,
    );
  });

  it('adds the address hint to an illegal data address only (exception 2)', () => {
    const hint = 'address 40101 looks like a Modicon reference';
    expect(describeModbusError(device, 'read holding 40101-40102', { modbusCode: 2 }, 'Modbus TCP', hint).message).toBe(
      `${device}: read holding 40101-40102: illegal data address (Modbus exception 2); ${hint}`,
    );
    expect(describeModbusError(device, 'read holding 40101-40102', { modbusCode: 4 }, 'Modbus TCP', hint).message).toBe(
      `${device}: read holding 40101-40102: server device failure (Modbus exception 4)`,
    );
  });

  it("says a serial port's errors in serial words (serialport's messages carry no code)", () => {
    const rtu = 'device line (/dev/ttyUSB0 19200 8E1, unit 3)';
    const say = (message: string) => describeModbusError(rtu, 'connect', new Error(message)).message;
    expect(say('Error: Permission denied, cannot open /dev/ttyUSB0')).toBe(
      `${rtu}: connect: cannot open serial port /dev/ttyUSB0 (Permission denied): add the gateway's user to the dialout group`,
    );
    expect(say('Error: No such file or directory, cannot open /dev/ttyUSB0')).toBe(
      `${rtu}: connect: cannot open serial port /dev/ttyUSB0 (No such file or directory): the adapter unplugged, or path names another port (ls /dev/serial/by-id)`,
    );
    expect(say('Error Resource temporarily unavailable Cannot lock port')).toBe(
      `${rtu}: connect: serial port in use, it cannot be locked: another program, or another source, has it open (one source per serial line)`,
    );
    expect(say('Error: Input/output error, cannot open /dev/ttyS4')).toBe(
      `${rtu}: connect: cannot open serial port /dev/ttyS4 (Input/output error)`,
    );
  });
});
