/**
 * The Modbus source types: modbus_tcp, modbus_rtu (a serial line) and modbus_rtu_tcp (RTU frames
 * over TCP), one connection each with one or more devices (unit ids).
 */
import { realpathSync } from 'node:fs';
import type { z } from 'zod';
import { duplicates } from '../../core/config-primitives.js';
import { claimChannel, defineSource, type SourceCheckContext } from '../source-type.js';
import { modbusDevices } from './devices.js';
import { tagRegisterCount } from './encoding.js';
import { ModbusSource } from './modbus-source.js';
import { modiconHint, modiconLookalike } from './register-names.js';
import {
  modbusRtuOverTcpSourceSchema,
  modbusRtuSourceSchema,
  modbusTcpSourceSchema,
  type ModbusSourceConfig,
} from './schema.js';

/**
 * The serial line a source opens, as claimed across sources: a serial port (by the file it links to, where it exists
 * here: /dev/serial/by-id/... and /dev/ttyUSB0 are one port), or a serial device server's TCP port, whose RTU frames go
 * to one RS-485 line. Two sources on one line fail: the second cannot lock a serial port, and two masters through a
 * device server collide on the line, each reading the other's answers. A Modbus TCP server answers each connection on
 * its own, so modbus_tcp claims nothing.
 */
function serialLine(source: ModbusSourceConfig): { line: string; key: string; why: string } | undefined {
  if (source.type === 'modbus_rtu') {
    let port = source.path;
    try {
      port = realpathSync(source.path);
    } catch {
      // Not on this machine (validated elsewhere): compared as written.
    }
    return { line: `serial ${port}`, key: 'path', why: `serial port ${source.path}: a second source cannot lock it` };
  }
  if (source.type === 'modbus_rtu_tcp')
    return {
      // A host name is case-insensitive (GW-30 and gw-30 are one device server).
      line: `rtu-tcp ${source.host.toLowerCase()}:${source.port}`,
      key: 'host',
      why: `serial device server port ${source.host}:${source.port}: two sources would be two masters on its line, each reading the other's answers`,
    };
  return undefined;
}

/**
 * The checks the schema cannot make: one source per serial line, an asset for the first device, unit ids, each
 * register's fields.
 */
function checkModbus(source: ModbusSourceConfig, where: string, ctx: SourceCheckContext): string[] {
  const issues: string[] = [];
  if (source.registers.length > 0 && !source.asset)
    issues.push(`${where}.asset: required with registers (the asset the first device's channels belong to)`);
  const devices = modbusDevices(source);
  const serial = serialLine(source);
  const first = serial && ctx.claimLine(serial.line, where);
  if (serial && first) {
    const units = devices.map((d) => d.unitId).join(', ');
    issues.push(
      `${where}.${serial.key}: the same line as ${first}.${serial.key} (${serial.why}); one serial line is one ` +
        `source: put unit ${units || source.unit_id} under ${first}.devices[] (unit_id, asset, registers) and remove ${where}`,
    );
  }
  if (devices.length === 0) issues.push(`${where}: no registers: list registers (with unit_id and asset), or devices`);
  for (const d of duplicates(devices.map((d) => String(d.unitId))))
    issues.push(`${where}.devices: unit id ${d} is configured twice on this connection`);
  for (const device of devices) {
    for (const [ri, reg] of device.registers.entries()) {
      const at = `${where}${device.where}.registers[${ri}]`;
      issues.push(...claimChannel(ctx, device.asset, reg.channel, at));
      const bitTable = reg.table === 'coil' || reg.table === 'discrete';
      if (bitTable && (reg.type !== 'bit' || reg.bit !== undefined))
        issues.push(`${at}.type: a ${reg.table} is one bit: use type "bit" without "bit"`);
      if (reg.type === 'bit' && reg.bit === undefined && !bitTable)
        issues.push(`${at}.bit: required when type is "bit" (which bit of the register, 0-15)`);
      if (reg.type !== 'bit' && reg.bit !== undefined) issues.push(`${at}.bit: only allowed when type is "bit"`);
      if (reg.type === 'string' && reg.length === undefined)
        issues.push(
          `${at}.length: required when type is "string" (how many registers the text takes, two characters each)`,
        );
      if (reg.type !== 'string' && reg.length !== undefined)
        issues.push(`${at}.length: only allowed when type is "string"`);
      if (reg.type === 'string' && bitTable)
        issues.push(`${at}.type: text is read from holding or input registers, not from a ${reg.table}`);
      if (!bitTable && reg.address + tagRegisterCount(reg.type, reg.length) > 65536)
        issues.push(`${at}.address: ${reg.type} at ${reg.address} runs past register 65535`);
      if (reg.poll_interval_ms !== undefined && reg.poll_interval_ms < device.pollIntervalMs)
        issues.push(
          `${at}.poll_interval_ms: ${reg.poll_interval_ms} ms is faster than its device's ${device.pollIntervalMs} ms; a tag can only be polled as often as its device or less`,
        );
    }
  }
  return issues;
}

