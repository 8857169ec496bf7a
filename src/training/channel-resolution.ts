/**
 * What a channel's readings can resolve, and so the least spread a term of it can have.
 *
 * Many PLC channels are quantised: an integer register, a status or mode word, a flow in whole
 * litres a minute, a pressure in steps of an ADC. A quantised channel can sit on one value for a
 * whole stretch of the training rows and then move by one step. Measured on the stretches where it
 * sat still, its level and variability have no spread at all, and the one step scores millions of
 * z: the cross-fitted calibration then puts the alarm out of reach for every channel. A reading
 * cannot say more about the value behind it than its step: the value may move anywhere inside the
 * step unseen, so the spread of a term is at least what one step does to it, times 1/√12 (the sd of
 * a value spread evenly over one step, the usual quantisation noise).
 *
 * Everything here is in the normalised units of the detector's terms and pure.
 */

/** The sd of a value spread evenly over one step of width 1. */
export const QUANTISATION_SD = 1 / Math.sqrt(12);

/** Readings closer than this (in the channel's training sd) are one value: recording jitter, not a step. */
export const SAME_VALUE_SD = 0.01;

/**
 * Per channel: the step its readings move in (the median gap between its distinct values, sorted),
 * or 0 for a continuous channel (no step to respect). Values within SAME_VALUE_SD of the last one
 * counted are one value: an export that writes 32.0003 for 32 does not make a flow in whole units
 * continuous. A channel is quantised when at least a fifth of its readings repeat the one before
 * (a register that sits still between steps), or when it takes at most √rows distinct values (a
 * status word, a small set of levels it moves between); continuous noise does neither. `x` is
 * normalised (sd 1).
 */
export function channelResolution(x: Float64Array, rowCount: number, c: number): number[] {
  const out: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const values = new Float64Array(rowCount);
    let repeats = 0;
    for (let r = 0; r < rowCount; r++) {
      values[r] = x[r * c + ch];
      if (r > 0 && Math.abs(values[r] - values[r - 1]) <= SAME_VALUE_SD) repeats++;
    }
    values.sort();
    const gaps: number[] = [];
    let last = values[0];
    for (let r = 1; r < rowCount; r++)
      if (values[r] - last > SAME_VALUE_SD) {
        gaps.push(values[r] - last);
        last = values[r];
      }
    const quantised = repeats >= (rowCount - 1) / 5 || gaps.length + 1 <= Math.sqrt(rowCount);
    if (gaps.length === 0 || !quantised) {
      out.push(0);
      continue;
    }
    gaps.sort((a, b) => a - b);
    out.push(gaps[(gaps.length - 1) >> 1]);
  }
  return out;
}

/** The least sd of each channel's level term: one step's quantisation noise (a k-row mean of a value that sits still
 * inside a step is no better known than one reading). `base` is the floor for a continuous channel. */
export function levelMinSd(resolution: readonly number[], base = 1e-6): number[] {
  return resolution.map((q) => Math.max(q * QUANTISATION_SD, base));
}

/**
 * The variability term's floor and least sd per channel. `typical` is the median mean-|difference| over k rows of
 * the training windows. The floor (added inside the log) is a tenth of it, and at least one step in k rows, so that
 * "no step" and "one step" differ by at most log 2 instead of by the log of ~0; the least sd is what one step in k
 * rows does to the term at its typical value, times QUANTISATION_SD (0 for a continuous channel, then `base`).
 */
export function variabilityScale(
  typical: readonly number[],
  resolution: readonly number[],
  k: number,
  base = 1e-6,
): { floor: number[]; minSd: number[] } {
  const floor = typical.map((m, ch) => Math.max(m / 10, resolution[ch] / k, base));
  const minSd = typical.map((m, ch) =>
    Math.max(Math.log1p(resolution[ch] / k / (m + floor[ch])) * QUANTISATION_SD, base),
  );
  return { floor, minSd };
}

/**
 * Per channel: whether its variability term counts only a rise (one-sided). A quantised channel (resolution > 0) whose
 * training windows include one with no step in its last k rows (a mean |difference| under half a step over k rows)
 * has shown, in normal operation, the lowest variability its readings can show: a calmer window than that cannot be
 * read, and one as calm is normal. Its lower side then carries no evidence, only the long lower tail of a count of
 * steps (the log of a mean of 8 differences that are mostly 0 or one step: SKAB's Pressure, 5 values, and flow, 16–29
 * values, half their rows repeating the one before): scored two-sided, such a window read 4–10 z and was the largest
 * normal score of 25 of SKAB's 34 files, so it set the alarm for every other channel. `differences`: each training
 * window's mean |difference| over k rows per channel (meanAbsDifference).
 */
export function calmUnreadable(
  differences: readonly ArrayLike<number>[],
  resolution: readonly number[],
  k: number,
): boolean[] {
  return resolution.map((q, ch) => q > 0 && differences.some((d) => d[ch] < q / (2 * k)));
}
