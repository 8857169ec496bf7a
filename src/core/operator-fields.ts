import { firstControl } from './printable.js';

/**
 * Who did an operator command (a name or badge) and why, at most this long, wherever a command comes in: the HTTP API
 * (api/handlers.ts) and a Node-RED message (node-red/operator-command.ts), so that a flow refuses what the gateway
 * would. Each goes into the journal, the cloud and, for a model rollback, the model store's active.json, which is read
 * back only up to 64 KiB (a longer file loses its records and floor).
 */
export const MAX_BY_CHARS = 200;
export const MAX_COMMENT_CHARS = 2000;

/**
 * A control character in who or why, as a problem (without the field's name); undefined where there is none. A name is
 * one line of printable text; a comment may have line breaks and tabs. Each is shown where the command is recorded (the
 * alarm's event message, a webhook's chat message, the journal, a CSV, a terminal): a line break there forged a line
 * ("j.doe\nanomaly: reset by admin"), an escape sequence worked on a terminal, a bidi override (U+202E) showed another
 * name than the one recorded.
 */
export function controlProblem(text: string, lines: boolean): string | undefined {
  const found = firstControl(text, lines);
  return found && `a control character (${found.escaped}) at character ${found.at}: printable text only`;
}
