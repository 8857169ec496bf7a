/**
 * What a terminal would obey is shown as its escape: C0 (line breaks too, except where printableLines keeps them),
 * DEL, C1, and the bidirectional-text controls that reorder what follows (Trojan Source, CVE-2021-42574: a CSV header
 * or MQTT topic quoted on stderr would show its text in another order).
 */
import { describe, expect, it } from 'vitest';
import { printable, printableLines } from '../../src/core/printable.js';

describe('printable', () => {
  it('escapes the bidirectional overrides, isolates and marks', () => {
    expect(printable('a\u202eb')).toBe('a\\u202eb');
    expect(printable('\u2066x\u2069')).toBe('\\u2066x\\u2069');
    expect(printable('l\u200em\u200f\u061c')).toBe('l\\u200em\\u200f\\u061c');
  });

  it('escapes C0, DEL and C1 and leaves other text alone', () => {
    expect(printable('a\u001b[2Jb\u007f\u009bc')).toBe('a\\u001b[2Jb\\u007f\\u009bc');
    expect(printable('line\nforged')).toBe('line\\nforged');
    expect(printable('Durchfluss m³/h → ok; עברית')).toBe('Durchfluss m³/h → ok; עברית');
  });
});

describe('printableLines', () => {
  it('keeps line breaks and tabs and escapes the rest as printable does', () => {
    expect(printableLines('x\u2066y\n\tz\u202d')).toBe('x\\u2066y\n\tz\\u202d');
  });
});
