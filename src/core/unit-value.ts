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

/** The units a value may be written with, lower case, in the base of their kind. */
const VALUE_UNITS: Readonly<Record<string, { readonly size: number; readonly of: 'time' | 'size' }>> = {
  ms: { size: 1, of: 'time' },
  s: { size: 1000, of: 'time' },
  sec: { size: 1000, of: 'time' },
  m: { size: 60_000, of: 'time' },
  min: { size: 60_000, of: 'time' },
  h: { size: 3_600_000, of: 'time' },
  d: { size: 86_400_000, of: 'time' },
  b: { size: 1, of: 'size' },
  kb: { size: 1000, of: 'size' },
  mb: { size: 1e6, of: 'size' },
  gb: { size: 1e9, of: 'size' },
  kib: { size: 1024, of: 'size' },
  mib: { size: 1024 ** 2, of: 'size' },
  gib: { size: 1024 ** 3, of: 'size' },
};

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
  const written = m[2] ? VALUE_UNITS[m[2].toLowerCase()] : { size: unit.size, of: unit.of };
  if (!written || written.of !== unit.of) return said;
  const value = (Number(m[1]) * written.size) / unit.size;
  // Rounded to what a person would write: 1.5 s is 1500 ms, not 1500.0000000000002.
  return `${said}; write ${Number(value.toPrecision(12))}${m[2] ? '' : ' (without quotes)'}`;
}
