/**
 * Turns Node-RED messages from other nodes into linewatch samples (pure). Three shapes:
 *
 *   object     msg.payload = { channel: value, ... } (a function node, MQTT JSON, linewatch itself)
 *   topic      msg.payload = value, the channel is msg.topic mapped through `topics` or taken as is
 *              (node-red-contrib-opcua: topic = node id, msg.statusCode, msg.sourceTimestamp)
 *   registers  msg.payload = [uint16, ...] (node-red-contrib-modbus read/getter), decoded by a
 *              register list: one line per channel "channel offset type [byte_order] [scale]"
 *
 *              (a whole OPC UA DataValue as the payload, as contrib-opcua's "multiple" subscription
 *              sends it, is unwrapped: value, statusCode and sourceTimestamp)
 * Time: msg.timestamp (ms or ISO text), else msg.sourceTimestamp, msg.serverTimestamp, else now.
 * Quality: msg.quality (good|uncertain|bad), else from an OPC UA msg.statusCode, else good.
 */
import type { Quality, Sample } from '../core/types.js';
import { decodeRegisters, registerCount, toEngineering } from '../sources/modbus/encoding.js';
import type { RegisterField } from './register-list.js';
import type { NodeMessage } from './red-api.js';
import { describeJson, deviceStamp, timestampOf } from '../core/json-values.js';

export const INPUT_FORMATS = ['object', 'topic', 'registers'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export { parseRegisterFields, type RegisterField } from './register-list.js';

/** Parses "topic = channel" lines (OPC UA node ids to channel names). */
export function parseTopicMap(textValue: string): Map<string, string> {
  const map = new Map<string, string>();
  textValue.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.lastIndexOf('=');
    if (eq <= 0 || eq === line.length - 1)
      throw new Error(`topic map line ${i + 1} ("${line}"): expected "topic = channel"`);
    map.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return map;
}

/**
 * `msg.timestamp`, where set: epoch milliseconds, an ISO 8601 time with a zone, or a Date; anything else is refused by
 * name (a typo, epoch seconds, "March 7" would put the sample decades off and stall the window's batching).
 */
function messageTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const t = timestampOf(value instanceof Date ? value.getTime() : value);
  if ('problem' in t) throw new Error(`msg.timestamp: ${t.problem}`);
  return t.ts;
}

/** An OPC UA DataValue's timestamp: none where unset, unreadable or before 2000 (MinDateTime, a clock never set). */
function dataValueTime(value: unknown): number | undefined {
  const t = timestampOf(value instanceof Date ? value.getTime() : value);
  return 'ts' in t ? deviceStamp(t.ts) : undefined;
}

function qualityOf(msg: NodeMessage): Quality {
  if (msg.quality === 'good' || msg.quality === 'uncertain' || msg.quality === 'bad') return msg.quality;
  const status = msg.statusCode as { name?: unknown; value?: unknown } | string | number | undefined;
  if (status === undefined || status === null) return 'good';
  const name =
    typeof status === 'string'
      ? status
      : typeof status === 'object' && typeof status.name === 'string'
        ? status.name
        : undefined;
  if (name !== undefined) return /^good/i.test(name) ? 'good' : /^uncertain/i.test(name) ? 'uncertain' : 'bad';
  // A numeric OPC UA status: the top two bits are the severity (00 good, 01 uncertain, 1x bad).
  const code = typeof status === 'number' ? status : Number(typeof status === 'object' ? status.value : NaN);
  if (!Number.isFinite(code)) return 'good';
  const severity = code >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

function numeric(value: unknown, what: string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new Error(`${what}: expected a number or boolean, got ${describeJson(value)}`);
}

export interface MessageFormat {
  readonly format: InputFormat;
  readonly asset: string;
  readonly registers?: readonly RegisterField[];
  readonly topics?: ReadonlyMap<string, string>;
  /**
   * Channels whose value may be a word (the running condition's mode word, `RUN`): kept as the sample's text, as the
   * gateway keeps a string tag's. Any other channel's word is refused.
   */
  readonly textChannels?: ReadonlySet<string>;
}

/** A payload that is an OPC UA DataValue ({value: {dataType, value}, statusCode, sourceTimestamp}) → a plain message.
 * */
function unwrapDataValue(msg: NodeMessage): NodeMessage {
  const p = msg.payload as {
    value?: { value?: unknown };
    statusCode?: unknown;
    sourceTimestamp?: unknown;
    serverTimestamp?: unknown;
  } | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    Array.isArray(p) ||
    p.value === null ||
    typeof p.value !== 'object' ||
    !('value' in p.value)
  )
    return msg;
  return {
    ...msg,
    payload: p.value.value,
    statusCode: msg.statusCode ?? p.statusCode,
    sourceTimestamp: msg.sourceTimestamp ?? p.sourceTimestamp,
    serverTimestamp: msg.serverTimestamp ?? p.serverTimestamp,
  };
}

