/**
 * Values as a sender wrote them in JSON or a Node-RED message (pure): what a bad one was, shortly (never the whole of a
 * hostile string), and timestamps read strictly (epoch milliseconds in range, or ISO 8601 with a zone).
 */

/** What a value is, for an error message: its kind, and the first 32 characters of a string. */
export function describeJson(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'string') return `a string (${JSON.stringify(raw.length > 32 ? `${raw.slice(0, 32)}…` : raw)})`;
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
}

/** Epoch milliseconds before this are not: 1e11 ms is March 1973, 1e11 s is the year 5138 (epoch seconds sent). */
const MIN_EPOCH_MS = 1e11;
const MAX_EPOCH_MS = 8.64e15;
/**
 * ISO 8601 / RFC 3339 with a zone: a `T` or a space between date and time (Python's str() of a datetime), a fraction,
 * and `Z` or an offset as `+01:00`, `+0100` or `+01`.
 */
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
/** Epoch milliseconds written as a string of digits (a JSON string from a database or a form). */
const DIGITS = /^\d{1,16}$/;

/** A timestamp from its JSON: epoch milliseconds (a number, or a string of digits), or ISO 8601 with a zone. */
export function timestampOf(raw: unknown): { ts: number } | { problem: string } {
  if (typeof raw === 'number' || (typeof raw === 'string' && DIGITS.test(raw))) {
    const ms = Number(raw);
    if (Number.isFinite(ms) && ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS) return { ts: ms };
    return {
      problem: `expected epoch milliseconds, got ${JSON.stringify(raw)}${Number.isFinite(ms) && ms > 0 && ms < MIN_EPOCH_MS ? ' (epoch seconds?)' : ''}`,
    };
  }
  const m = typeof raw === 'string' ? ISO_8601.exec(raw) : null;
  if (m) {
    const [, year, month, day, hour, minute, second, fraction = ''] = m;
    const offsetMin = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
    // Read in one form (milliseconds, a colon in the offset) whatever form it came in.
    const zone = m[8] ? 'Z' : `${m[9]}${m[10]}:${m[11] ?? '00'}`;
    const ts = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone}`);
    // Date.parse rolls 2024-02-30 over to March 1: the date must read back as written.
    const local = new Date(ts + offsetMin * 60_000);
    if (
      Number.isFinite(ts) &&
      local.getUTCFullYear() === Number(year) &&
      local.getUTCMonth() + 1 === Number(month) &&
      local.getUTCDate() === Number(day)
    )
      return { ts };
  }
  return { problem: `expected epoch milliseconds or an ISO 8601 time with a zone, got ${describeJson(raw)}` };
}

/** Device stamps before this are no time: OPC UA's MinDateTime (1601, defined as none) or a clock never set. */
const FIRST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);

/** A device's timestamp (ms), or undefined where it has none or one before 2000: the next clock is used instead. */
export function deviceStamp(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= FIRST_PLAUSIBLE_MS ? ms : undefined;
}
