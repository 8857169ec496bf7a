/**
 * Principal components of normalised rows (pure): the covariance's leading eigenvectors by power
 * iteration with deflation. Used for the component channels of the spread term (the directions the fast channels
 * share in normal operation, Kaiser's rule; detector-features.ts).
 */

export interface PrincipalComponents {
  /** One unit-length axis per component (over the d columns), largest variance first. */
  readonly axes: readonly Float64Array[];
  /** Variance of the rows along each axis. */
  readonly variances: readonly number[];
  /** Total variance of the rows (the covariance's trace). */
  readonly total: number;
}

/**
 * Leading principal components of `n` rows of `d` columns (row-major, taken as centred), while
 * `more(variance, found, total)` says to go on.
 */
export function principalComponents(
  x: Float64Array,
  n: number,
  d: number,
  more: (variance: number, found: number, total: number) => boolean,
): PrincipalComponents {
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) cov[i * d + j] += (x[r * d + i] * x[r * d + j]) / n;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[j * d + i] = cov[i * d + j];
  let total = 0;
  for (let i = 0; i < d; i++) total += cov[i * d + i];
  const axes: Float64Array[] = [];
  const variances: number[] = [];
  if (!(total > 0)) return { axes, variances, total: 0 };
  while (axes.length < d) {
    let v = Float64Array.from({ length: d }, (_, i) => 1 / Math.sqrt(d) + (i % 7) * 1e-3);
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) w[i] += cov[i * d + j] * v[j];
      const norm = Math.hypot(...w);
      if (!(norm > 1e-12 * total)) return { axes, variances, total };
      const next = w.map((y) => y / norm);
      const converged = Math.abs(norm - lambda) <= 1e-9 * total;
      lambda = norm;
      v = next;
      if (converged) break;
    }
    if (!more(lambda, axes.length, total)) break;
    axes.push(v);
    variances.push(lambda);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] -= lambda * v[i] * v[j];
  }
  return { axes, variances, total };
}
