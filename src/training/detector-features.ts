/**
 * The statistical terms of the stats and hybrid detectors, in plain JS (pure): what the ONNX graph
 * (detector-graph.ts) computes, used to fit each term's centre and spread on training windows and
 * to test the graph against. Every value is in normalised units (channel z-scores of the
 * training rows), so no setting depends on a plant's units.
 *
 *   level        mean of the window's last `k` rows; for a slow (drifting) channel, that mean
 *                minus the mean of the `k` rows `lag` rows earlier (how fast it moves, not where)
 *   variability  log(mean |row-to-row difference| over the last `k` rows + floor): a stuck
 *                sensor (variability → 0) and an oscillating one (variability up) both leave the
 *                normal range of the log
 *   residual     RMS over the last rows of the autoencoder's reconstruction error per channel: the
 *                autoencoder rebuilds each row from what the channels share, so a channel that
 *                leaves its relation to the others stands out (computed by the caller, who owns it)
 *
 *   spread       of the components (the directions the fast channels share, componentChannels): the
 *                variability of each over the whole window, a growing variation of what the channels
 *                share (a disturbance's random variation), reported on the channels by their weight
 *   component level  of the same components: the mean of each over the whole window, a shift of what
 *                the channels share (a disturbance that ramps or steps: each channel moves a little,
 *                below its own level's spread, but together and the same way), reported as `level`
 *                on the channels by their part in the window's move (detector-graph.ts)
 *
 * Slow channels are found from the training rows, not by name (see slowChannels).
 */
import { windowEnds } from './segments.js';
import { principalComponents } from './principal-components.js';

/** Window geometry in rows, the same for every plant: see DEFAULT_GEOMETRY. */
export interface DetectorGeometry {
  /** Rows in a window. */
  readonly windowLength: number;
  /** Rows averaged for the level, and row-to-row differences averaged for the variability. */
  readonly k: number;
  /** Rows back for a slow channel's earlier level. */
  readonly lag: number;
  /** Rows the autoencoder of the hybrid sees (the last ones of the window). */
  readonly aeRows: number;
}

/**
 * Powers of two fixed before any measurement, not fitted on any data set: a window of 32 rows, the
 * level and variability over its last 8 rows, a slow channel's change against the 8 rows 24 rows
 * earlier (the rest of the window), the autoencoder over the last 8 rows.
 */
export const DEFAULT_GEOMETRY: DetectorGeometry = { windowLength: 32, k: 8, lag: 24, aeRows: 8 };

/** Normalised copy of `rows` (time-major, `mean.length` channels). */
export function normaliseRows(rows: ArrayLike<number>, mean: readonly number[], std: readonly number[]): Float64Array {
  const c = mean.length;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = (rows[i] - mean[i % c]) / std[i % c];
  return out;
}

/** Level feature of every channel for the window ending at row `end` (normalised rows). */
export function levelFeature(
  x: Float64Array,
  end: number,
  c: number,
  g: DetectorGeometry,
  slow: readonly boolean[],
): Float64Array {
  const now = meanOverRows(x, end, c, g.k);
  if (!slow.includes(true)) return now;
  const past = meanOverRows(x, end - g.lag, c, g.k);
  return now.map((v, ch) => (slow[ch] ? v - past[ch] : v));
}

/** Mean |row-to-row difference| of every channel over the last k rows of the window ending at `end`. */
export function meanAbsDifference(x: Float64Array, end: number, c: number, k: number): Float64Array {
  const out = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let r = end - k + 1; r <= end; r++) s += Math.abs(x[r * c + ch] - x[(r - 1) * c + ch]);
    out[ch] = s / k;
  }
  return out;
}

/** Median of a copy. */
function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The median mean-|difference| over k rows of every channel in the windows ending at `ends`: its typical
 * variability. */
export function typicalVariability(x: Float64Array, c: number, g: DetectorGeometry, ends: readonly number[]): number[] {
  const per: number[][] = Array.from({ length: c }, () => []);
  for (const end of ends) meanAbsDifference(x, end, c, g.k).forEach((v, ch) => per[ch].push(v));
  return per.map((v) => median(v));
}

export function variabilityFeature(
  x: Float64Array,
  end: number,
  c: number,
  k: number,
  floor: readonly number[],
): Float64Array {
  return meanAbsDifference(x, end, c, k).map((v, ch) => Math.log(v + floor[ch]));
}

