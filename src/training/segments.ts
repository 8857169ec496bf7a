/**
 * Rows of normal operation in segments (pure): a recording with pauses in it (the gateway restarted, a source down, a
 * historian's hole) or with a channel's reading missing for longer than a gateway holds one is learnt from around
 * them, as the gateway scores it: no window spans a pause or a missing reading, as none does in operation, where the
 * windows start again after one. The rows without every reading are left out; the rest are kept in order, and the
 * rows that start a segment (after a pause or left-out rows) are marked so that no window is formed across them.
 */
import { isPause } from '../core/csv-pauses.js';

/** Rows of normal operation (row-major, every reading present) and where segments start. */
export interface SegmentedRows {
  readonly rows: Float64Array;
  readonly rowCount: number;
  /** Indices into the kept rows (ascending, never 0) of the rows that start a segment: no window spans one. */
  readonly segmentStarts: readonly number[];
  /** Each kept row's index among the `n` rows given (where rows were left out), to name rows as the file has them. */
  readonly sourceRows?: readonly number[];
  /** Rows left out, each lacking a reading of at least one channel. */
  readonly leftOutRows: number;
  /** Pauses among the rows (steps from a row to the next longer than a gateway holds a reading). */
  readonly pauses: number;
  /** Rows left out as not running (--running-when: `running` 0 there); absent where none were. */
  readonly stoppedRows?: number;
}

/**
 * The first `n` of `rows` (row-major, `c` channels, NaN where a reading is missing) that have every reading, and the
 * rows that start a segment among them: the first kept row after left-out rows or after a pause (`times` in ms, a
 * step from a row to the next longer than pauseAfterMs at `periodMs`; rows left out for lack of a reading are no
 * pause). Steps back in time must be refused before (refuseStepsBack). Rows where `running` is 0 (the machine
 * stopped: csv-running-rows.ts) are left out as well, counted apart (stoppedRows), and break a segment as a pause does.
 */
export function segmentRows(
  rows: Float64Array,
  c: number,
  times: ArrayLike<number>,
  periodMs: number,
  n: number,
  running?: ArrayLike<number>,
): SegmentedRows {
  const complete = (i: number) => {
    for (let ch = 0; ch < c; ch++) if (Number.isNaN(rows[i * c + ch])) return false;
    return true;
  };
  const keep: number[] = [];
  const starts: number[] = [];
  let leftOut = 0;
  let stopped = 0;
  let pauses = 0;
  let broken = false;
  for (let i = 0; i < n; i++) {
    // A pause is a step from one row to the next (the row export writes at a stop has no reading: it is left out).
    const paused = i > 0 && isPause(times[i] - times[i - 1], periodMs);
    if (paused) pauses++;
    if (running && running[i] === 0) {
      stopped++;
      broken = true;
      continue;
    }
    if (!complete(i)) {
      leftOut++;
      broken = true;
      continue;
    }
    if (keep.length > 0 && (paused || broken)) starts.push(keep.length);
    broken = false;
    keep.push(i);
  }
  if (leftOut === 0 && stopped === 0 && starts.length === 0)
    return { rows: rows.subarray(0, n * c), rowCount: n, segmentStarts: [], leftOutRows: 0, pauses: 0 };
  const out = new Float64Array(keep.length * c);
  keep.forEach((from, to) => out.set(rows.subarray(from * c, (from + 1) * c), to * c));
  return {
    rows: out,
    rowCount: keep.length,
    segmentStarts: starts,
    ...(leftOut > 0 || stopped > 0 ? { sourceRows: keep } : {}),
    leftOutRows: leftOut,
    pauses,
    ...(stopped > 0 ? { stoppedRows: stopped } : {}),
  };
}

/**
 * The last rows (ascending) of the windows of `length` rows that end in [from, to) and span no segment start: a window
 * ending at `e` reads rows e − length + 1 … e, all in one segment.
 */
export function windowEnds(from: number, to: number, length: number, segmentStarts: readonly number[] = []): number[] {
  const ends: number[] = [];
  let next = 0; // the first segment start after the window's first row
  for (let e = Math.max(from, length - 1); e < to; e++) {
    const first = e - length + 1;
    while (next < segmentStarts.length && segmentStarts[next] <= first) next++;
    if (next < segmentStarts.length && segmentStarts[next] <= e) continue;
    ends.push(e);
  }
  return ends;
}

/**
 * Of `ends` (ascending, windowEnds), the windows `hop` rows apart, counted in each segment from its first window: a
 * segment that holds a window gives its first, whatever row it starts on (counted from row 0 across the whole span, a
 * hop as long as a window took none from a segment of under two windows that started on the wrong row).
 */
export function hopEnds(
  ends: readonly number[],
  length: number,
  hop: number,
  segmentStarts: readonly number[] = [],
): number[] {
  let segment = 0; // the last segment start at or before the window's first row
  let start = 0;
  return ends.filter((e) => {
    while (segment < segmentStarts.length && segmentStarts[segment] <= e - length + 1) start = segmentStarts[segment++];
    return (e - (start + length - 1)) % hop === 0;
  });
}

/**
 * Scores in time order (one array per cross-fit block, one score per window of `ends`), cut again where the windows
 * are not consecutive rows (a segment start lies between them): an alarm's run of windows does not go on across it.
 */
