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
