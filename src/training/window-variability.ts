/**
 * The whole-window variability (pure): the log of the mean |row-to-row difference| over all W − 1 differences of the
 * window, of each channel (the window variability: channelWindowVariability) or of each principal component (the
 * spread, fit-statistical.ts).
 * The 8-row variability flickers with a fault that makes a channel vary at random (a feed temperature's random
 * variation, a sticking valve): its mean of 8 differences dips back into the normal range between swings. Over the
 * whole window the swings average, and the term stays up for as long as the variation lasts.
 *
 * Its centre is the mean over the training windows; its sd is the k-row variability's sd times √(k / (W − 1)), as for
 * independent differences: a few hundred overlapping windows hold too few independent whole-window values to estimate
 * it (estimated from them, the calibration put `on` at 8–10 z on some files), and never below what a quantised
 * channel's step allows (channel-resolution.ts).
 */
import { variabilityScale } from './channel-resolution.js';
import { outOfFoldLevel } from './cross-fit.js';
import { centreAndSpread, typicalVariability, variabilityFeature, type DetectorGeometry } from './detector-features.js';

export interface WholeWindowVariability {
  /** The graph's standardisation, per column: the floor added before the log, the centre and the sd. */
  readonly term: { readonly floor: number[]; readonly centre: number[]; readonly sd: number[] };
  /** Per window of `ends`: each column's |z| (the calibration's fixed terms). */
  readonly z: Float64Array[];
  /** Per window of `ends`: each column's whole-window variability. */
  readonly values: Float64Array[];
}

/**
 * The whole-window variability of the m columns of y (n rows, time-major, normalised), standardised on the windows
 * ending at `ends`. `resolution`: each column's step (0 for a continuous one, as every component is). `shortSd`: the
 * k-row variability's sd over the same windows where the caller has it already (kRowVariabilitySd computes it).
 */
export function wholeWindowVariability(
  y: Float64Array,
  n: number,
  m: number,
  g: DetectorGeometry,
  ends: readonly number[],
  resolution: readonly number[] = new Array<number>(m).fill(0),
  shortSd: readonly number[] = kRowVariabilitySd(y, n, m, g, ends, resolution),
): WholeWindowVariability {
  const whole = g.windowLength - 1;
  const wide = variabilityScale(typicalVariability(y, m, { ...g, k: whole }, ends), resolution, whole);
  const values = ends.map((e) => variabilityFeature(y, e, m, whole, wide.floor));
  const { centre } = centreAndSpread(values);
  const sd = shortSd.map((v, i) => Math.max(v * Math.sqrt(g.k / whole), wide.minSd[i]));
  return {
    term: { floor: wide.floor, centre, sd },
    z: values.map((v) => v.map((value, i) => Math.abs(value - centre[i]) / sd[i])),
    values,
  };
}

/** The sd of the k-row variability (floor and least sd: channel-resolution.ts) over the windows ending at `ends`. */
function kRowVariabilitySd(
  y: Float64Array,
  n: number,
  m: number,
  g: DetectorGeometry,
  ends: readonly number[],
  resolution: readonly number[],
): number[] {
  const short = variabilityScale(typicalVariability(y, m, g, ends), resolution, g.k);
  return centreAndSpread(
    ends.map((e) => variabilityFeature(y, e, m, g.k, short.floor)),
    short.minSd,
  ).sd;
}

/**
 * Each channel's window variability (x: n rows × c channels, normalised), standardised as a level is: each window
 * against the windows that do not overlap it, in units of its out-of-fold spread (cross-fit.ts: outOfFoldLevel), and
 * never narrower than wholeWindowVariability's sd. A controller's output whose activity changes with the operating
 * point (a valve that works harder for a while) has a variability that wanders across the span, further than
 * independent differences would let it; measured against the rest of the span it is heard that much less. Measured
 * (2026-12-05): on Tennessee Eastman fitted on its normal run, the steam valve's window variability sat 5.2 sds out in
 * normal rows of another run with the sd of wholeWindowVariability alone, and raised false alarms.
 */
export function channelWindowVariability(
  x: Float64Array,
  n: number,
  c: number,
  g: DetectorGeometry,
  ends: readonly number[],
  resolution: readonly number[],
  shortSd?: readonly number[],
): WholeWindowVariability {
  const independent = wholeWindowVariability(x, n, c, g, ends, resolution, shortSd);
  const { centre, sd, z, scale } = outOfFoldLevel(g.windowLength, independent.values, independent.term.sd);
  return {
    term: { floor: independent.term.floor, centre, sd },
    z: z.map((v) => v.map((value, ch) => value / scale[ch])),
    values: independent.values,
  };
}
