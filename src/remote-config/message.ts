/**
 * A signed configuration message, as it travels (MQTT payload, `linewatch config sign`'s file) and as it is kept in the
 * state folder: a first line with the base64 ed25519 signature, then the signed body, whose exact bytes the signature
 * covers: JSON `{"sequence": 7, "target": "press-3" | "*", "yaml": "<the configuration>"}`. The sequence and the target
 * are signed with the configuration, so an older message replayed, or one for another gateway moved to this one's
 * topic, is refused. Pure: the keys are read by the caller.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { nameSchema } from '../core/config-primitives.js';
import { formatIssues } from '../core/format-issues.js';
import { MAX_SIGNED_SEQUENCE } from '../core/sequence-ceiling.js';
import { signatureOf, signatureVerifies } from '../sync/release.js';

/** The target of a message for every gateway that takes it (the fleet topic's). */
export const FLEET_TARGET = '*';

/** The highest sequence a configuration may carry (core/sequence-ceiling.ts), refused above it when taken (here). */
export const MAX_CONFIG_SEQUENCE = MAX_SIGNED_SEQUENCE;

/** A signature line is 88 base64 characters; anything much longer is no signature. */
const MAX_SIGNATURE_LINE = 256;

export const configBodySchema = z.strictObject({
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  target: z.union([z.literal(FLEET_TARGET), nameSchema]),
  yaml: z.string().min(1),
});
export type ConfigBody = z.infer<typeof configBodySchema>;

export type RefusalCode =
  | 'too_large'
  | 'bad_message'
  | 'bad_signature'
  | 'wrong_target'
  | 'not_newer'
  | 'invalid_config'
  | 'protected_key'
  | 'path_changed'
  | 'credential_moved'
  | 'env_placeholder'
  /** The state folder's state.json cannot be read: every message is refused until an operator repairs it (store.ts). */
  | 'state_damaged';

/**
 * The longest reason a refusal gives: it is logged, published as the retained outcome and shown in /api/status. A
 * signed configuration of 240 kB with thousands of problems gave one of 1 MB, over a broker's packet limit (128 to 256
 * kB on managed brokers): the broker closed the connection, and the client sent it again at each reconnection.
 */
export const MAX_REASON_CHARS = 4096;

/** `text` within MAX_REASON_CHARS: cut at a line's end where one is near, saying how much was left out. */
function bounded(text: string): string {
  if (text.length <= MAX_REASON_CHARS) return text;
  const room = MAX_REASON_CHARS - 100;
  const lineEnd = text.lastIndexOf('\n', room);
  const cut = lineEnd > room / 2 ? lineEnd : room;
  return `${text.slice(0, cut)}\n  … (${text.length - cut} more characters: run linewatch validate on the configuration for all of it)`;
}

/** Why a configuration message is not taken: a code for the cloud and a sentence naming what is wrong (bounded). */
export class ConfigRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** The refused message's sequence, where it was read (not_newer). */
    readonly sequence?: number,
  ) {
    super(bounded(message));
    this.name = 'ConfigRefused';
  }
}

/** The message's bytes for `body`, signed with `key`. */
export function signConfigMessage(body: ConfigBody, key: KeyObject): Buffer {
  const signed = Buffer.from(JSON.stringify(body));
  return Buffer.concat([Buffer.from(`${signatureOf(signed, key)}\n`), signed]);
}

/**
 * The verified body of a message from `origin` (a topic, a file), or a ConfigRefused: over `maxBytes` (unread past
 * it), no signature line, a signature none of `keys` verifies, a body that is not the JSON above, or a target that is
 * neither `gateway` nor the fleet. Nothing of the body is looked at before its signature verifies.
 */
export function openConfigMessage(
  bytes: Uint8Array,
  origin: string,
  keys: readonly KeyObject[],
  gateway: string,
  maxBytes: number,
): ConfigBody {
  if (bytes.length > maxBytes)
    throw new ConfigRefused(
      'too_large',
      `${origin}: ${bytes.length} bytes, over cloud.remote_config.max_message_bytes ${maxBytes}`,
    );
  const buffer = Buffer.from(bytes);
  const newline = buffer.indexOf(0x0a);
  if (newline < 1 || newline > MAX_SIGNATURE_LINE)
    throw new ConfigRefused(
      'bad_message',
      `${origin}: no signature line: a configuration message is the signature's line, then the signed body (linewatch config sign writes it)`,
    );
  const body = buffer.subarray(newline + 1);
  if (!signatureVerifies(body, buffer.subarray(0, newline), keys))
    throw new ConfigRefused(
      'bad_signature',
      `${origin}: the signature does not verify against cloud.remote_config.public_key_file${keys.length > 1 ? ` (${keys.length} keys)` : ''}: the body changed since it was signed, or another key signed it`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ConfigRefused('bad_message', `${origin}: the signed body is not JSON`);
  }
  const parsed = configBodySchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigRefused(
      'bad_message',
      `${origin}: the signed body: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  const { target, sequence } = parsed.data;
  if (sequence > MAX_CONFIG_SEQUENCE)
    throw new ConfigRefused(
      'bad_message',
      `${origin}: sequence ${sequence}, above the ceiling ${MAX_CONFIG_SEQUENCE} (2^52): no higher sequence could follow it; sign it with a sequence from 1 to ${MAX_CONFIG_SEQUENCE}`,
      sequence,
    );
  if (target !== FLEET_TARGET && target !== gateway)
    throw new ConfigRefused(
      'wrong_target',
      `${origin}: signed for gateway ${target}, and this is ${gateway}: a message is taken by the gateway it names, or by all with target "${FLEET_TARGET}"`,
    );
  return parsed.data;
}
