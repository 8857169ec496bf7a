/**
 * What an MQTT message is worth (pure, no client): which tags a topic feeds (MQTT's `+` and `#`
 * filters), and each tag's value and timestamp from a JSON payload. Everything that arrives is
 * taken as hostile: a payload over the size bound is not parsed, one that is not JSON is refused,
 * and a value must be a finite number, a boolean (1/0) or a string that is exactly a decimal
 * number; a timestamp must be epoch milliseconds or ISO 8601 with a zone. A tag whose value or
 * timestamp does not pass comes back with the problem, for a `bad` sample. A value that is not there (its field
 * missing, or JSON null: a historian's missed sample, a device that sends only what changed) is no reading at all
 * (`absent`): the message says nothing new of that tag, as a Modbus poll that skips a register does not overwrite it.
 */
import { describeJson, timestampOf } from '../../core/json-values.js';
import { shownTopic } from '../../core/mqtt-packet-bound.js';
import { topicMatches } from '../../core/mqtt-topics.js';

export { topicMatches };

/** How a message went wrong, as the source counts it (`kind` of linewatch_source_errors_total). */
export const MESSAGE_PROBLEMS = ['too_large', 'not_json', 'bad_value', 'missing_value'] as const;
export type MessageProblem = (typeof MESSAGE_PROBLEMS)[number];

/** A configured tag, ready for messages: its topic filter and its field paths split at the dots. */
export interface TagPaths {
  readonly topic: string;
  readonly field?: readonly string[];
  readonly timestampField?: readonly string[];
}

/**
 * One tag's reading of a message: a number (NaN with `problem` set when it is bad) and its time; or none (`absent`,
 * value NaN) where the message has no value for it.
 */
export interface TagReading {
  /** The tag's position in the list given to decodeMessage. */
  readonly tag: number;
  readonly value: number;
  readonly ts: number;
  readonly problem?: string;
  /** The tag's value is not in the message: its field ("field values.flow", "payload") and how ("missing", "null"). */
  readonly absent?: AbsentValue;
}

/** Where a message holds no value for a tag. */
export interface AbsentValue {
  /** The field in words, as problems name it: "field values.flow", or "payload" for a tag without one. */
  readonly field: string;
  readonly how: 'missing' | 'null';
}

export interface DecodedMessage {
  /** A reading for every tag whose filter matches the topic, in the tags' order. */
  readonly readings: readonly TagReading[];
  /** Set when the message, or a tag's value in it, is bad: what to count (an absent value is the reading's own). */
  readonly kind?: MessageProblem;
  /** Why, in words, for the log (the payload-level problem, or the first tag's). */
  readonly problem?: string;
}

/** Why a topic filter cannot be subscribed to, or undefined when it can. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'empty';
  if (filter.includes('\u0000')) return 'a NUL character';
  if (filter.startsWith('$share/')) return 'shared subscriptions ($share/...) are not supported';
  const levels = filter.split('/');
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '"#" must be the whole last level';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return undefined;
}

/** The value at a dotted path (already split): object keys, and list items by index ("values.0"). */
export function valueAt(doc: unknown, path: readonly string[]): { found: true; value: unknown } | { found: false } {
  let at: unknown = doc;
  for (const key of path) {
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(key) || Number(key) >= at.length) return { found: false };
      at = at[Number(key)];
    } else if (typeof at === 'object' && at !== null && Object.hasOwn(at, key)) {
      at = (at as Record<string, unknown>)[key];
    } else return { found: false };
  }
  return { found: true, value: at };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A JSON value in words, for a problem: `a string ("abc")`, `an object`, `null`. */
/** A tag's value from its JSON: a finite number, a boolean as 1/0, or a string that is a decimal number. */
export function numberOf(raw: unknown): { value: number } | { problem: string } {
  if (typeof raw === 'boolean') return { value: raw ? 1 : 0 };
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : undefined;
  if (value === undefined) return { problem: `expected a number, got ${describeJson(raw)}` };
  // JSON has no Infinity, but 1e999 parses to it.
  if (!Number.isFinite(value))
    return { problem: `expected a finite number, got ${typeof raw === 'string' ? JSON.stringify(raw) : String(raw)}` };
  return { value };
}

