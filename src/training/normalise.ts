/** z-score normalisation of raw windows for training (the exported graph does it at run time). */

/**
 * zscore: one mean and sd per channel, over every point of the windows (the continuous models; part models before
 * 2026-12-07). part_curve: a part model's, each point of the cycle against the good parts' mean curve there (a mean per
 * point and channel, time-major) over one sd per channel (partNormalisation); the points of a part its rows did not
 * reach (a missed poll lost its last readings, or one among its rows) are left out of its score (Window.unreadPoints,
 * scoring-graph.ts).
 */
export type NormalisationMethod = 'zscore' | 'part_curve';

export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Normalises a time-major window into `out` at `offset`. `mean` and `std` each hold one value per channel, or one per
 * point and channel (the whole window, time-major): a part model's mean curve (partNormalisation).
 */
export function normaliseInto(
  data: ArrayLike<number>,
  norm: Normalisation,
  out: Float64Array | Float32Array,
  offset = 0,
): void {
  const { mean, std } = norm;
  for (let k = 0; k < data.length; k++) out[offset + k] = (data[k] - mean[k % mean.length]) / std[k % std.length];
}

/** Windows normalised and laid end to end (time-major each): the matrix a fit trains on. */
export function flattenNormalised(windows: readonly Float64Array[], mean: number[], std: number[]): Float64Array {
  const d = windows[0].length;
  const tmp = new Float32Array(d);
  const out = new Float64Array(windows.length * d);
  windows.forEach((w, i) => {
    normaliseInto(w, { mean, std }, tmp);
    out.set(tmp, i * d);
  });
  return out;
}

/**
 * A part model's normalisation: each point of the cycle less the good parts' mean there (their mean curve,
 * time-major, one value per point and channel), over each channel's spread about that curve (one per channel: the sd
 * of the good parts' deviations from their mean curve, over all its points). Normalised over the whole cycle instead,
 * a curve's own swing set a channel's sd: a pressure rising from 10 to 900 bar every cycle got 240 bar, so a 25 %
 * lower peak or an 8 mm shift of the cushion counted less than the 0.1 °C noise of a temperature that barely moves,
 * and that noise set the good parts' scores (docs/detection-history.md, thirty-fifth session).
 */
export function partNormalisation(
  windows: readonly Float64Array[],
  channels: number,
  minStd = 1e-6,
): { method: 'part_curve'; mean: number[]; std: number[] } {
  const d = windows[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const w of windows) for (let k = 0; k < d; k++) mean[k] += w[k] / windows.length;
  const sq = new Array<number>(channels).fill(0);
  for (const w of windows) for (let k = 0; k < d; k++) sq[k % channels] += (w[k] - mean[k]) ** 2;
  const n = Math.max(1, windows.length - 1) * (d / channels);
  return { method: 'part_curve', mean, std: sq.map((s) => Math.max(Math.sqrt(s / n), minStd)) };
}

/**
 * A part model's denoising noise (FitOptions.inputNoise), in part_curve units: half of each channel's sd, the good
 * parts' own spread about their mean curve, so nothing in it is set for a machine or a unit. Without it the
 * autoencoder fits the deviations of the parts it learnt more closely than those of new parts, the held-out parts'
 * scores get a heavier tail, and the calibration puts the threshold far above the good parts (the press at 8,160
 * training rows, seed 2: 94 of 100 severity-0.15 press-fits passed). Chosen among 0.25, 0.5 and 1 sd on that press
 * (F1 / false rejects 0.906 / 1, 0.922 / 1, 0.917 / 4), then measured on the moulder, the die-casting cell and the
 * press (docs/detection-history.md, "The learnt/held-out gap, remedies tried").
 */
export const PART_CURVE_NOISE = 0.5;
