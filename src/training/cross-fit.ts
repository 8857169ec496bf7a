/**
 * Cross-fitting (pure): how the detector's terms are standardised and scored on windows their standardisation did not
 * see, for the threshold calibration (fit-statistical.ts, fit-residual.ts). Blocks of windows, the windows that do not
 * overlap each one, and the scores of every window per block.
 */
import { centreAndSpread } from './detector-features.js';

/** Blocks the rows are cut into for the cross-fitted calibration scores. */
export const CROSS_FIT_BLOCKS = 4;

/** Blocks of the leave-one-out model's cross-fitted residuals: each fold learns from 7/8 of the windows. */
export const RESIDUAL_FIT_BLOCKS = 8;

/** The [from, to) index ranges of the cross-fit blocks of n windows. */
export function crossFitBlocks(n: number, blocks = CROSS_FIT_BLOCKS): [number, number][] {
  const size = Math.ceil(n / blocks);
  const out: [number, number][] = [];
  for (let b = 0; b < blocks; b++) if (b * size < n) out.push([b * size, Math.min(n, (b + 1) * size)]);
  return out;
}

/** Where the largest cross-fitted score came from: the window (index into the ends), the feature (an index into the
 * signed features' z, or their count for the fixed terms) and its entry (a channel, or a fixed term's index). */
export interface LargestTerm {
  readonly window: number;
  readonly feature: number;
  readonly entry: number;
  readonly z: number;
}

/**
 * The fewest windows (hop 1) of `windowLength` rows in which every window has at least 2 others ending more than
 * windowLength rows from it (crossFittedZ's reference): the middle window leaves out itself and windowLength windows on
 * each side.
 */
export function fewestWindowsToCompare(windowLength: number): number {
  return 2 * windowLength + 3;
}

/**
 * A signed feature's z of every window, standardised on every window that does not overlap it (a window ending
 * more than windowLength rows before or after it; the one ending exactly windowLength rows away shares no row either,
 * but is left out as otherWindows leaves it out): leave one window out, not a block. Each sd is at least `minSd` (per
 * channel: what a quantised channel's step allows). Blocks of windows (as the autoencoder's cross-fit must use, one
 * fit per block) would leave out a whole block and its margins: on a 160-row span the middle blocks' references are
 * 32 windows, whose sd's own noise then reads as z of 6-10 in normal rows and sets the alarm level. Sums over the
 * references come from prefix sums: O(windows x channels).
 */
export function crossFittedZ(
  windowLength: number,
  feature: readonly Float64Array[],
  minSd?: readonly number[],
  /** Keep the sign (a one-sided term); by default |z|. */
  signed = false,
): Float64Array[] {
  const n = feature.length;
  if (n < fewestWindowsToCompare(windowLength))
    throw new Error(
      `${n} windows of ${windowLength} rows leave some window fewer than 2 others to compare with (at least ${fewestWindowsToCompare(windowLength)} are needed)`,
    );
  const c = feature[0].length;
  // Sums of the feature less its mean (so the squares do not cancel), from window 0 up to each window.
  const offset = Array.from({ length: c }, (_, ch) => feature.reduce((a, f) => a + f[ch], 0) / n);
  const sum = Array.from({ length: c }, () => new Float64Array(n + 1));
  const squares = Array.from({ length: c }, () => new Float64Array(n + 1));
  feature.forEach((f, i) =>
    f.forEach((v, ch) => {
      sum[ch][i + 1] = sum[ch][i] + (v - offset[ch]);
      squares[ch][i + 1] = squares[ch][i] + (v - offset[ch]) ** 2;
    }),
  );
  return feature.map((f, i) => {
    // The reference: windows [0, before) and [after, n).
    const before = Math.max(0, i - windowLength);
    const after = Math.min(n, i + 1 + windowLength);
    const m = before + n - after;
    return f.map((v, ch) => {
      const mean = (sum[ch][before] + sum[ch][n] - sum[ch][after]) / m;
      const sq = squares[ch][before] + squares[ch][n] - squares[ch][after];
      const sd = Math.max(Math.sqrt(Math.max(0, sq - m * mean * mean) / (m - 1)), minSd?.[ch] ?? 1e-6);
      const z = (v - offset[ch] - mean) / sd;
      return signed ? z : Math.abs(z);
    });
  });
}

/**
 * The joint residual's standardisation (one value per window, detector-features.ts: jointResidual): one-sided, each
 * window against every window that does not overlap it (crossFittedZ), in units of the RMS of those z (at least 1, as
 * the level's out-of-fold scale). The graph's centre and sd are the values' mean and sd, the sd times that scale; `z`
 * is every window's cross-fitted value for the calibration.
 */
