/**
 * A write the server refused as BadTypeMismatch, said with what the node takes: its DataType and ValueRank are read
 * once, at the refusal (write-types.ts, readRefusedType), and what linewatch sent. The error carries both as plain
 * words and numbers, no node-opcua type (this file loads no node-opcua), so an action can say which of its settings to
 * change (actions/opcua-write/type-mismatch-advice.ts). Pure.
 */

/** What a node takes, as far as the server said: `kind` sorts it by what opcua_write can write to it. */
export interface NodeTypeFacts {
  /** The DataType in words ("Double (i=11)"), where it could be read. */
  readonly typeName?: string;
  /** The built-in type it is built on ("Double"; "Variant" for an abstract one), where it could be followed. */
  readonly base?: string;
  readonly kind: 'boolean' | 'numeric' | 'abstract' | 'other' | 'unknown';
  /** The ValueRank attribute (-1 a scalar, 1 an array, ...), where it could be read. */
  readonly valueRank?: number;
  /** Why the DataType is not known (a status name, an error's first line), for `unknown`. */
  readonly unreadable?: string;
}

/** What linewatch sent: the built-in type's name ("Boolean", "Double") and the value. */
export interface SentValue {
  readonly type: string;
  readonly value: number | boolean;
}

/** ValueRank in words: scalar, array, or either. */
export function valueRankText(rank: number): string {
  if (rank === -1) return 'a scalar (ValueRank -1)';
  if (rank === -2) return 'a scalar or an array (ValueRank -2)';
  if (rank === -3) return 'a scalar or a one-dimensional array (ValueRank -3)';
  if (rank === 0) return 'an array of one or more dimensions (ValueRank 0)';
  return `an array of ${rank} dimension${rank === 1 ? '' : 's'} (ValueRank ${rank})`;
}

/** The node's type in words: "Duration (i=290), built on Double, a scalar (ValueRank -1)". Pure. */
export function nodeTypeText(node: NodeTypeFacts): string {
  const rank = node.valueRank !== undefined ? `, ${valueRankText(node.valueRank)}` : '';
  if (node.typeName === undefined)
    return `a DataType that could not be read (${node.unreadable ?? 'no reason given'})${rank}`;
  const base =
    node.kind === 'abstract'
      ? ', abstract'
      : node.base !== undefined && !node.typeName.startsWith(`${node.base} `)
        ? `, built on ${node.base}`
        : node.base === undefined
          ? ` (not followed to a built-in type: ${node.unreadable ?? 'no reason given'})`
          : '';
  return `${node.typeName}${base}${rank}`;
}

/** A write refused as BadTypeMismatch: the node, what it takes and what was sent. */
export class OpcuaTypeMismatch extends Error {
  constructor(
    readonly nodeId: string,
    readonly node: NodeTypeFacts,
    readonly sent: SentValue,
  ) {
    super(
      `write ${nodeId}: BadTypeMismatch: the node's DataType is ${nodeTypeText(node)}; linewatch sent ` +
        `${String(sent.value)} as a ${sent.type}`,
    );
    this.name = 'OpcuaTypeMismatch';
  }
}
