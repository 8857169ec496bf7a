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
import { robustSpread } from './robust-spread.js';

/** Whether row i has a reading of every channel. */
function complete(rows: Float64Array, channels: number, i: number): boolean {
  for (let c = 0; c < channels; c++) if (Number.isNaN(rows[i * channels + c])) return false;
  return true;
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
  // The spread of the bulk of them (robust-spread.ts): rows far out (a start that failed, stopped again while it
  // ramped) do not widen the spread they are judged by.
  const spread = robustSpread(rows, channels, steady);
  if (spread === undefined)
    return {
      text: `${restarts.length} restart(s), but every channel is constant in the long-running rows: no settle time derived, none used`,
    };
  const { distance, edge: threshold } = spread;
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
