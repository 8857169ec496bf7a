// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal: each control character (C0, line breaks included, DEL and C1) and each bidirectional-text
 * control (U+061C, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069: a terminal reorders what follows them, as in
 * CVE-2021-42574) written as its escape (`\n`, `\u001b`, `\u009b`, `\u202e`), so that what came from outside (a store
 * file, a release notice, an MQTT topic, a CSV header, a server's error) is shown, never obeyed (an escape sequence
 * clears the screen or writes the clipboard; a line break forges a line; an override shows text in another order).
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, escapeControl);
}

/**
 * The first character of `text` that printable (or, with `lines`, printableLines) would escape: where it is (from 1)
 * and as it is escaped (`\n`, `\u202e`); undefined where there is none.
 */
export function firstControl(text: string, lines = false): { at: number; escaped: string } | undefined {
  const found = new RegExp(lines ? CONTROLS_BUT_LINES : CONTROLS).exec(text);
  return found ? { at: found.index + 1, escaped: escapeControl(found[0]) } : undefined;
}

/**
 * As printable, but a line break (`\n`) and a tab are kept: for a message written in lines (a configuration's issues,
 * one a line) that quotes what came from outside (a CSV's header, a release manifest, a store's names).
 */
export function printableLines(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, escapeControl);
}

function escapeControl(c: string): string {
  return c < ' ' ? JSON.stringify(c).slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
