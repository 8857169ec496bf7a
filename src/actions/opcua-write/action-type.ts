/** opcua_write: drives an OPC UA node from the alarm (like modbus_write), through an opcua source's session. */
import { z } from 'zod';
import { nameSchema as name } from '../../core/config-primitives.js';
import { OpcuaTypeMismatch } from '../../sources/opcua/type-mismatch.js';
import { typeMismatchAdvice, type SentSetting } from './type-mismatch-advice.js';
import { actionName, actionRetry, activeStatesSchema, defineAction, isActive, triggerLabel } from '../action-type.js';

/** What an opcua_write action needs of a source. */
export interface OpcuaWriter {
  write(nodeId: string, value: number | boolean): Promise<void>;
}

export const opcuaWriteActionSchema = z
  .strictObject({
    type: z.literal('opcua_write'),
    name: actionName,
    source: name.describe('An opcua source: its session carries the write.'),
    node_id: z.string().min(1).describe('The node written, e.g. ns=2;s=Pump1.AlarmLamp.'),
    value_active: z
      .union([z.number(), z.boolean()])
      .default(true)
      .describe('Written while the alarm is in active_states.'),
    value_inactive: z.union([z.number(), z.boolean()]).default(false).describe('Written otherwise.'),
    active_states: activeStatesSchema,
    ...actionRetry,
  })
  .describe('Drives an OPC UA node from the alarm, like modbus_write.');

export type OpcuaWriteActionConfig = z.infer<typeof opcuaWriteActionSchema>;

/**
 * A write the server refused as BadTypeMismatch, with what to set (type-mismatch-advice.ts): the node's DataType and
 * ValueRank where the source read them at the refusal (regression: `write ns=2;s=Pump1.flow: BadTypeMismatch` alone).
 */
function typeRefused(err: unknown, value: number | boolean, where: string, setting: SentSetting): unknown {
  const message = (err as Error | undefined)?.message ?? '';
  if (!/\bBadTypeMismatch\b/.test(message)) return err;
  const known = err instanceof OpcuaTypeMismatch ? err : undefined;
  const sent = known?.sent ?? { type: typeof value === 'boolean' ? 'Boolean' : 'number', value };
  return new Error(`${message} (${typeMismatchAdvice(known?.node, sent, where, setting)})`, { cause: err });
}

export const opcuaWriteActionType = defineAction({
  type: 'opcua_write',
  schema: opcuaWriteActionSchema,
  follows: true,
  writeProtocol: 'opcua',
  sample: `# The alarm lamp of the HMI, a boolean node on the server read by source line-plc.
type: opcua_write
source: line-plc
node_id: "ns=2;s=Pump2.AlarmLamp"
value_active: true
value_inactive: false
`,
  driver(c, { writer, where }) {
    let lastWritten: number | boolean | undefined;
    return {
      job(t, o) {
        const ua = writer as OpcuaWriter | undefined;
        const setting: SentSetting = isActive(c, t, c.active_states) ? 'value_active' : 'value_inactive';
        const value = c[setting];
        if (!ua) return undefined;
        return {
          what: triggerLabel(t),
          describe: `${c.node_id} := ${value} on ${c.source}`,
          run: async () => {
            if (lastWritten === value && !o?.rewrite) return 'unchanged';
            await ua.write(c.node_id, value).catch((err: unknown) => {
              throw typeRefused(err, value, where ?? 'this opcua_write action', setting);
            });
            lastWritten = value;
          },
        };
      },
    };
  },
});
