/**
 * The configuration of the Modbus source types (modbus_tcp, modbus_rtu, modbus_rtu_tcp): a
 * connection, its devices (unit ids) and their register maps. Every object is strict: an unknown
 * key is an error, so a typo never silently falls back to a default.
 */
import { z } from 'zod';
import { nameSchema as name, portSchema as port } from '../../core/config-primitives.js';
import { BYTE_ORDERS, TAG_TYPES } from './encoding.js';

export const registerSchema = z.strictObject({
  channel: name,
  /** holding/input registers (functions 3/4), or coils/discrete inputs (functions 1/2, `type: bit`). */
  table: z.enum(['holding', 'input', 'coil', 'discrete']).default('holding'),
  address: z.number().int().min(0).max(65535),
  /** A number type, or `string`: text over `length` registers (a part serial number, a recipe). */
  type: z.enum(TAG_TYPES),
  byte_order: z.enum(BYTE_ORDERS).default('ABCD'),
  bit: z.number().int().min(0).max(15).optional(),
  /** Registers of a `string` tag (two characters each). */
  length: z.number().int().min(1).max(125).optional(),
  scale: z
    .number()
    .refine((v) => v !== 0, 'scale must not be 0')
    .default(1),
  offset: z.number().default(0),
  unit: z.string().optional(),
  /** Poll this tag less often than its device (a multiple is best: it is read with the device's next poll when due). */
  poll_interval_ms: z.number().int().min(1).optional(),
});

export const unitId = z.number().int().min(0).max(255);

/** A further device (unit id) behind the same connection: a serial line, or a TCP gateway. */
export const modbusDeviceSchema = z.strictObject({
  unit_id: unitId,
  asset: name,
  /** Default: the source's. */
  poll_interval_ms: z.number().int().min(1).optional(),
  timeout_ms: z.number().int().min(10).optional(),
  max_gap_registers: z.number().int().min(0).max(124).optional(),
  registers: z.array(registerSchema).min(1),
});

/** Polling, device and register map: the same for every Modbus transport. */
const modbusCommon = {
  name,
  /** The first device: `unit_id`, `asset`, `registers` (omit them when every device is under `devices`). */
  unit_id: unitId.default(1),
  asset: name.optional(),
  poll_interval_ms: z.number().int().min(1).default(1000),
  timeout_ms: z.number().int().min(10).default(1000),
  max_gap_registers: z.number().int().min(0).max(124).default(0),
  registers: z.array(registerSchema).default([]),
  /** More unit ids on this connection, each with its own asset, map, interval, queue and health. */
  devices: z.array(modbusDeviceSchema).default([]),
  /** Writes (alarm actions) waiting per device; beyond this a write is refused and counted (it is retried by its
   * action). */
  max_queued_writes: z.number().int().min(1).default(16),
};

/** Where a TCP device listens. */
const tcpEndpoint = (defaultPort: number) => ({ host: z.string().min(1), port: port.default(defaultPort) });

export const modbusTcpSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_tcp'),
  ...tcpEndpoint(502),
});

/** Modbus RTU over a serial line (RS-485/RS-232 adapter). */
export const modbusRtuSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_rtu'),
  /** Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/... */
  path: z.string().min(1),
  baud_rate: z.number().int().positive().default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  data_bits: z.union([z.literal(7), z.literal(8)]).default(8),
  stop_bits: z.union([z.literal(1), z.literal(2)]).default(1),
});

/** Modbus RTU frames over TCP (serial device servers / gateways in transparent mode). */
export const modbusRtuOverTcpSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_rtu_tcp'),
  ...tcpEndpoint(4001),
});

export type ModbusTcpSourceConfig = z.infer<typeof modbusTcpSourceSchema>;
export type ModbusSourceConfig =
  | z.infer<typeof modbusTcpSourceSchema>
  | z.infer<typeof modbusRtuSourceSchema>
  | z.infer<typeof modbusRtuOverTcpSourceSchema>;
export type RegisterConfig = z.infer<typeof registerSchema>;
