/**
 * Pure scoring arithmetic shared by the gateway, training and benchmarks: z-score normalisation
 * of a window, and the reconstruction-error score with each channel's share of it.
 */
import type { ChannelContribution } from '../core/types.js';

export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Writes the normalised window (time-major, `channels` per row) into `out` at `offset`. */
export function normaliseInto(data: ArrayLike<number>, norm: Normalisation, out: Float32Array, offset = 0): void {
  const c = norm.mean.length;
  for (let k = 0; k < data.length; k++) {
    const ch = k % c;
    out[offset + k] = (data[k] - norm.mean[ch]) / norm.std[ch];
  }
}

export interface ReconstructionScore {
  readonly score: number;
  /** Per-channel mean squared error, in channel order. */
  readonly perChannel: Float64Array;
}

/** Mean squared error of one window (normalised units) and its per-channel parts. */
export function reconstructionScore(x: ArrayLike<number>, y: ArrayLike<number>, offset: number, size: number, channels: number): ReconstructionScore {
  const perChannel = new Float64Array(channels);
  let total = 0;
  for (let k = 0; k < size; k++) {
    const e = (y[offset + k] - x[offset + k]) ** 2;
    perChannel[k % channels] += e;
    total += e;
  }
  const rows = size / channels;
  for (let ch = 0; ch < channels; ch++) perChannel[ch] /= rows;
  return { score: total / size, perChannel };
}

/** Channel shares of the error, largest first. */
export function contributions(perChannel: Float64Array, names: readonly string[]): ChannelContribution[] {
  let sum = 0;
  for (const v of perChannel) sum += v;
  return names
    .map((channel, i) => ({ channel, share: sum > 0 ? perChannel[i] / sum : 0 }))
    .sort((a, b) => b.share - a.share);
}
