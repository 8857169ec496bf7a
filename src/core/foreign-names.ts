/**
 * Names another tool gives our keys and values, for `did you mean …?` where nearest-name.ts finds nothing: a
 * configuration moved from Telegraf's Modbus input (`slave_id`, `data_type`, `byte_order = "AB"`, `parity = "N"`)
 * names the same things otherwise. Each is offered only where the object takes the key, or the key takes the value,
 * it stands for. Pure.
 */

/** A name of ours that another tool's name stands for, and whose that name is. */
export interface ForeignName {
  readonly ours: string;
  readonly tool: string;
}

const TELEGRAF = "Telegraf's Modbus input";

/** Keys by their name in another tool. */
const KEYS: Readonly<Record<string, ForeignName>> = {
  slave_id: { ours: 'unit_id', tool: TELEGRAF },
  data_type: { ours: 'type', tool: TELEGRAF },
  // A register's (or an OPC UA node's) `name` in Telegraf is its field: the channel here.
  name: { ours: 'channel', tool: 'Telegraf' },
};

/** Values by the key that takes them, by their name in another tool. */
const VALUES: Readonly<Record<string, Readonly<Record<string, ForeignName>>>> = {
  parity: {
    N: { ours: 'none', tool: TELEGRAF },
    E: { ours: 'even', tool: TELEGRAF },
    O: { ours: 'odd', tool: TELEGRAF },
  },
  // Telegraf names a 16-bit order by two letters and a 64-bit one by eight; ours name any width by four.
  byte_order: {
    AB: { ours: 'ABCD', tool: TELEGRAF },
    BA: { ours: 'BADC', tool: TELEGRAF },
    ABCDEFGH: { ours: 'ABCD', tool: TELEGRAF },
    BADCFEHG: { ours: 'BADC', tool: TELEGRAF },
    GHEFCDAB: { ours: 'CDAB', tool: TELEGRAF },
    HGFEDCBA: { ours: 'DCBA', tool: TELEGRAF },
  },
  type: {
    'FLOAT32-IEEE': { ours: 'float32', tool: TELEGRAF },
    'FLOAT64-IEEE': { ours: 'float64', tool: TELEGRAF },
  },
};

/** The key of ours that `typed` names in another tool, where the object takes it (`known`). */
export function foreignKey(typed: string, known: readonly string[]): ForeignName | undefined {
  const name = Object.hasOwn(KEYS, typed) ? KEYS[typed] : undefined;
  return name && known.includes(name.ours) && !known.includes(typed) ? name : undefined;
}

/** The value of ours that `typed`, given to `key`, names in another tool, where the key takes it (`allowed`). */
export function foreignValue(
  key: PropertyKey | undefined,
  typed: string,
  allowed: readonly string[],
): ForeignName | undefined {
  const values = typeof key === 'string' && Object.hasOwn(VALUES, key) ? VALUES[key] : undefined;
  const name = values && Object.hasOwn(values, typed.toUpperCase()) ? values[typed.toUpperCase()] : undefined;
  return name && allowed.includes(name.ours) ? name : undefined;
}

/** How a hint says whose name it was: ` (N in Telegraf's Modbus input)`. */
export function foreignNameNote(typed: string, name: ForeignName): string {
  return ` (${JSON.stringify(typed)} in ${name.tool})`;
}
