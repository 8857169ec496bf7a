/**
 * The window node's register list (Input: Modbus registers array): one line per channel, `channel offset type
 * [byte_order] [scale]`, each problem naming its line. One rule for the runtime and the edit dialog: the dialog runs
 * this very function, served to the editor by registerListScript (its body uses only its parameters, so its source runs
 * alone in the browser, bundled or not).
 */
import { BYTE_ORDERS, REGISTER_TYPES, type ByteOrder, type RegisterType } from '../sources/modbus/encoding.js';

export interface RegisterField {
  readonly channel: string;
  readonly offset: number;
  readonly type: RegisterType;
  readonly order: ByteOrder;
  readonly scale: number;
  readonly bit: number;
}

/**
 * The register list's lines as fields, with the types and byte orders it takes; throws naming the line. Self-contained
 * (no module name in its body): registerListScript sends its source to the editor.
 */
function registerFieldsOf(
  textValue: string,
  types: readonly RegisterType[],
  orders: readonly ByteOrder[],
): RegisterField[] {
  const fields: RegisterField[] = [];
  textValue.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const where = `register list line ${i + 1} ("${line}")`;
    const [channel, offsetText, typeText = 'uint16', ...rest] = line.split(/\s+/);
    const offset = Number(offsetText);
    if (!Number.isInteger(offset) || offset < 0)
      throw new Error(`${where}: offset "${offsetText ?? ''}" must be a register index from 0`);
    const [type, bitText] = typeText.split('.') as [RegisterType, string | undefined];
    if (!types.includes(type))
      throw new Error(`${where}: type "${typeText}" is not one of ${types.join(', ')} (bit.N for bit N)`);
    let order: ByteOrder = 'ABCD';
    let scale = 1;
    for (const token of rest) {
      if (orders.includes(token as ByteOrder)) order = token as ByteOrder;
      else if (Number.isFinite(Number(token))) scale = Number(token);
      else throw new Error(`${where}: "${token}" is neither a byte order (${orders.join(', ')}) nor a scale`);
    }
    const bit = bitText === undefined ? 0 : Number(bitText);
    if (!Number.isInteger(bit) || bit < 0 || bit > 15) throw new Error(`${where}: bit "${bitText}" must be 0..15`);
    if (fields.some((f) => f.channel === channel)) throw new Error(`${where}: channel ${channel} is listed twice`);
    fields.push({ channel, offset, type, order, scale, bit });
  });
  if (fields.length === 0)
    throw new Error('register list: empty; one line per channel: "channel offset type [byte_order] [scale]"');
  return fields;
}

/** Parses the register list; every problem names its line. */
export function parseRegisterFields(textValue: string): RegisterField[] {
  return registerFieldsOf(textValue, REGISTER_TYPES, BYTE_ORDERS);
}

/**
 * Where the register list has no line for a channel of the window (each would be missing from every row): the
 * problem, naming them, as the deploy refuses it and the window dialog shows it; undefined where every one has a line.
 */
export function unreadChannels(channels: readonly string[], registers: readonly RegisterField[]): string | undefined {
  const unread = channels.filter((c) => !registers.some((r) => r.channel === c));
  return unread.length === 0
    ? undefined
    : `register list: no line for ${unread.join(', ')} (the window takes ${channels.join(', ')}): ` +
        'without one every window would be incomplete';
}

/**
 * Of a part window (cycle) whose register list has no line for its trigger or its part id (set, or taken from its part
 * model): the problem, as the deploy refuses it; undefined where both have one, or for a sliding window. Regression
 * (qiwalk-s39): a model trained with the serial number as its part id, in a flow that reads registers (numbers only),
 * named its parts 1, 2, 3 where the gateway names them PRS-000123, and said nothing.
 */
export function unreadPartChannels(
  window: { readonly type: string; readonly trigger_channel?: string; readonly part_id_channel?: string },
  registers: readonly RegisterField[],
): string | undefined {
  if (window.type !== 'cycle') return undefined;
  const unread = (c: string | undefined) => c !== undefined && !registers.some((r) => r.channel === c);
  if (unread(window.trigger_channel))
    return `register list: no line for ${window.trigger_channel}, the parts' trigger: without one no part is cut`;
  if (unread(window.part_id_channel))
    return (
      `register list: no line for ${window.part_id_channel}, the part id: without one the parts are numbered 1, 2, … ` +
      'instead of named by it; a register list reads numbers, not text (a serial number): list a part counter and ' +
      'set Part id to it, or send the part id in object messages'
    );
  return undefined;
}

/** Where the editor loads the register list's rule from (relative to Node-RED's admin root). */
export const REGISTER_LIST_SCRIPT = 'linewatch/register-list.js';

/**
 * The browser script that gives the window dialog the runtime's rule: `window.linewatchRegisterFields(text)`, which
 * returns the fields or throws the runtime's error, is registerFieldsOf itself with the runtime's types and orders.
 */
export function registerListScript(): string {
  return [
    `// linewatch: the register list's rule, the runtime's own function (src/node-red/register-list.ts).`,
    `window.linewatchRegisterFields = (function () {`,
    `  var parse = ${registerFieldsOf.toString()};`,
    `  var types = ${JSON.stringify(REGISTER_TYPES)};`,
    `  var orders = ${JSON.stringify(BYTE_ORDERS)};`,
    `  return function (text) { return parse(String(text == null ? '' : text), types, orders); };`,
    `})();`,
    '',
  ].join('\n');
}