export function splitAtJoins(blocks: readonly Float64Array[], ends: readonly number[]): Float64Array[] {
  const out: Float64Array[] = [];
  let w = 0;
  for (const block of blocks) {
    let from = 0;
    for (let i = 1; i < block.length; i++)
      if (ends[w + i] !== ends[w + i - 1] + 1) {
        out.push(block.subarray(from, i));
        from = i;
      }
    out.push(block.subarray(from));
    w += block.length;
  }
  return out;
}

/** What a model's data says of its segments: '' where the rows run on without a break. `settlingRows`: of the
 * stopped rows, those that ran but settled after a restart (--running-settle-ms), said apart. */
export function segmentsText(
  s: Pick<SegmentedRows, 'segmentStarts' | 'leftOutRows' | 'pauses' | 'stoppedRows'>,
  settlingRows = 0,
): string {
  if (s.segmentStarts.length === 0 && s.leftOutRows === 0 && !s.stoppedRows) return '';
  const stopped = (s.stoppedRows ?? 0) - settlingRows;
  const parts = [
    ...(s.pauses > 0 ? [`${s.pauses} pause(s)`] : []),
    ...(stopped > 0 ? [`${stopped} row(s) not running left out (--running-when)`] : []),
    ...(settlingRows > 0 ? [`${settlingRows} row(s) settling after a restart left out (--running-settle-ms)`] : []),
    ...(s.leftOutRows > 0 ? [`${s.leftOutRows} row(s) without every reading left out`] : []),
  ];
  const n = s.segmentStarts.length + 1;
  return `learnt in ${n} segment${n > 1 ? 's' : ''}: ${parts.join(', ')}; no window spans a break`;
}

/** The channels a message names one by one when most rows lack a reading (missingMostText); the rest are counted. */
const MISSING_MOST_LISTED = 3;

/**
 * Where at least half of the first `n` rows were left out for lack of a reading (a fit then has too few rows, or
 * misjudges a channel as constant in the few that remain), which channels lack it, most first, and the way out: a tag
 * sampled slower than the rows (a historian's 10 s tag among 1 s tags, blank between its samples) is held with
 * --max-sample-age-ms, a tag stored on change only is left out. '' where fewer rows were left out.
 */
export function missingMostText(
  rows: Float64Array,
  channels: readonly string[],
  n: number,
  leftOutRows: number,
): string {
  if (leftOutRows * 2 < n) return '';
  const c = channels.length;
  const counts = channels.map((channel, ch) => {
    let rowsWithout = 0;
    for (let i = 0; i < n; i++) if (Number.isNaN(rows[i * c + ch])) rowsWithout++;
    return { channel, rowsWithout };
  });
  const ranked = counts.filter((k) => k.rowsWithout > 0).sort((a, b) => b.rowsWithout - a.rowsWithout);
  const named = ranked.slice(0, MISSING_MOST_LISTED).map((k) => `${k.channel} (${k.rowsWithout} rows)`);
  const more = ranked.length - named.length;
  return (
    `${leftOutRows} of the ${n} rows lack a reading of ${named.join(', ')}${more > 0 ? ` or ${more} more channel(s)` : ''}: ` +
    'a tag sampled slower than the rows (blank between its samples) is held as long as --max-sample-age-ms says; ' +
    'leave out (--channels) a tag stored on change only'
  );
}

/**
 * An autoencoder's windows of `length` rows (row-major, `c` channels, `n` rows), none spanning a segment start: for
 * training those ending before `split`, `hop` rows apart in each segment (hopEnds); held out those ending in
 * [heldOutFrom, n), with their last rows where segments start (the calibration cuts their scores there).
 */
export function autoencoderWindows(
  rows: Float64Array,
  c: number,
  n: number,
  o: { readonly length: number; readonly split: number; readonly heldOutFrom: number; readonly hop: number },
  segmentStarts: readonly number[] = [],
): { train: Float64Array[]; validation: Float64Array[]; validationEnds?: number[] } {
  const { length, split } = o;
  const trainEnds = hopEnds(windowEnds(length - 1, split, length, segmentStarts), length, o.hop, segmentStarts);
  const heldOutEnds = windowEnds(o.heldOutFrom, n, length, segmentStarts);
  return {
    train: windowsAt(rows, c, trainEnds, length),
    validation: windowsAt(rows, c, heldOutEnds, length),
    ...(segmentStarts.length > 0 ? { validationEnds: heldOutEnds } : {}),
  };
}

/** The windows of `length` rows (row-major, `c` channels) ending at `ends`, each a copy. */
export function windowsAt(rows: Float64Array, c: number, ends: readonly number[], length: number): Float64Array[] {
  return ends.map((e) => rows.slice((e - length + 1) * c, (e + 1) * c));
}

/**
 * The error where no row of the first `n` (row-major, NaN where a reading is missing) has a reading of every channel:
 * how many rows each channel misses, most first, and the fix.
 */
export function noCompleteRowError(file: string, rows: Float64Array, channels: readonly string[], n: number): Error {
  const c = channels.length;
  const missing = channels.map((name, ch) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (Number.isNaN(rows[i * c + ch])) count++;
    return { name, count };
  });
  const named = missing
    .filter((m) => m.count > 0)
    .sort((a, b) => b.count - a.count)
    .map((m) => `${m.name} in ${m.count}`);
  return new Error(
    `${file}: no row of the first ${n} has a reading of every channel the model reads (missing: ${named.join(', ')} of ` +
      `them): leave out a channel whose readings are missing (--channels), or learn from other rows`,
  );
}
