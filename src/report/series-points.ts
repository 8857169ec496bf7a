/**
 * Which rows of a series a chart draws (pure): runs of finite values (a NaN leaves a gap), decimated to
 * the smallest and largest value per bucket so that a long series stays a few hundred points, and the
 * row spans where a 0/1 flag (label, alarm) is set.
 */

/** The most points one polyline of the report holds: two (min and max) per bucket. */
export const MAX_POLYLINE_POINTS = 1200;

/**
 * The row indices to draw, as runs of finite values: a NaN or ±Infinity ends a run, so the line has a
 * gap there. With more than two rows per bucket, each bucket (an equal share of the rows, one pixel
 * column or two) keeps only its smallest and largest value, in row order: the line keeps every spike
 * and never holds more than 2 × buckets points (plus two a gap inside a bucket).
 */
export function drawnRuns(values: ArrayLike<number>, buckets = MAX_POLYLINE_POINTS / 2): number[][] {
  const n = values.length;
  const decimate = n > 2 * buckets;
  const runs: number[][] = [];
  let run: number[] = [];
  let bucket = -1;
  let lo = -1;
  let hi = -1;
  const flushBucket = (): void => {
    if (lo < 0) return;
    if (lo === hi) run.push(lo);
    else run.push(Math.min(lo, hi), Math.max(lo, hi));
    lo = hi = -1;
  };
  const endRun = (): void => {
    flushBucket();
    if (run.length > 0) runs.push(run);
    run = [];
  };
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      endRun();
      continue;
    }
    if (!decimate) {
      run.push(i);
      continue;
    }
    const b = Math.floor((i * buckets) / n);
    if (b !== bucket) {
      flushBucket();
      bucket = b;
    }
    if (lo < 0 || v < values[lo]) lo = i;
    if (hi < 0 || v > values[hi]) hi = i;
  }
  endRun();
  return runs;
}

/** A span of rows [from, to): `to` is the first row after it. */
export interface RowSpan {
  readonly from: number;
  readonly to: number;
}

/** The spans of consecutive rows whose flag is set (> 0), within the first `rows` rows. */
export function flaggedSpans(flags: ArrayLike<number> | undefined, rows = flags?.length ?? 0): RowSpan[] {
  const spans: RowSpan[] = [];
  if (!flags) return spans;
  const n = Math.min(rows, flags.length);
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const on = i < n && flags[i] > 0;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      spans.push({ from: start, to: i });
      start = -1;
    }
  }
  return spans;
}

/**
 * The alarm spans the score never crossed the on threshold in (a NaN score, a window still filling, counts as not
 * crossing): raised by the sustain rule, the score above the off threshold for the sustain time (alarm.sustain_ms).
 */
export function sustainedAlarms(alarms: readonly RowSpan[], score: ArrayLike<number>, on: number): RowSpan[] {
  return alarms.filter((a) => {
    for (let i = a.from; i < a.to && i < score.length; i++) if (score[i] > on) return false;
    return true;
  });
}
