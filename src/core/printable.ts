/**
 * Text for a terminal: each control character (C0, line breaks included, DEL and C1) written as its escape (`\n`,
 * `\u001b`, `\u009b`), so that what came from outside (a store file, a release notice, an MQTT topic, a server's
 * error) is shown, never obeyed (an escape sequence clears the screen or writes the clipboard; a line break forges a
 * line).
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, escapeControl);
}

/**
 * As printable, but a line break (`\n`) and a tab are kept: for a message written in lines (a configuration's issues,
 * one a line) that quotes what came from outside (a CSV's header, a release manifest, a store's names).
 */
export function printableLines(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, escapeControl);
}

function escapeControl(c: string): string {
  return c < ' ' ? JSON.stringify(c).slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
