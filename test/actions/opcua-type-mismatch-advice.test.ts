/** What an opcua_write refused as BadTypeMismatch says to set, by what the node takes and what was sent (pure). */
import { describe, expect, it } from 'vitest';
import { typeMismatchAdvice } from '../../src/actions/opcua-write/type-mismatch-advice.js';
import { nodeTypeText, type NodeTypeFacts } from '../../src/sources/opcua/type-mismatch.js';

const w = 'assets[1].alarm.actions[0]';
const scalar = (typeName: string, base: string, kind: NodeTypeFacts['kind']): NodeTypeFacts => ({
  typeName,
  base,
  kind,
  valueRank: -1,
});

describe('typeMismatchAdvice', () => {
  it.each([
    [
      'a number to a Boolean node, sent for value_inactive',
      scalar('Boolean (i=1)', 'Boolean', 'boolean'),
      { type: 'Double', value: 0 },
      'value_inactive',
      `for a Boolean node give true/false, ${w}.value_active: true and value_inactive: false`,
    ],
    [
      'a number refused by a numeric node (its type changed on the server)',
      scalar('Int16 (i=4)', 'Int16', 'numeric'),
      { type: 'Int16', value: 1 },
      'value_active',
      `${w}.value_active was sent as the built-in type the node's DataType is built on and the server refused it: ` +
        `the node's type may have changed on the server since it was read (the next write reads it again)`,
    ],
    [
      'a boolean to an abstract node',
      scalar('BaseDataType (i=24)', 'Variant', 'abstract'),
      { type: 'Boolean', value: false },
      'value_inactive',
      `its DataType is abstract and the server takes only some of the types it allows: set ${w}.value_inactive to a ` +
        `number if the node holds numbers, or set ${w}.node_id to a Boolean or numeric node`,
    ],
    [
      'a boolean where the DataType could not be read',
      { kind: 'unknown', unreadable: 'BadUserAccessDenied' },
      { type: 'Boolean', value: true },
      'value_active',
      `true/false is written as a Boolean, which the node's DataType does not take: for a numeric node give numbers, ` +
        `${w}.value_active: 1 and value_inactive: 0`,
    ],
    [
      'a number where the DataType could not be read',
      { kind: 'unknown', unreadable: 'BadUserAccessDenied' },
      { type: 'Double', value: 2 },
      'value_active',
      `${w}.value_active was sent as a Double; the node's DataType could not be read to say what it takes`,
    ],
  ] as const)('%s', (_, node, sent, setting, advice) => {
    expect(typeMismatchAdvice(node, sent, w, setting)).toBe(advice);
  });
});

describe('nodeTypeText', () => {
  it.each([
    [scalar('Duration (i=290)', 'Double', 'numeric'), 'Duration (i=290), built on Double, a scalar (ValueRank -1)'],
    [
      { kind: 'unknown', unreadable: 'BadAttributeIdInvalid', valueRank: -2 } as const,
      'a DataType that could not be read (BadAttributeIdInvalid), a scalar or an array (ValueRank -2)',
    ],
    [
      { typeName: 'ns=3;i=7', kind: 'unknown', unreadable: 'its supertypes loop back to ns=3;i=7' } as const,
      'ns=3;i=7 (not followed to a built-in type: its supertypes loop back to ns=3;i=7)',
    ],
  ])('%j', (node, text) => {
    expect(nodeTypeText(node)).toBe(text);
  });
});
