/**
 * The configuration of the Modbus source types (modbus_tcp, modbus_rtu, modbus_rtu_tcp): a
 * connection, its devices (unit ids) and their register maps. Every object is strict: an unknown
 * key is an error, so a typo never silently falls back to a default.
 */
import { z } from 'zod';
import { nameSchema as name, portSchema as port, timerMsSchema, unitSchema } from '../../core/config-primitives.js';
import { BYTE_ORDERS, TAG_TYPES } from './encoding.js';
import { addressTooBig } from './register-names.js';

export const registerSchema = z
  .strictObject({
    channel: name.describe('The channel name the value is stored and scored under.'),
    table: z
      .enum(['holding', 'input', 'coil', 'discrete'])
      .default('holding')
      .describe('holding/input registers (functions 3/4), or coils/discrete inputs (functions 1/2, `type: bit`).'),
    // The bound is checked with the register (below), to name its channel and read a Modicon number (400011).
    address: z
      .number()
      .int()
      .min(0)
      .meta({ maximum: 65535, description: 'Register (or coil) number, 0-based as on the wire.' }),
    type: z
      .enum(TAG_TYPES)
      .describe('A number type, or `string`: text over `length` registers (a part serial number, a recipe).'),
    byte_order: z
      .enum(BYTE_ORDERS)
      .default('ABCD')
      .describe('Word and byte order of multi-register numbers (ABCD: big-endian, CDAB: word-swapped...).'),
    bit: z.number().int().min(0).max(15).optional().describe('type bit on a register: which bit, 0-15.'),
    length: z.number().int().min(1).max(125).optional().describe('Registers of a `string` tag (two characters each).'),
    scale: z
      .number()
      .refine((v) => v !== 0, 'scale must not be 0')
      .default(1)
      .describe('value = raw × scale + offset.'),
    offset: z.number().default(0).describe('Added after scale.'),
    unit: unitSchema.optional(),
    poll_interval_ms: timerMsSchema(1)
      .optional()
      .describe(
        "Poll this tag less often than its device (a multiple is best: it is read with the device's next poll when due).",
      ),
  })
  .superRefine(
    (r, ctx) => {
      // Run beside the register's other problems: its channel or table may be wrong too.
      const channel = typeof r.channel === 'string' ? r.channel : undefined;
      ctx.addIssue({ code: 'custom', path: ['address'], message: addressTooBig(channel, String(r.table), r.address) });
    },
    { when: ({ value }) => addressPastEnd(value) },
  );

/** A number address past 65535 in what was given for a register. */
function addressPastEnd(register: unknown): boolean {
  const address = (register as { address?: unknown } | undefined)?.address;
  return typeof address === 'number' && Number.isInteger(address) && address > 65535;
}

export const unitId = z.number().int().min(0).max(255);
/** A request's timeout and the register gap read across: per connection, and per device where it overrides them. */
const timeoutMs = timerMsSchema(10);
const maxGapRegisters = z.number().int().min(0).max(124);
const TIMEOUT_TEXT = 'A request without an answer in this time fails (the device backs off).';
const MAX_GAP_TEXT = 'Read across gaps of up to this many unused registers to save requests.';

export const modbusDeviceSchema = z
  .strictObject({
    unit_id: unitId.describe('Modbus unit id (slave address) of the device.'),
    asset: name.describe("The asset the device's channels belong to."),
    poll_interval_ms: timerMsSchema(1).optional().describe("Default: the source's."),
    timeout_ms: timeoutMs.optional().describe(TIMEOUT_TEXT),
    max_gap_registers: maxGapRegisters.optional().describe(MAX_GAP_TEXT),
    registers: z.array(registerSchema).min(1).describe('The tags read from the device.'),
  })
  .describe('A further device (unit id) behind the same connection: a serial line, or a TCP gateway.');

/** Polling, device and register map: the same for every Modbus transport. */
const modbusCommon = {
  name,
  unit_id: unitId
    .default(1)
    .describe('The first device: `unit_id`, `asset`, `registers` (omit them when every device is under `devices`).'),
  asset: name.optional().describe("The asset the device's channels belong to."),
  poll_interval_ms: timerMsSchema(1).default(1000).describe('How often the device is polled.'),
  timeout_ms: timeoutMs.default(1000).describe(TIMEOUT_TEXT),
  connect_timeout_ms: timeoutMs
    .optional()
    .describe(
      "A connect (TCP; serial: opening the port) without an answer in this time fails, not after the system's two-minute TCP timeout. Default: timeout_ms + 3000: the system sends a connection attempt again 1 s and 3 s after the first (RFC 6298's initial 1 s retransmission timeout, doubled each time), so a link that loses two attempts in a row still connects, and the answer to the third has timeout_ms to come.",
    ),
  max_gap_registers: maxGapRegisters.default(0).describe(MAX_GAP_TEXT),
  registers: z.array(registerSchema).default([]).describe('The tags read from the device.'),
  devices: z
    .array(modbusDeviceSchema)
    .default([])
    .describe('More unit ids on this connection, each with its own asset, map, interval, queue and health.'),
  max_queued_writes: z
    .number()
    .int()
    .min(1)
    .default(16)
    .describe(
      'Writes (alarm actions) waiting per device; beyond this a write is refused and counted (it is retried by its action).',
    ),
};

/** Where a TCP device listens. */
const tcpEndpoint = (defaultPort: number) => ({
  host: z.string().min(1).describe('Host name or IP address of the device.'),
  port: port.default(defaultPort).describe('TCP port.'),
});

export const modbusTcpSourceSchema = z.strictObject({
  ...modbusCommon,
  type: z.literal('modbus_tcp').describe('The source type.'),
  ...tcpEndpoint(502),
});

export const modbusRtuSourceSchema = z
  .strictObject({
    ...modbusCommon,
    type: z.literal('modbus_rtu').describe('The source type.'),
    path: z.string().min(1).describe('Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...'),
    baud_rate: z.number().int().positive().default(9600).describe('Serial speed, bits per second.'),
    parity: z.enum(['none', 'even', 'odd']).default('none').describe('Serial parity.'),
    data_bits: z
      .union([z.literal(7), z.literal(8)])
      .default(8)
      .describe('Serial data bits.'),
    stop_bits: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .describe('Serial stop bits.'),
  })
  .describe('Modbus RTU over a serial line (RS-485/RS-232 adapter).');

export const modbusRtuOverTcpSourceSchema = z
  .strictObject({
    ...modbusCommon,
    type: z.literal('modbus_rtu_tcp').describe('The source type.'),
    ...tcpEndpoint(4001),
  })
  .describe('Modbus RTU frames over TCP (serial device servers / gateways in transparent mode).');

export type ModbusTcpSourceConfig = z.infer<typeof modbusTcpSourceSchema>;
export type ModbusSourceConfig =
  | z.infer<typeof modbusTcpSourceSchema>
  | z.infer<typeof modbusRtuSourceSchema>
  | z.infer<typeof modbusRtuOverTcpSourceSchema>;
export type RegisterConfig = z.infer<typeof registerSchema>;