export function jointStandardisation(
  values: readonly number[],
  windowLength: number,
): { centre: number; sd: number; z: Float64Array } {
  const rows = values.map((v) => Float64Array.of(v));
  const signed = crossFittedZ(windowLength, rows, undefined, true);
  const [scale] = outOfFoldScale(signed);
  const {
    centre: [centre],
    sd: [sd],
  } = centreAndSpread(rows);
  return { centre, sd: sd * scale, z: Float64Array.from(signed, ([z]) => Math.max(0, z) / scale) };
}

/**
 * The indices i of the windows (of n, hop 1) with i < from − margin or i ≥ to + margin: outside the block [from, to)
 * and, with `margin` the rows a term reads (windowLength for the level and variability, aeRows for the residual's
 * folds), reading no row the block's windows read.
 */
export function otherWindows(n: number, from: number, to: number, margin: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (i < from - margin || i >= to + margin) out.push(i);
  return out;
}

/** Root mean square of entry `ch` over the rows. */
export function rmsOf(rows: readonly Float64Array[], ch: number): number {
  return Math.sqrt(rows.reduce((a, r) => a + r[ch] ** 2, 0) / rows.length);
}

/**
 * Per channel, the RMS of a cross-fitted z (crossFittedZ), at least 1: how much wider the term spreads on data its
 * standardisation did not see than on the data it did. About 1 for a stationary channel (never below: no term is made
 * more sensitive than its in-sample spread says); above 1 for a level that leaves its range for a while (a slow process
 * variation the in-sample sd of a few hundred rows understates: measured against the windows that do not overlap
 * it, a stretch of a few window lengths away from the rest reads as large z), without bound: such a level is heard
 * that much less, and the manifest lists every channel's scale (training.level_out_of_fold_scale).
 */
export function outOfFoldScale(z: readonly Float64Array[]): number[] {
  return Array.from({ length: z[0].length }, (_, ch) => Math.max(1, rmsOf(z, ch)));
}

/**
 * Scores of every window, one array per cross-fit block: the largest of the signed features' cross-fitted z
 * (crossFittedZ, per feature and window), each divided by `scale[f]` where given (per channel: the graph's extra
 * standardisation of that term), and the `fixed` terms (already standardised) as they are. Also says which term of
 * which window gave the largest score.
 */
export function crossFitted(
  zs: readonly (readonly Float64Array[])[],
  fixed?: readonly Float64Array[],
  scale?: readonly (readonly number[] | undefined)[],
): { segments: Float64Array[]; largest: LargestTerm } {
  const segments: Float64Array[] = [];
  let largest: LargestTerm = { window: 0, feature: 0, entry: 0, z: -Infinity };
  const offer = (window: number, feature: number, entry: number, z: number) => {
    if (z > largest.z) largest = { window, feature, entry, z };
  };
  for (const [from, to] of crossFitBlocks(zs[0].length)) {
    const scores = new Float64Array(to - from);
    zs.forEach((z, f) => {
      for (let i = from; i < to; i++)
        z[i].forEach((v, ch) => {
          const t = v / (scale?.[f]?.[ch] ?? 1);
          scores[i - from] = Math.max(scores[i - from], t);
          offer(i, f, ch, t);
        });
    });
    if (fixed)
      for (let i = from; i < to; i++)
        fixed[i].forEach((v, entry) => {
          scores[i - from] = Math.max(scores[i - from], v);
          offer(i, zs.length, entry, v);
        });
    segments.push(scores);
  }
  return { segments, largest };
}

/**
 * A level term in units of its out-of-fold spread (a channel's, or a component's; also each channel's window
 * variability, window-variability.ts): each window's |z| against the windows that do not overlap it (crossFittedZ,
 * for the calibration), its out-of-fold scale (outOfFoldScale), and the graph's standardisation: the in-sample centre,
 * and the in-sample sd (at least `minSd`) widened by that scale.
 */
export function outOfFoldLevel(
  windowLength: number,
  levels: readonly Float64Array[],
  minSd?: readonly number[],
): { centre: number[]; sd: number[]; z: Float64Array[]; scale: number[] } {
  const z = crossFittedZ(windowLength, levels, minSd);
  const scale = outOfFoldScale(z);
  const inSample = centreAndSpread(levels, minSd);
  return { centre: inSample.centre, sd: inSample.sd.map((v, i) => v * scale[i]), z, scale };
}
