/**
 * What a number key given text with a unit (`timeout_ms: 1s`, `max_bytes: 10MB`) should say instead (pure): the key's
 * unit is in its name (`_ms`, `_s`, `_hours`, `_bytes`), so its value is a bare number in that unit.
 */

/** Each unit a key's name ends with: its words, and what one of it is in the base (ms for time, bytes for sizes). */
const KEY_UNITS: Readonly<
  Record<string, { readonly words: string; readonly size: number; readonly of: 'time' | 'size' }>
> = {
  ms: { words: 'milliseconds', size: 1, of: 'time' },
  s: { words: 'seconds', size: 1000, of: 'time' },
  hours: { words: 'hours', size: 3_600_000, of: 'time' },
  bytes: { words: 'bytes', size: 1, of: 'size' },
};

/** The units a value may be written with, lower case, in the base of their kind (ms, bytes). */
const UNITS_OF = {
  time: { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 },
  size: { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 },
} as const satisfies Record<'time' | 'size', Record<string, number>>;

/**
 * For `key` given the text `given` where a number is expected: `"1s" is not a number of milliseconds; write 1000`;
 * undefined where the key's name carries no unit. The value is echoed (cut to 40 characters: it may come from a file).
 */
export function unitValueHint(key: string, given: string): string | undefined {
  const suffix = /_(ms|s|hours|bytes)$/.exec(key)?.[1];
  if (!suffix) return undefined;
  const unit = KEY_UNITS[suffix];
  const shown = JSON.stringify(given.length > 40 ? `${given.slice(0, 40)}…` : given);
  const said = `${shown} is not a number of ${unit.words}`;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(given);
  if (!m) return said;
  const units: Readonly<Record<string, number>> = UNITS_OF[unit.of];
  const written = m[2].toLowerCase();
  if (written !== '' && !Object.hasOwn(units, written)) return said; // not a unit, nor `constructor`
  const size = written === '' ? unit.size : units[written];
  const value = (Number(m[1]) * size) / unit.size;
  // Rounded to what a person would write: 1.5 s is 1500 ms, not 1500.0000000000002.
  return `${said}; write ${Number(value.toPrecision(12))}${m[2] ? '' : ' (without quotes)'}`;
}
