/**
 * modbus_write: drives a PLC output from the alarm (a stack light, a horn, a reject gate, a text
 * on an HMI), written through a Modbus source's connection.
 */
import { z } from 'zod';
import { modbusDevices } from '../../sources/modbus/devices.js';
import {
  BYTE_ORDERS,
  fromEngineering,
  outOfRange,
  REGISTER_TYPES,
  tagRegisterCount,
  type RegisterType,
} from '../../sources/modbus/encoding.js';
import type { ModbusWrite } from '../../sources/modbus/modbus-source.js';
import { unitId } from '../../sources/modbus/schema.js';
import type { ModbusSourceConfig } from '../../sources/modbus/schema.js';
import { nameSchema as name } from '../../core/config-primitives.js';
import {
  actionName,
  actionRetry,
  activeStatesSchema,
  defineAction,
  fillTemplate,
  isActive,
  triggerLabel,
  triggerVars,
} from '../action-type.js';

/** What a modbus_write action needs of a source. */
export interface ModbusWriter {
  write(target: ModbusWrite, unitId?: number): Promise<void>;
}

/** What a modbus_write can write: every number type but a bit, or text. */
const WRITABLE_TYPES = [
  'string',
  ...REGISTER_TYPES.filter((t): t is Exclude<RegisterType, 'bit'> => t !== 'bit'),
] as const;

/** Consecutive coils, first at `address` (function 15 writes at most 1968). */
const coilPattern = z
  .array(z.union([z.literal(0), z.literal(1)]))
  .min(1)
  .max(1968);

export const modbusWriteActionSchema = z
  .strictObject({
    type: z.literal('modbus_write'),
    name: actionName,
    source: name.describe('A Modbus source: its connection carries the write.'),
    unit_id: unitId.optional().describe("Which device on that connection; default the source's first device."),
    table: z.enum(['coil', 'holding']).describe('Coils (function 5/15) or holding registers (function 6/16).'),
    address: z.number().int().min(0).max(65535).describe('First coil or register written.'),
    data_type: z
      .enum(WRITABLE_TYPES)
      .default('uint16')
      .describe('A number type, or `string`: text over `length` registers (function 16), e.g. a message on an HMI.'),
    length: z
      .number()
      .int()
      .min(1)
      .max(123)
      .optional()
      .describe('Registers of a `string` write (two bytes each; longer text is cut at a character boundary).'),
    text_active: z
      .string()
      .default('{asset} {alarm}: {state} ({top})')
      .describe(
        '`string` writes: the text in the active and inactive state. {asset}, {alarm}, {state}, {priority}, {top} (the top channel), {score}, and for parts {part}, {verdict} are filled in.',
      ),
    text_inactive: z.string().default('').describe('string writes: the text in the inactive state.'),
    byte_order: z.enum(BYTE_ORDERS).default('ABCD').describe('Word and byte order of multi-register numbers.'),
    scale: z
      .number()
      .refine((v) => v !== 0, 'scale must not be 0')
      .default(1)
      .describe('raw = (value - offset) / scale.'),
    offset: z.number().default(0).describe('Subtracted before scale.'),
    value_active: z
      .union([z.number(), coilPattern])
      .default(1)
      .describe(
        "A number, or for `table: coil` a list of 0/1 written to consecutive coils from `address` in one request (function 15), e.g. a stack light's lamps.",
      ),
    value_inactive: z.union([z.number(), coilPattern]).default(0).describe('Written otherwise.'),
    active_states: activeStatesSchema,
    ...actionRetry,
  })
  .describe(
    'Drives a PLC output from the alarm: `value_active` while the alarm is in `active_states`, else `value_inactive`.',
  );

export type ModbusWriteActionConfig = z.infer<typeof modbusWriteActionSchema>;

