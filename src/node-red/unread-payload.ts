/**
 * A part window message's points not read (pure): Window.unreadPoints as the window node sends it, checked as the score
 * node takes it from a message (anything may be wired in); throws naming what is wrong.
 *
 *   unreadPoints  the points the part's rows do not reach (indices, ascending, from 0), past its last row or inside a
 *                 missed poll among its rows (since 2026-12-08), or before its first row (a part whose first polls
 *                 were missed: since 2026-12-08, latestart; before, the first point was always read).
 *   readPoints    how many points from the first its rows reach: a part whose last polls were missed (2026-12-07). Sent
 *                 where the points not read are all at its end, so that a score node of that release still leaves them
 *                 out; taken as the points from it to the end.
 */

/** What a window message carries for `unread` (Window.unreadPoints) in a window of `length` points. */
export function unreadPayload(
  unread: readonly number[] | undefined,
  length: number,
): { unreadPoints?: number[]; readPoints?: number } {
  if (unread === undefined || unread.length === 0) return {};
  const read = length - unread.length;
  const atEnd = unread.every((p, i) => p === read + i);
  return { unreadPoints: [...unread], ...(atEnd ? { readPoints: read } : {}) };
}

/** Window.unreadPoints from msg.payload's unreadPoints and readPoints (either, both or neither). */
export function unreadFromPayload(unreadPoints: unknown, readPoints: unknown, length: number): number[] | undefined {
  const listed = unreadPoints === undefined ? [] : pointList(unreadPoints, length);
  const tail = readPoints === undefined ? [] : pointsFrom(readPoints, length);
  if (unreadPoints === undefined && readPoints === undefined) return undefined;
  const all = [...new Set([...listed, ...tail])].sort((a, b) => a - b);
  return all.length > 0 ? all : undefined;
}

function pointList(v: unknown, length: number): number[] {
  const what = `expected the points not read: whole numbers from 0 to ${length - 1}, ascending, fewer than ${length}`;
  if (!Array.isArray(v) || v.length >= length)
    throw new Error(`msg.payload.unreadPoints: ${what}, got ${Array.isArray(v) ? `${v.length} of them` : kind(v)}`);
  v.forEach((p: unknown, i) => {
    const before = i > 0 ? (v[i - 1] as number) : -1;
    if (typeof p !== 'number' || !Number.isInteger(p) || p <= before || p >= length)
      throw new Error(`msg.payload.unreadPoints[${i}]: ${what}, got ${kind(p)}`);
  });
  return v as number[];
}

function pointsFrom(v: unknown, length: number): number[] {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > length)
    throw new Error(
      `msg.payload.readPoints: expected a whole number from 1 to ${length} (the points of the part its rows reach), got ${kind(v)}`,
    );
  return Array.from({ length: length - v }, (_, i) => v + i);
}

const kind = (v: unknown) => JSON.stringify(v) ?? typeof v;
