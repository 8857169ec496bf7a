/** z-score normalisation of raw windows for training (the exported graph does it at run time). */

export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Normalises a time-major window (`mean.length` channels per row) into `out` at `offset`. */
export function normaliseInto(
  data: ArrayLike<number>,
  norm: Normalisation,
  out: Float64Array | Float32Array,
  offset = 0,
): void {
  const c = norm.mean.length;
  for (let base = 0; base < data.length; base += c) {
    for (let ch = 0; ch < c; ch++) out[offset + base + ch] = (data[base + ch] - norm.mean[ch]) / norm.std[ch];
  }
}