function checkModbusWrite(action: ModbusWriteActionConfig, where: string, sources: readonly { name: string }[]) {
  const issues: string[] = [];
  if (action.data_type === 'string' && (action.table !== 'holding' || action.length === undefined))
    issues.push(
      `${where}.data_type: a string is written to holding registers and needs length (registers, two characters each)`,
    );
  if (action.data_type !== 'string' && action.length !== undefined)
    issues.push(`${where}.length: only for data_type string`);
  if (action.table === 'holding' && action.address + tagRegisterCount(action.data_type, action.length) > 65536)
    issues.push(`${where}.address: ${action.data_type} at ${action.address} runs past register 65535`);
  for (const key of ['value_active', 'value_inactive'] as const) {
    const v = action[key];
    if (typeof v === 'number') {
      if (action.table === 'holding' && action.data_type !== 'string') issues.push(...outOfType(action, key, v, where));
      continue;
    }
    if (action.table !== 'coil')
      issues.push(
        `${where}.${key}: a list of values is written to consecutive coils; for a holding register give one number`,
      );
    else if (action.address + v.length > 65536)
      issues.push(`${where}.${key}: ${v.length} coils from ${action.address} run past coil 65535`);
  }
  const source = sources.find((s) => s.name === action.source) as ModbusSourceConfig | undefined;
  if (action.unit_id !== undefined && source && 'registers' in source) {
    const units = modbusDevices(source).map((d) => d.unitId);
    if (!units.includes(action.unit_id))
      issues.push(
        `${where}.unit_id: source ${action.source} has no unit ${action.unit_id} (units: ${units.join(', ')})`,
      );
  }
  return issues;
}

/**
 * A holding register's value that its data_type cannot hold once scale and offset are undone, as the write would
 * encode it (regression: 70000 as a uint16 was written as 4464, -1 as 65535).
 */
function outOfType(action: ModbusWriteActionConfig, key: string, value: number, where: string): string[] {
  const type = action.data_type as Exclude<RegisterType, 'bit'>;
  const out = outOfRange(fromEngineering(value, action.scale, action.offset), type);
  if (!out) return [];
  const said =
    action.scale === 1 && action.offset === 0
      ? `${value} is`
      : `${value} is ${out.raw} raw ((value - offset) / scale),`;
  return [`${where}.${key}: ${said} out of range for data_type ${type} (${out.range})`];
}

/** The request for the value the trigger calls for, with how it is shown in messages. */
function writeFor(c: ModbusWriteActionConfig, value: string | number | readonly number[]): ModbusWrite {
  // The config loader allows a coil pattern (list) only for coils, text only for holding registers.
  if (typeof value === 'string')
    return {
      table: 'holding',
      address: c.address,
      text: value,
      length: c.length ?? 1,
      byteOrder: c.byte_order,
    };
  if (c.table === 'coil')
    return {
      table: 'coil',
      address: c.address,
      value: typeof value === 'number' ? value !== 0 : value.map((v) => v === 1),
    };
  return {
    table: 'holding',
    address: c.address,
    value: value as number,
    type: c.data_type as Exclude<typeof c.data_type, 'string'>,
    byteOrder: c.byte_order,
    scale: c.scale,
    offset: c.offset,
  };
}

export const modbusWriteActionType = defineAction({
  type: 'modbus_write',
  schema: modbusWriteActionSchema,
  follows: true,
  writeProtocol: 'modbus',
  sample: `# A stack light on coils 8..10 (green, amber, red) of the PLC read by source plc-1:
# red and amber while the alarm is annunciated, green otherwise.
type: modbus_write
name: stack-light
source: plc-1
table: coil
address: 8
value_active: [0, 1, 1]
value_inactive: [1, 0, 0]
`,
  check: (action, where, ctx) => checkModbusWrite(action, where, ctx.sources),
  driver(c, { writer }) {
    let lastWritten: string | number | readonly number[] | undefined;
    return {
      job(t, o) {
        const plc = writer as ModbusWriter | undefined;
        if (!plc) return undefined;
        const active = isActive(c, t, c.active_states);
        const value =
          c.data_type === 'string'
            ? fillTemplate(active ? c.text_active : c.text_inactive, triggerVars(t))
            : active
              ? c.value_active
              : c.value_inactive;
        const shown =
          typeof value === 'string'
            ? JSON.stringify(value)
            : typeof value === 'number'
              ? String(value)
              : `[${value.join(',')}]`;
        const span = typeof value === 'object' ? `..${c.address + value.length - 1}` : '';
        const target = writeFor(c, value);
        return {
          what: triggerLabel(t),
          describe: `${c.table} ${c.address}${span} := ${shown} on ${c.source}${c.unit_id !== undefined ? ` unit ${c.unit_id}` : ''}`,
          run: async () => {
            if (lastWritten === value && !o?.rewrite) return 'unchanged';
            await plc.write(target, c.unit_id);
            lastWritten = value;
          },
        };
      },
    };
  },
});