/** Where a tag's value or timestamp is, in words: "field values.flow", or "payload" (the payload is the value). */
export const fieldName = (path: readonly string[] | undefined) => (path ? `field ${path.join('.')}` : 'payload');

/**
 * One tag's reading from a parsed payload: bad where its timestamp or value is unreadable; absent where its value is
 * missing or null and its timestamp (if any) is readable.
 */
function readTag(doc: unknown, tag: TagPaths, index: number, receivedAt: number): TagReading {
  let ts = receivedAt;
  let problem: string | undefined;
  if (tag.timestampField) {
    const at = valueAt(doc, tag.timestampField);
    const t = at.found ? timestampOf(at.value) : { problem: 'missing' };
    if ('ts' in t) ts = t.ts;
    else problem = `${fieldName(tag.timestampField)}: ${t.problem}`;
  }
  const at = tag.field ? valueAt(doc, tag.field) : { found: true as const, value: doc };
  const how = !at.found ? 'missing' : at.value === null ? 'null' : undefined;
  if (how !== undefined) {
    const field = fieldName(tag.field);
    return problem === undefined
      ? { tag: index, value: Number.NaN, ts, absent: { field, how } }
      : { tag: index, value: Number.NaN, ts, problem: `${problem}; ${field}: ${how}` };
  }
  const v = numberOf((at as { value: unknown }).value);
  if ('problem' in v) problem = `${fieldName(tag.field)}: ${v.problem}`;
  return problem === undefined
    ? { tag: index, value: (v as { value: number }).value, ts }
    : { tag: index, value: Number.NaN, ts, problem };
}

/** The places of the tags whose filter matches a topic. */
function matchingTags(topic: string, tags: readonly TagPaths[]): number[] {
  const matching: number[] = [];
  tags.forEach((t, i) => {
    if (topicMatches(t.topic, topic)) matching.push(i);
  });
  return matching;
}

/**
 * What a message refused whole (`problem` says why) gives the tags its topic feeds: a bad reading each; the kind and
 * problem also where it feeds none (the refusal is still counted).
 */
export function refusedMessage(
  topic: string,
  tags: readonly TagPaths[],
  receivedAt: number,
  kind: MessageProblem,
  problem: string,
): DecodedMessage {
  return refused(matchingTags(topic, tags), receivedAt, kind, problem);
}

function refused(matching: number[], receivedAt: number, kind: MessageProblem, problem: string): DecodedMessage {
  return { kind, problem, readings: matching.map((tag) => ({ tag, value: Number.NaN, ts: receivedAt, problem })) };
}

/**
 * The readings a message gives the tags whose topic filter matches its topic (none: the message
 * is not for this source). A payload over `maxBytes` or not JSON gives every such tag a bad
 * reading at `receivedAt`; otherwise each tag is read on its own, so one bad field spoils only
 * its own tag, and one missing or null leaves only its own tag without a reading.
 */
export function decodeMessage(
  topic: string,
  payload: Uint8Array,
  tags: readonly TagPaths[],
  receivedAt: number,
  maxBytes: number,
): DecodedMessage {
  const matching = matchingTags(topic, tags);
  if (matching.length === 0) return { readings: [] };
  const refuse = (kind: MessageProblem, problem: string) => refused(matching, receivedAt, kind, problem);
  // Said in each sample's reason, stored with it: a publisher's 64 KiB topic is not (shownTopic).
  const where = shownTopic(topic);
  if (payload.byteLength > maxBytes)
    return refuse(
      'too_large',
      `${where}: a payload of ${payload.byteLength} bytes is over max_payload_bytes (${maxBytes})`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    return refuse('not_json', `${where}: the payload is not JSON`);
  }
  const readings = matching.map((i) => {
    const r = readTag(doc, tags[i], i, receivedAt);
    return r.problem === undefined ? r : { ...r, problem: `${where}: ${r.problem}` };
  });
  const bad = readings.find((r) => r.problem !== undefined);
  return bad ? { readings, kind: 'bad_value', problem: bad.problem } : { readings };
}