/** The samples in one message; throws with what is wrong about it. */
export function samplesFromMessage(msg: NodeMessage, f: MessageFormat, now: number): Sample[] {
  if (f.format === 'topic') msg = unwrapDataValue(msg);
  const ts =
    messageTime(msg.timestamp) ?? dataValueTime(msg.sourceTimestamp) ?? dataValueTime(msg.serverTimestamp) ?? now;
  const quality = qualityOf(msg);
  const sample = (channel: string, value: number, text?: string): Sample => ({
    source: 'node-red',
    asset: f.asset,
    channel,
    ts,
    received: now,
    value,
    quality,
    ...(text !== undefined ? { text } : {}),
  });
  // A word where the channel may take one (a mode word), else the value as a number.
  const reading = (channel: string, value: unknown, what: string): Sample =>
    typeof value === 'string' && f.textChannels?.has(channel) && !Number.isFinite(Number(value))
      ? sample(channel, Number.NaN, value)
      : sample(channel, numeric(value, what));
  const { payload } = msg;
  if (f.format === 'object') {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      throw new Error(
        `msg.payload: expected an object of channel values like {"flow": 12.5}, got ${Array.isArray(payload) ? `an array of ${payload.length} (registers from a Modbus read: set Input to "Modbus registers array" and list them)` : typeof payload}`,
      );
    return Object.entries(payload as Record<string, unknown>).map(([channel, value]) =>
      reading(channel, value, `msg.payload.${channel}`),
    );
  }
  if (f.format === 'topic') {
    const topic = typeof msg.channel === 'string' ? msg.channel : msg.topic;
    if (typeof topic !== 'string' || topic === '')
      throw new Error('msg.topic: expected the channel name (or an OPC UA node id listed in the topic map)');
    const channel = f.topics?.get(topic) ?? topic;
    // Bad-quality values may be null or text: keep the sample, marked bad, so the window is incomplete.
    if (quality === 'good') return [reading(channel, payload, `msg.payload (${topic})`)];
    return [sample(channel, typeof payload === 'number' ? payload : Number.NaN)];
  }
  if (!Array.isArray(payload))
    throw new Error(`msg.payload: expected the array of registers a Modbus read returns, got ${typeof payload}`);
  const words = payload as unknown[];
  return (f.registers ?? []).map((r) => {
    const count = registerCount(r.type);
    if (r.offset + count > words.length)
      throw new Error(
        `register list: ${r.channel} at offset ${r.offset} needs ${count} register(s), msg.payload has ${words.length}`,
      );
    const slice = words.slice(r.offset, r.offset + count).map((w, i) => {
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffff)
        throw new Error(`msg.payload[${r.offset + i}]: expected a 16-bit register value, got ${JSON.stringify(w)}`);
      return w;
    });
    // Scaled as the gateway's Modbus source scales: a decimal scale reads as written (0.0293, not 0.0293000...03).
    return sample(r.channel, toEngineering(r.scale, 0)(decodeRegisters(slice, r.type, r.order, r.bit)));
  });
}