/**
 * Which channels drift in normal operation: the level (mean of k rows) spreads more across the
 * training span than the channel spreads within a window (median over windows of the within-window
 * sd). A channel of noise around a steady level has the reverse (its k-row mean spreads about
 * 1/√k of its within-window sd); one that warms up or wanders slowly moves further between windows
 * than inside them, so tomorrow's level will leave today's range without a fault. `r2` also reports
 * the R² of a straight line through the level, for the manifest. Neither a level nor a window spans a segment start
 * (segments.ts).
 */
export function slowChannels(
  x: Float64Array,
  rowCount: number,
  c: number,
  k: number,
  windowLength: number,
  segmentStarts: readonly number[] = [],
): { slow: boolean[]; ratio: number[]; r2: number[] } {
  const r2: number[] = [];
  const ratio: number[] = [];
  const levelEnds = windowEnds(k - 1, rowCount, k, segmentStarts);
  const ends = windowEnds(windowLength - 1, rowCount, windowLength, segmentStarts);
  for (let ch = 0; ch < c; ch++) {
    const ys: number[] = [];
    for (const end of levelEnds) {
      let s = 0;
      for (let r = end - k + 1; r <= end; r++) s += x[r * c + ch];
      ys.push(s / k);
    }
    const within: number[] = [];
    for (const end of ends) {
      let m = 0;
      let q = 0;
      for (let r = end - windowLength + 1; r <= end; r++) m += x[r * c + ch] / windowLength;
      for (let r = end - windowLength + 1; r <= end; r++) q += (x[r * c + ch] - m) ** 2;
      within.push(Math.sqrt(q / (windowLength - 1)));
    }
    const n = ys.length;
    const tMean = (n - 1) / 2;
    const yMean = ys.reduce((a, b) => a + b, 0) / n;
    let sty = 0;
    let stt = 0;
    let syy = 0;
    ys.forEach((y, t) => ((sty += (t - tMean) * (y - yMean)), (stt += (t - tMean) ** 2), (syy += (y - yMean) ** 2)));
    r2.push(syy > 0 && stt > 0 ? (sty * sty) / (stt * syy) : 0);
    const across = Math.sqrt(syy / Math.max(1, n - 1));
    ratio.push(across / Math.max(median(within), 1e-12));
  }
  return { slow: ratio.map((v) => v > 1), ratio, r2 };
}

/** Centre (mean) and spread (sd, at least `minSd`, one for all columns or one per column) of each column of feature
 * rows. */
export function centreAndSpread(
  features: readonly Float64Array[],
  minSd: number | readonly number[] = 1e-6,
): { centre: number[]; sd: number[] } {
  const c = features[0].length;
  const centre = new Array<number>(c).fill(0);
  const sq = new Array<number>(c).fill(0);
  for (const f of features) for (let ch = 0; ch < c; ch++) centre[ch] += f[ch] / features.length;
  for (const f of features) for (let ch = 0; ch < c; ch++) sq[ch] += (f[ch] - centre[ch]) ** 2;
  const least = (ch: number) => (typeof minSd === 'number' ? minSd : minSd[ch]);
  return { centre, sd: sq.map((s, ch) => Math.max(Math.sqrt(s / Math.max(1, features.length - 1)), least(ch))) };
}

/**
 * The autoencoder's input for the window ending at `end`: its last `aeRows` normalised rows, every
 * channel at its level (slow ones too), so the autoencoder learns how the channels' levels go
 * together: a drift the channels share stays in what it rebuilds, while a valve that moves without
 * the flows it sets (a compensated fault) leaves a residual for as long as it lasts. Centring the
 * slow channels (their shape only), as an earlier version did, hid such persistent shifts.
 */
export function autoencoderInput(
  x: Float64Array,
  end: number,
  c: number,
  aeRows: number,
  out: Float64Array,
  offset: number,
): void {
  const first = end - aeRows + 1;
  out.set(x.subarray(first * c, (end + 1) * c), offset);
}

/**
 * Reconstruction error of every channel over one window's autoencoder rows (aeRows × c, time-major; the autoencoder
 * runs row by row): its RMS, or its signed mean (a persistent offset shows there long before in the RMS).
 */
export function residualOverRows(
  input: Float64Array,
  reconstruction: Float64Array,
  offset: number,
  aeRows: number,
  c: number,
  kind: 'rms' | 'mean' = 'rms',
): Float64Array {
  const out = new Float64Array(c);
  for (let r = 0; r < aeRows; r++)
    for (let ch = 0; ch < c; ch++) {
      const e = reconstruction[offset + r * c + ch] - input[offset + r * c + ch];
      out[ch] += kind === 'rms' ? e * e : e;
    }
  return out.map((s) => (kind === 'rms' ? Math.sqrt(s / aeRows) : s / aeRows));
}

