/**
 * Resamples a variable-length cycle (rows with timestamps) onto a fixed number of points evenly
 * spaced in time, by linear interpolation per channel (pure). Quality inspection models see
 * every part at the same length whatever its cycle time. The points span the rows' first to last
 * time, or `span` where given (a cycle whose first or last readings were lost): points outside the
 * rows hold the nearest row's values.
 */

export interface TimedRows {
  readonly ts: readonly number[];
  /** Row-major: rows × channels. */
  readonly values: ArrayLike<number>;
  readonly channels: number;
}

/** The times the points span: from the first point's to the last one's (ms). */
export interface ResampleSpan {
  readonly from: number;
  readonly to: number;
}

export function resampleRows(rows: TimedRows, length: number, points?: ResampleSpan): Float32Array {
  const n = rows.ts.length;
  const c = rows.channels;
  if (n === 0) throw new RangeError('cannot resample an empty cycle');
  const out = new Float32Array(length * c);
  const span = points ?? { from: rows.ts[0], to: rows.ts[n - 1] };
  let j = 0;
  for (let i = 0; i < length; i++) {
    const t = pointTime(span, length, i);
    while (j + 1 < n - 1 && rows.ts[j + 1] <= t) j++;
    const next = Math.min(j + 1, n - 1);
    const dt = rows.ts[next] - rows.ts[j];
    const w = dt > 0 ? Math.min(1, Math.max(0, (t - rows.ts[j]) / dt)) : 0;
    for (let ch = 0; ch < c; ch++) {
      const a = rows.values[j * c + ch];
      const b = rows.values[next * c + ch];
      out[i * c + ch] = a + (b - a) * w;
    }
  }
  return out;
}

/** The time of point `i` of `length` evenly spaced over `span`. */
function pointTime(span: ResampleSpan, length: number, i: number): number {
  const width = span.to - span.from;
  return length === 1 || width === 0 ? span.from : span.from + (width * i) / (length - 1);
}

/**
 * The points of `length` over `span` (their indices, ascending) that the rows do not reach: those before the first
 * row or past the last one (they hold its reading: a part whose first or last polls were missed, resampled over the
 * span it would have had), and those strictly inside a step from one row to the next longer than `maxStepMs` (a missed
 * poll mid-part: the resampling bridges it with a straight line). `maxStepMs` undefined: only those outside the rows.
 */
export function unreadPoints(ts: readonly number[], span: ResampleSpan, length: number, maxStepMs?: number): number[] {
  const first = ts[0];
  const last = ts[ts.length - 1];
  const unread: number[] = [];
  let j = 0;
  for (let i = 0; i < length; i++) {
    const t = pointTime(span, length, i);
    if (t < first || t > last) {
      unread.push(i);
      continue;
    }
    while (j + 1 < ts.length - 1 && ts[j + 1] <= t) j++;
    if (maxStepMs !== undefined && ts[j + 1] - ts[j] > maxStepMs && t > ts[j] && t < ts[j + 1]) unread.push(i);
  }
  return unread;
}
