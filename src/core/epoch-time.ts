/**
 * Times in ms since the epoch as they come from a file, a journal or a message (pure, no I/O): whether a Date can hold
 * one, and how it reads. Kept apart from the local store's modules, which the Node-RED palette package must not pull
 * in (better-sqlite3, a native module it does not ship).
 */

/** A time in ms that a Date can hold (±8.64e15). */
export const isTime = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 8.64e15;

/** A time as ISO 8601, where a Date can hold it. */
export const iso = (ts: number): string => (isTime(ts) ? new Date(ts).toISOString() : String(ts));
