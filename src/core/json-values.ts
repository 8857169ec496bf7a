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
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/** A timestamp from its JSON: epoch milliseconds, or ISO 8601 with a zone (`Z` or `+01:00`). */
export function timestampOf(raw: unknown): { ts: number } | { problem: string } {
  if (typeof raw === 'number') {
    if (Number.isFinite(raw) && raw >= MIN_EPOCH_MS && raw <= MAX_EPOCH_MS) return { ts: raw };
    return {
      problem: `expected epoch milliseconds, got ${JSON.stringify(raw)}${Number.isFinite(raw) && raw > 0 && raw < MIN_EPOCH_MS ? ' (epoch seconds?)' : ''}`,
    };
  }
  const m = typeof raw === 'string' ? ISO_8601.exec(raw) : null;
  if (m) {
    const ts = Date.parse(raw as string);
    // Date.parse rolls 2024-02-30 over to March 1: the date must read back as written.
    const offsetMin = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
    const local = new Date(ts + offsetMin * 60_000);
    if (
      Number.isFinite(ts) &&
      local.getUTCFullYear() === Number(m[1]) &&
      local.getUTCMonth() + 1 === Number(m[2]) &&
      local.getUTCDate() === Number(m[3])
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
