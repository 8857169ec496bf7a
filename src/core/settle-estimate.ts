/**
 * A settle time estimated from a recording's own restarts (pure; `train`/`eval --running-when` without
 * `--running-settle-ms`): how long the channels take to come back to the spread they show while the machine has run
 * for a long time. A reliability engineer's rule of thumb ("the plant is back once every process value is in its
 * normal band again"), read off the user's own rows rather than set as a constant:
 *
 * 1. The runs: each restart (restart-settle.ts) starts one, ending at the next stopped row.
 * 2. Long-running rows: the second half of each run after a restart, and the whole of a run the data starts in (no
 *    restart seen). Their normal spread: each channel centred on its median and scaled by its robust standard
 *    deviation (1.4826 × the median absolute deviation), the channels weighed together by their correlations there
 *    (a Mahalanobis distance), the rows far out of the bulk (a start that failed) left out of them twice over; its
 *    edge, the distance 99.9 % of normal rows stay within, taken from the distances' median (Wilson-Hilferty's
 *    chi-square quantile over its median), so that a few far rows do not move it.
 * 3. Each restart settles at its first row within that edge: every channel back, and back together (one channel at
 *    its level while its partner still lags is not); looked for in the run's first half. A restart with no such row
 *    there is reported and left out (its run is too short to tell the ramp from the rest).
 * 4. The settle time: the restarts' times sorted, the one three quarters up (nearest rank), rounded up to a whole
 *    sample period: three restarts in four are back by then; from four restarts on, one that a fault or a cold start
 *    lengthened does not set it alone (with two or three, it is the longest).
 */
import { restartRows, type ConditionState } from './restart-settle.js';

/** The normal quantiles of the spread's edge (99.9 % of normal rows inside it) and of the rows it is drawn from. */
const Z_EDGE = 3.09;
const Z_KEPT = 1.96;

/** A chi-square quantile with k degrees of freedom (normal quantile z) over its median (Wilson-Hilferty): the edge
 * of a squared distance by its median, so that a few far rows move neither. */
function chiSquareRatio(k: number, z: number): number {
  const v = 2 / (9 * k);
  return (1 - v + z * Math.sqrt(v)) ** 3 / (1 - v) ** 3;
}

function median(values: readonly number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}
/** A median absolute deviation in standard deviations of a normal distribution. */
const MAD_SIGMA = 1.4826;
/** Added to the correlations' diagonal, so that channels that move as one still give a distance. */
const RIDGE = 1e-3;

/** Whether row i has a reading of every channel. */
function complete(rows: Float64Array, channels: number, i: number): boolean {
  for (let c = 0; c < channels; c++) if (Number.isNaN(rows[i * channels + c])) return false;
  return true;
}

/**
 * The squared distance of a row from the long-running rows' centre, in their spread (Mahalanobis): each channel
 * centred on its median and scaled by its robust standard deviation (a channel constant there is left out), then
 * weighed by the channels' correlations, so that a row whose channels are each in range but not together (one back,
 * its partner still low) is still out.
 */
function normalSpread(
  rows: Float64Array,
  channels: number,
  steady: readonly number[],
): { readonly distance: (i: number) => number; readonly dims: number } {
  const centre: number[] = [];
  const scale: number[] = [];
  const used: number[] = [];
  for (let c = 0; c < channels; c++) {
    const v = Float64Array.from(steady, (i) => rows[i * channels + c]).sort();
    const median = quantile(v, 0.5);
    const mad = quantile(Float64Array.from(v, (x) => Math.abs(x - median)).sort(), 0.5);
    const spread = mad > 0 ? MAD_SIGMA * mad : (v[v.length - 1] - v[0]) / 2;
    if (spread === 0) continue;
    used.push(c);
    centre.push(median);
    scale.push(spread);
  }
  const k = used.length;
  const z = (i: number) => used.map((c, j) => (rows[i * channels + c] - centre[j]) / scale[j]);
  // The correlations of the standardised readings (about the medians), and their Cholesky factor L (L Lᵀ).
  const cov = Array.from({ length: k }, () => new Float64Array(k));
  for (const i of steady) {
    const x = z(i);
    for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) cov[a][b] += (x[a] * x[b]) / steady.length;
  }
  const L = Array.from({ length: k }, () => new Float64Array(k));
  for (let a = 0; a < k; a++)
    for (let b = 0; b <= a; b++) {
      let sum = cov[a][b] + (a === b ? RIDGE * Math.max(cov[a][a], 1) : 0);
      for (let m = 0; m < b; m++) sum -= L[a][m] * L[b][m];
      L[a][b] = a === b ? Math.sqrt(Math.max(sum, 1e-12)) : sum / L[b][b];
    }
  const distance = (i: number) => {
    const x = z(i);
    // Solves L y = x; the distance is |y|².
    let d = 0;
    for (let a = 0; a < k; a++) {
      let y = x[a];
      for (let m = 0; m < a; m++) y -= L[a][m] * x[m];
      x[a] = y / L[a][a];
      d += x[a] * x[a];
    }
    return d;
  };
  return { distance, dims: k };
}
/** The fewest long-running rows that give a band: fewer say too little of a channel's spread. */
const MIN_STEADY_ROWS = 50;

