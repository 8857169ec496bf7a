/**
 * Pauses in a recording: rows further apart than a gateway holds a reading (a recording stopped, a historian's hole,
 * a gateway restarted), or rows that go back in time (recordings joined out of order, rows repeated). No window may
 * span one, as none does in a gateway, whose windows start again after a restart or a source's outage. A
 * daylight-saving change in a local-time export is no pause: unwrapClockChanges makes its rows run on. Pure.
 */

import { DEFAULT_MAX_SAMPLE_AGE_MS } from './reading-age.js';

/** The default `max_sample_age_ms` of an asset's window: how long the gateway holds a channel's last reading. */
export const HOLD_MS = DEFAULT_MAX_SAMPLE_AGE_MS;

const HOUR_MS = 3_600_000;

/**
 * The longest step from one row to the next that is no pause: as long as a gateway holds a reading, and at slow rates
 * a period and a half (a late row, not a missing one).
 */
export const pauseAfterMs = (periodMs: number, holdMs = HOLD_MS): number => Math.max(holdMs, 1.5 * periodMs);

/**
 * Whether a step from one row to the next (ms) is a pause at this sample period (and a gateway's hold): longer than
 * pauseAfterMs, or back by more than a period (a step back by less is time stamps' jitter, not rows out of order).
 */
export function isPause(stepMs: number, periodMs: number, holdMs = HOLD_MS): boolean {
  return stepMs > pauseAfterMs(periodMs, holdMs) || stepMs < -periodMs;
}

/**
 * Local-time dates across a daylight-saving change, made to run on: where the rows step back by an hour less at most
 * a pause's length (the clocks went back) the rows after it get an hour more, and where they step on by an hour and at
 * most that (the clocks went forward) an hour less, so that no window, alarm delay or detection delay sees an hour
 * that was not there. Only where a row comes well within half an hour (slower rows can step an hour for real), and
 * only for dates without a zone (timesInMs): Unix times and dates with their zone or offset are absolute time, where
 * an hour's step is real. Returns `times` itself where nothing changes.
 */
export function unwrapClockChanges(times: Float64Array, periodMs: number): Float64Array {
  const limit = pauseAfterMs(periodMs);
  if (limit >= HOUR_MS / 2) return times;
  let out = times;
  let shift = 0;
  for (let i = 1; i < times.length; i++) {
    const step = times[i] - times[i - 1];
    const change =
      step + HOUR_MS >= 0 && step + HOUR_MS <= limit
        ? HOUR_MS
        : step - HOUR_MS >= 0 && step - HOUR_MS <= limit
          ? -HOUR_MS
          : 0;
    if (change !== 0) {
      if (out === times) out = Float64Array.from(times);
      shift += change;
    }
    if (shift !== 0) out[i] = times[i] + shift;
  }
  return out;
}

/**
 * Whether a row with no reading, `stepMs` after the row before it, is export's mark of a pause: written just after that
 * row, less than half a poll (`pollStepMs`, the recording's median step) after it; where the polls' spacing cannot be
 * told, taken for one, as before.
 */
export function isPauseMark(stepMs: number, pollStepMs: number): boolean {
  return !(stepMs >= pollStepMs / 2);
}

/** The rows (of the first `n`) that come after a pause (`times` in ms), at a gateway's hold (`holdMs`). */
export function pauseRows(times: ArrayLike<number>, periodMs: number, n = times.length, holdMs = HOLD_MS): number[] {
  const rows: number[] = [];
  for (let i = 1; i < n; i++) if (isPause(times[i] - times[i - 1], periodMs, holdMs)) rows.push(i);
  return rows;
}

const iso = (t: number): string => new Date(t).toISOString();

/** A pause as a message says it: the times around it and its length (or how far back the rows go). */
export function pauseText(times: ArrayLike<number>, row: number): string {
  const [from, to] = [times[row - 1], times[row]];
  return to < from
    ? `the rows go back in time from ${iso(from)} to ${iso(to)} (${(from - to) / 1000} s back: recordings joined out of order, or rows repeated)`
    : `no row from ${iso(from)} to ${iso(to)} (${(to - from) / 1000} s)`;
}

/**
 * Refuses rows that go back in time (by more than a period) in the first `rows` rows, those a model learns from,
 * naming where and the fix: recordings joined out of order, or rows repeated, would be learnt twice or out of order.
 * A pause forward in time is learnt around (training/segments.ts).
 */
export function refuseStepsBack(times: ArrayLike<number>, rows: number, file: string, periodMs: number): void {
  const row = pauseRows(times, periodMs, rows).find((r) => times[r] < times[r - 1]);
  if (row === undefined) return;
  throw new Error(
    `${file}: ${pauseText(times, row)}, data rows ${row} and ${row + 1}; the rows a model learns from must run forward in time: sort them, remove the repeated rows, fit on the rows before it (--train-rows ${row}), or on a span without it`,
  );
}

/** A file's pauses as eval reports them: how many, and the longest (its first row, 1-based, and length in s). */
export interface PausesFound {
  readonly count: number;
  readonly longest: { readonly row: number; readonly text: string };
}

/** The pauses of a recording for a report; undefined where there is none. */
export function pausesFound(times: ArrayLike<number>, rows: readonly number[]): PausesFound | undefined {
  if (rows.length === 0) return undefined;
  const size = (r: number) => Math.abs(times[r] - times[r - 1]);
  const longest = rows.reduce((a, r) => (size(r) > size(a) ? r : a));
  return { count: rows.length, longest: { row: longest + 1, text: pauseText(times, longest) } };
}
