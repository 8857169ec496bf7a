/**
 * An operator command carried by a Node-RED message (msg.command, msg.by, msg.comment, msg.duration_s, each also
 * accepted in msg.payload), as the alarm node applies it and the daemon node sends it to the gateway: checked here,
 * each problem naming the message field, so a command the gateway would refuse never leaves the flow (the same bounds
 * on who and why: core/operator-fields.ts).
 */
import { controlProblem, MAX_BY_CHARS, MAX_COMMENT_CHARS } from '../core/operator-fields.js';
import { OPERATOR_COMMANDS, type OperatorCommand } from '../core/types.js';
import type { NodeMessage } from './red-api.js';

export interface OperatorCommandMessage {
  readonly command: OperatorCommand;
  /** Who, trimmed. */
  readonly by: string;
  readonly comment?: string;
  /** Only for shelve (required there, over 0). */
  readonly durationS?: number;
}

/** The message's payload where it is an object, else an empty one (fields are read from msg first). */
export function payloadFields(msg: NodeMessage): Record<string, unknown> {
  return (msg.payload !== null && typeof msg.payload === 'object' ? msg.payload : {}) as Record<string, unknown>;
}

/**
 * A shelve's duration as its error shows it: text quoted and named as text (an inject node's properties are strings
 * unless set as numbers, and `got 60` read as if 60 were refused), cut to 40 characters.
 */
function durationShown(duration: unknown): string {
  if (duration === undefined) return 'none';
  if (typeof duration !== 'string') return String(duration);
  const cut = duration.length > 40 ? `${duration.slice(0, 40)}…` : duration;
  return `the text ${JSON.stringify(cut)}: set it as a number (an inject or change node's type 0-9), not a string`;
}

/** The command in `msg`; undefined where it carries none; throws naming the field that is wrong. */
export function operatorCommandOf(msg: NodeMessage): OperatorCommandMessage | undefined {
  const p = payloadFields(msg);
  const command = msg.command ?? p.command;
  if (command === undefined) return undefined;
  if (!OPERATOR_COMMANDS.includes(command as OperatorCommand))
    throw new Error(`msg.command: "${String(command)}" is not one of ${OPERATOR_COMMANDS.join(', ')}`);
  const by = msg.by ?? p.by;
  if (typeof by !== 'string' || by.trim() === '')
    throw new Error(`msg.by: who is doing "${String(command)}" (a name or badge) is required`);
  if (by.trim().length > MAX_BY_CHARS)
    throw new Error(`msg.by: at most ${MAX_BY_CHARS} characters, who is doing "${String(command)}" (a name or badge)`);
  const byControl = controlProblem(by.trim(), false);
  if (byControl !== undefined) throw new Error(`msg.by: ${byControl}`);
  const comment = msg.comment ?? p.comment;
  if (comment !== undefined && typeof comment !== 'string')
    throw new Error(`msg.comment: expected text, got ${typeof comment}`);
  if (typeof comment === 'string' && comment.length > MAX_COMMENT_CHARS)
    throw new Error(`msg.comment: at most ${MAX_COMMENT_CHARS} characters`);
  const commentControl = typeof comment === 'string' ? controlProblem(comment, true) : undefined;
  if (commentControl !== undefined) throw new Error(`msg.comment: ${commentControl}`);
  const duration = msg.duration_s ?? p.duration_s;
  // Infinity passes `> 0`, and JSON sends it to the gateway as null ("duration_s: required").
  if (command === 'shelve' && (typeof duration !== 'number' || !Number.isFinite(duration) || !(duration > 0)))
    throw new Error(`msg.duration_s: shelve needs a positive number of seconds, got ${durationShown(duration)}`);
  return {
    command: command as OperatorCommand,
    by: by.trim(),
    ...(typeof comment === 'string' ? { comment } : {}),
    ...(command === 'shelve' ? { durationS: duration as number } : {}),
  };
}