/**
 * The joint residual: the RMS over the channels of the leave-one-out residual's z (each channel's residual in units of
 * its own out-of-fold spread). A fault that moves many channels a little off what the others predict (a correlation
 * break, a disturbance the loops spread over the plant) raises it while no channel's own term stands out.
 */
export function jointResidual(z: ArrayLike<number>): number {
  let sum = 0;
  for (let ch = 0; ch < z.length; ch++) sum += Math.min(z[ch], JOINT_Z_LIMIT) ** 2;
  return Math.sqrt(sum / z.length);
}

/** The joint residual's standardised value `jointZ` reported on the channels by their share of the largest residual
 * z (the channel that weighs most gets all of it), as the residual kind's term of each channel. */
export function jointOnChannels(z: ArrayLike<number>, jointZ: number): Float64Array {
  let largest = 0;
  for (let ch = 0; ch < z.length; ch++) largest = Math.max(largest, Math.min(z[ch], JOINT_Z_LIMIT));
  return Float64Array.from(z, (v) => (jointZ * Math.min(v, JOINT_Z_LIMIT)) / (largest + JOINT_SHARE_EPSILON));
}

/** Keeps the share finite where every residual is zero (the graph adds the same). */
export const JOINT_SHARE_EPSILON = 1e-9;

/** Each z counts at most this much in the joint residual: its square stays far inside float32's range (3.4e38), so a
 * finite window never scores Inf or NaN there (the channel's own term still carries its whole z). */
export const JOINT_Z_LIMIT = 1e15;

/**
 * The component channels: the principal directions the fast channels share in normal operation
 * (normalised rows; Kaiser's rule: the components above the mean variance). A disturbance whose
 * random variation grows moves many correlated channels a little more each, below each channel's
 * own spread but plain in the component that carries it, where the channels' noise averages out.
 */
export interface ComponentChannels {
  /** How many components. */
  readonly count: number;
  /** channels × count, row-major: the weight of each channel in each component (zero for slow channels). */
  readonly projection: readonly number[];
  /** count × channels: each channel's |weight| over the component's largest, so a component's term is reported on
   * the channel that weighs most in it (and on the others in proportion). */
  readonly share: readonly number[];
}

/** The component channels of normalised rows x (n × c) over the channels that are not slow; none for fewer than 2. */
export function componentChannels(x: Float64Array, n: number, c: number, slow: readonly boolean[]): ComponentChannels {
  const fast = slow.flatMap((s, ch) => (s ? [] : [ch]));
  const none = { count: 0, projection: [], share: [] };
  if (fast.length < 2) return none;
  const f = fast.length;
  const rows = new Float64Array(n * f);
  for (let r = 0; r < n; r++) fast.forEach((ch, i) => (rows[r * f + i] = x[r * c + ch]));
  const pc = principalComponents(rows, n, f, (variance, found, total) => found === 0 || variance > total / f);
  const m = pc.axes.length;
  if (m === 0) return none;
  const projection = new Array<number>(c * m).fill(0);
  fast.forEach((ch, i) => pc.axes.forEach((axis, k) => (projection[ch * m + k] = axis[i])));
  const share = new Array<number>(m * c).fill(0);
  pc.axes.forEach((axis, k) => {
    const largest = Math.max(...axis.map(Math.abs));
    fast.forEach((ch, i) => (share[k * c + ch] = Math.abs(axis[i]) / largest));
  });
  return { count: m, projection, share };
}

/** Mean of every column of `y` (time-major, `m` columns) over the `rows` rows up to row `end`: a channel's level, or a
 * component's. */
export function meanOverRows(y: Float64Array, end: number, m: number, rows: number): Float64Array {
  const out = new Float64Array(m);
  for (let r = end - rows + 1; r <= end; r++) for (let i = 0; i < m; i++) out[i] += y[r * m + i];
  return out.map((v) => v / rows);
}

/** The component rows of normalised rows x (n × c): n × count. */
export function componentRows(x: Float64Array, n: number, c: number, comp: ComponentChannels): Float64Array {
  const m = comp.count;
  const out = new Float64Array(n * m);
  for (let r = 0; r < n; r++)
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let ch = 0; ch < c; ch++) s += x[r * c + ch] * comp.projection[ch * m + k];
      out[r * m + k] = s;
    }
  return out;
}
