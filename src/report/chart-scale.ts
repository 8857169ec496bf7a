/**
 * Axes for the report's SVG charts (pure): value domains on a linear or log scale, the mapping of a
 * value to a pixel, round tick positions (numbers, decades, clock times) and their labels.
 */

export type ScaleKind = 'linear' | 'log';

/** A value domain [lo, hi] on a linear or log scale. */
export interface Axis {
  readonly kind: ScaleKind;
  readonly lo: number;
  readonly hi: number;
}

/** How many decades a log axis may span below its top at most (a stray 1e-12 must not squash the rest). */
const MAX_LOG_DECADES = 8;

/** The smallest and largest finite value, and the smallest positive one (NaN where none). */
export function finiteExtent(
  values: ArrayLike<number>,
  extra: readonly number[] = [],
): { min: number; max: number; minPositive: number } {
  let min = Infinity;
  let max = -Infinity;
  let minPositive = Infinity;
  const visit = (v: number): void => {
    if (!Number.isFinite(v)) return;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v > 0 && v < minPositive) minPositive = v;
  };
  for (let i = 0; i < values.length; i++) visit(values[i]);
  extra.forEach(visit);
  return {
    min: min === Infinity ? NaN : min,
    max: max === -Infinity ? NaN : max,
    minPositive: minPositive === Infinity ? NaN : minPositive,
  };
}

/** True when the positive finite values (and `extra`, e.g. thresholds) span more than two decades: draw them on a log
 * axis. */
export function spansDecades(values: ArrayLike<number>, extra: readonly number[] = []): boolean {
  const { max, minPositive } = finiteExtent(values, extra);
  return max > 0 && max / minPositive > 100;
}

/** A step of 1, 2 or 5 × 10^k near `rough`. */
function niceStep(rough: number): number {
  const p = 10 ** Math.floor(Math.log10(rough));
  const f = rough / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/**
 * The axis for `values` (and `extra`): log when asked, or on 'auto' when none is negative and they span
 * more than two decades (values ≤ 0 then sit on the axis bottom); linear domains end on round ticks.
 */
export function valueAxis(
  values: ArrayLike<number>,
  extra: readonly number[] = [],
  kind: ScaleKind | 'auto' = 'auto',
): Axis {
  const { min, max, minPositive } = finiteExtent(values, extra);
  const useLog = kind === 'log' || (kind === 'auto' && min >= 0 && spansDecades(values, extra));
  if (useLog && max > 0) {
    const top = Math.ceil(Math.log10(max));
    const bottom = Math.max(Math.floor(Math.log10(minPositive)), top - MAX_LOG_DECADES);
    return { kind: 'log', lo: 10 ** bottom, hi: 10 ** (top > bottom ? top : bottom + 1) };
  }
  if (!Number.isFinite(min)) return { kind: 'linear', lo: 0, hi: 1 };
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return { kind: 'linear', lo: min - pad, hi: max + pad };
  }
  const step = niceStep((max - min) / 5);
  return { kind: 'linear', lo: Math.floor(min / step) * step, hi: Math.ceil(max / step) * step };
}

/** The pixel for `v` between p0 (at lo) and p1 (at hi). Values outside the domain, and values ≤ 0 on a log axis, clamp
 * to its ends. */
export function project(axis: Axis, v: number, p0: number, p1: number): number {
  let f: number;
  if (axis.kind === 'log')
    f = v <= 0 ? 0 : (Math.log10(v) - Math.log10(axis.lo)) / (Math.log10(axis.hi) - Math.log10(axis.lo));
  else f = (v - axis.lo) / (axis.hi - axis.lo);
  return p0 + Math.min(1, Math.max(0, f)) * (p1 - p0);
}

/** Round tick values inside the axis: 1, 2, 5 × 10^k steps on a linear axis, whole decades on a log one. */
export function axisTicks(axis: Axis, count = 5): number[] {
  if (axis.kind === 'log') {
    const a = Math.ceil(Math.log10(axis.lo) - 1e-9);
    const b = Math.floor(Math.log10(axis.hi) + 1e-9);
    const every = Math.max(1, Math.ceil((b - a + 1) / 8));
    const ticks: number[] = [];
    for (let k = a; k <= b; k += every) ticks.push(10 ** k);
    return ticks;
  }
  const step = niceStep((axis.hi - axis.lo) / count);
  const ticks: number[] = [];
  for (let v = Math.ceil(axis.lo / step - 1e-9) * step; v <= axis.hi + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** A short label for a tick or a value: no float noise, exponent form for very small or large magnitudes. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3)
    return v
      .toExponential(Math.max(0, digits - 3))
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [1, 2, 5, 10, 15, 30]
  .map((s) => s * SECOND)
  .concat(
    [1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
    [1, 2, 3, 6, 12].map((h) => h * HOUR),
    [1, 2, 7, 14, 30].map((d) => d * DAY),
  );

/** Clock-time ticks (ms since epoch) on round seconds, minutes, hours or days, about `count` of them. */
export function timeTicks(t0: number, t1: number, count = 6): { ticks: number[]; step: number } {
  const rough = (t1 - t0) / count;
  const step = TIME_STEPS.find((s) => s >= rough) ?? TIME_STEPS[TIME_STEPS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return { ticks, step };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A clock-time label as the file wrote it (times without a zone are read as UTC): HH:MM:SS, HH:MM or MM-DD by step. */
export function formatTime(ms: number, step: number): string {
  const d = new Date(ms);
  if (step >= DAY) return `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  return step >= MINUTE ? hm : `${hm}:${pad2(d.getUTCSeconds())}`;
}

/** Date and time for a caption: YYYY-MM-DD HH:MM:SS. */
export function formatDateTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') : 'no time';
}
