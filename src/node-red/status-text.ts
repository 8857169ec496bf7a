/**
 * An error as a node's status shows it: Node-RED draws the status under the node on the canvas, so it is kept short
 * (STATUS_CHARS); the whole message goes to the debug sidebar. A "did you mean …?" hint, which errors give last, is
 * kept whole where it fits: cut at the end, it was the part lost (`models/pump-hybird` → "did you mean
 * models/pump-hybrid?").
 */
export const STATUS_CHARS = 60;

export function statusText(message: string, max = STATUS_CHARS): string {
  if (message.length <= max) return message;
  const hint = /did you mean [^?]*\?/.exec(message)?.[0];
  if (hint !== undefined && hint.length + 12 <= max) return `${message.slice(0, max - hint.length - 2)}… ${hint}`;
  return `${message.slice(0, max - 1)}…`;
}