/** The settle time estimated, or none (settleMs undefined) and why, in words. */
export interface SettleEstimate {
  readonly settleMs?: number;
  /** The restarts whose settle time was measured, and each one's (ms), in order. */
  readonly restarts?: number;
  readonly perRestartMs?: readonly number[];
  /** Restarts left out: no row of their run's first half within the long-running rows' spread. */
  readonly unsettled?: number;
  /** How it was found, in words (the manifest's and stderr's). */
  readonly text: string;
}

/** The q-quantile (0..1) of sorted values, linearly between neighbours. */
function quantile(sorted: readonly number[] | Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** The runs (first row, end row exclusive) and whether each began at a restart. */
function runsOf(states: readonly ConditionState[]): { start: number; end: number; restart: boolean }[] {
  const restarts = new Set(restartRows(states));
  const runs: { start: number; end: number; restart: boolean }[] = [];
  let start = -1;
  for (let i = 0; i <= states.length; i++) {
    const stop = i === states.length || states[i] === 'stopped';
    if (stop && start >= 0) runs.push({ start, end: i, restart: restarts.has(start) });
    if (stop) start = -1;
    else if (start < 0 && states[i] === 'running') start = i;
  }
  return runs;
}

/** The middle row of a run by time: its second half starts there. */
function middleOf(run: { start: number; end: number }, times: ArrayLike<number>): number {
  const half = (times[run.start] + times[run.end - 1]) / 2;
  let m = run.start;
  while (m < run.end && times[m] < half) m++;
  return m;
}

/**
 * Estimates the settle time of the rows (`rows` row-major, `channels` wide, NaN where no reading) from their restarts;
 * `states` each row's condition state, `times` in ms, `periodMs` the sample period.
 */
export function estimateSettle(
  rows: Float64Array,
  channels: number,
  times: ArrayLike<number>,
  states: readonly ConditionState[],
  periodMs: number,
): SettleEstimate {
  const runs = runsOf(states);
  const restarts = runs.filter((r) => r.restart);
  if (restarts.length === 0)
    return { text: 'no restart in the rows (no running row after a stopped one): no settle time to derive, none used' };
  // The long-running rows with a reading of every channel.
  const steady: number[] = [];
  for (const run of runs)
    for (let i = run.restart ? middleOf(run, times) : run.start; i < run.end; i++)
      if (states[i] === 'running' && complete(rows, channels, i)) steady.push(i);
  if (steady.length < MIN_STEADY_ROWS)
    return {
      text: `${restarts.length} restart(s), but only ${steady.length} long-running row(s) with a reading of every channel (the second half of each run) to tell the channels' normal spread: no settle time derived, none used`,
    };
  // The spread of the bulk of them: rows far out (a start that failed, stopped again while it ramped) are left out of
  // the centre and correlations, twice over, so that they do not widen the spread they are judged by.
  let spread = normalSpread(rows, channels, steady);
  if (spread.dims === 0)
    return {
      text: `${restarts.length} restart(s), but every channel is constant in the long-running rows: no settle time derived, none used`,
    };
  for (let pass = 0; pass < 2; pass++) {
    const d = steady.map((i) => spread.distance(i));
    const edge = median(d) * chiSquareRatio(spread.dims, Z_KEPT);
    spread = normalSpread(
      rows,
      channels,
      steady.filter((_, j) => d[j] <= edge),
    );
  }
  const { distance, dims } = spread;
  const threshold = median(steady.map((i) => distance(i))) * chiSquareRatio(dims, Z_EDGE);
  const perRestartMs: number[] = [];
  for (const run of restarts) {
    const middle = middleOf(run, times);
    let i = run.start;
    while (i < middle && !(complete(rows, channels, i) && distance(i) <= threshold)) i++;
    if (i < middle) perRestartMs.push(times[i] - times[run.start]);
  }
  const unsettled = restarts.length - perRestartMs.length;
  const unsettledText =
    unsettled > 0 ? `; ${unsettled} left out, a channel not back within the first half of their run` : '';
  if (perRestartMs.length === 0)
    return {
      text: `${restarts.length} restart(s), none with every channel back within the long-running rows' spread in the first half of its run: no settle time derived, none used (give --running-settle-ms)`,
    };
  const sorted = [...perRestartMs].sort((a, b) => a - b);
  const upper = sorted[Math.ceil(0.75 * sorted.length) - 1];
  const settleMs = Math.ceil(upper / periodMs) * periodMs;
  const each = perRestartMs.map((ms) => `${Math.round(ms / 1000)} s`).join(', ');
  return {
    settleMs,
    restarts: perRestartMs.length,
    perRestartMs,
    unsettled,
    text:
      `${settleMs} ms, estimated from ${perRestartMs.length} restart(s) in the rows: the time until every channel is back ` +
      `within the spread of the long-running rows (the second half of each run), ${each}; the upper quartile` +
      `${unsettledText}`,
  };
}