/** Each register whose address looks like a Modicon reference of its own table (40101 for offset 100). */
function modiconWarnings(source: ModbusSourceConfig, where: string): string[] {
  return modbusDevices(source).flatMap((device) =>
    device.registers.flatMap((reg, ri) => {
      const offset = modiconLookalike(reg.table, reg.address);
      if (offset === undefined) return [];
      const unit = device.where === '' ? '' : ` unit ${device.unitId}`;
      return [
        `${where}${device.where}.registers[${ri}] (${source.name}${unit}, channel ${reg.channel}): ` +
          `${modiconHint(reg.address, offset)}; if the device really maps ${reg.address}, ignore this`,
      ];
    }),
  );
}

/** What every Modbus transport shares: devices, feeds, text tags, checks and the source itself. */
function modbusType<S extends z.ZodType<ModbusSourceConfig>>(
  type: ModbusSourceConfig['type'],
  schema: S,
  sample: string,
) {
  return defineSource({
    type,
    schema,
    sample,
    writeProtocol: 'modbus',
    // A refused connect (modbus-connection.ts), then a read's error code (errors.ts).
    errorKinds: ['connect', 'DEVICE_UNREACHABLE', 'DEVICE_TIMEOUT', 'DEVICE_EXCEPTION'],
    feeds: (source) =>
      modbusDevices(source).map((d) => ({
        asset: d.asset,
        channels: d.registers.map((r) => r.channel),
        periodMs: d.pollIntervalMs,
        periodKey: d.intervalKey,
        assetKey: `${d.where}.asset`,
      })),
    textChannels: (source) =>
      modbusDevices(source).flatMap((d) =>
        d.registers.filter((r) => r.type === 'string').map((r) => ({ asset: d.asset, channel: r.channel })),
      ),
    channelUnits: (source) =>
      modbusDevices(source).flatMap((d) =>
        d.registers.flatMap((r) => (r.unit ? [{ asset: d.asset, channel: r.channel, unit: r.unit }] : [])),
      ),
    tagCount: (source) => modbusDevices(source).reduce((n, d) => n + d.registers.length, 0),
    check: checkModbus,
    warnings: modiconWarnings,
    create: (source, deps) => new ModbusSource(source, deps),
  });
}

export const modbusTcpSourceType = modbusType(
  'modbus_tcp',
  modbusTcpSourceSchema,
  `# A PLC or remote I/O over Modbus TCP; one device here, more unit ids under devices:
name: plc-1
type: modbus_tcp
host: 192.168.10.20
port: 502
unit_id: 1
asset: pump-1
poll_interval_ms: 200
registers:
  - { channel: flow, address: 0, type: float32, unit: m3/h }
  - { channel: pressure, address: 2, type: float32, byte_order: CDAB }
  - { channel: running, table: coil, address: 0, type: bit }
  - { channel: serial, address: 20, type: string, length: 6 }   # text: names a part, feeds no model
`,
);

export const modbusRtuSourceType = modbusType(
  'modbus_rtu',
  modbusRtuSourceSchema,
  `# Devices on an RS-485 line, one request at a time; each unit id its own asset.
name: line-485
type: modbus_rtu
path: /dev/ttyUSB0
baud_rate: 19200
parity: even
poll_interval_ms: 500
devices:
  - unit_id: 3
    asset: press-1
    registers:
      - { channel: force, address: 0, type: float32 }
      - { channel: cycle_active, address: 10, type: bit, bit: 0 }
  - unit_id: 4
    asset: press-2
    poll_interval_ms: 1000   # a slower device on the same line
    registers:
      - { channel: force, address: 0, type: float32 }
`,
);

export const modbusRtuTcpSourceType = modbusType(
  'modbus_rtu_tcp',
  modbusRtuOverTcpSourceSchema,
  `# RTU frames through a serial device server in transparent mode.
name: gateway-port-1
type: modbus_rtu_tcp
host: 192.168.10.30
port: 4001
unit_id: 7
asset: chiller
registers:
  - { channel: supply_temp, table: input, address: 100, type: int16, scale: 0.1, unit: degC }
`,
);
