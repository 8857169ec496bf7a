/**
 * What to change in an opcua_write action whose write the server refused as BadTypeMismatch (pure): from what the node
 * takes (its DataType and ValueRank, read at the refusal: sources/opcua/type-mismatch.ts) and what was sent, the
 * setting to set, by its config path (`where`, e.g. assets[0].alarm.actions[2]). opcua_write has no data_type option:
 * a boolean is sent as a Boolean, a number as the built-in type the node's DataType is built on.
 */
import type { NodeTypeFacts, SentValue } from '../../sources/opcua/type-mismatch.js';

/** The setting whose value was sent: value_active while the alarm is in active_states, value_inactive otherwise. */
export type SentSetting = 'value_active' | 'value_inactive';

export function typeMismatchAdvice(
  node: NodeTypeFacts | undefined,
  sent: SentValue,
  where: string,
  setting: SentSetting,
): string {
  const numbers = (which: string) => `for ${which} give numbers, ${where}.value_active: 1 and value_inactive: 0`;
  const isBoolean = typeof sent.value === 'boolean';
  if (node === undefined || node.kind === 'unknown') {
    return isBoolean
      ? `true/false is written as a Boolean, which the node's DataType does not take: ${numbers('a numeric node')}`
      : `${where}.${setting} was sent as a ${sent.type}; the node's DataType could not be read to say what it takes`;
  }
  if (node.valueRank !== undefined && node.valueRank >= 0)
    return `opcua_write writes a single value, the node holds an array: set ${where}.node_id to a scalar node`;
  switch (node.kind) {
    case 'numeric':
      if (isBoolean) return numbers('this numeric node');
      return (
        `${where}.${setting} was sent as the built-in type the node's DataType is built on and the server refused ` +
        `it: the node's type may have changed on the server since it was read (the next write reads it again)`
      );
    case 'boolean':
      return isBoolean
        ? `the server refused a Boolean for a Boolean node: check the node's type on the server`
        : `for a Boolean node give true/false, ${where}.value_active: true and value_inactive: false`;
    case 'abstract':
      return (
        `its DataType is abstract and the server takes only some of the types it allows: set ${where}.${setting} to ` +
        `${isBoolean ? 'a number' : 'true/false'} if the node holds ${isBoolean ? 'numbers' : 'a Boolean'}, or set ` +
        `${where}.node_id to a Boolean or numeric node`
      );
    default:
      return (
        `opcua_write writes numbers and true/false, which a ${node.base ?? 'node of this type'} node does not take: ` +
        `set ${where}.node_id to a Boolean or numeric node`
      );
  }
}
