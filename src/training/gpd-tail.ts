/**
 * The Generalized Pareto (GPD) tail the alarm calibration fits (alarm-calibration.ts has the method): its
 * log-likelihood and survival, the maximum-likelihood fit with the shape in [SHAPE_MIN, SHAPE_MAX], the plug-in level,
 * and the posterior over (scale, shape) on a grid with its predictive level. Pure functions, no I/O.
 */

export interface GpdFit {
  readonly shape: number;
  readonly scale: number;
  readonly logLikelihood: number;
}

export const SHAPE_MIN = -0.5;
export const SHAPE_MAX = 0.5;
const GRID = 41;
const NEAR_ZERO_SHAPE = 1e-9;

/** Log-likelihood of GPD(scale, shape) for excesses over the threshold (all > 0). */
export function gpdLogLikelihood(excesses: ArrayLike<number>, scale: number, shape: number): number {
  if (!(scale > 0)) return -Infinity;
  const k = excesses.length;
  let sum = 0;
  if (Math.abs(shape) < NEAR_ZERO_SHAPE) {
    for (let i = 0; i < k; i++) sum += excesses[i];
    return -k * Math.log(scale) - sum / scale;
  }
  for (let i = 0; i < k; i++) {
    const t = (shape * excesses[i]) / scale;
    if (!(t > -1)) return -Infinity;
    sum += Math.log1p(t);
  }
  return -k * Math.log(scale) - (1 + 1 / shape) * sum;
}

/** P(excess > y) under GPD(scale, shape). */
export function gpdSurvival(y: number, scale: number, shape: number): number {
  if (y <= 0) return 1;
  if (Math.abs(shape) < NEAR_ZERO_SHAPE) return Math.exp(-y / scale);
  const t = 1 + (shape * y) / scale;
  return t > 0 ? Math.exp(-Math.log(t) / shape) : 0;
}

interface Excesses {
  readonly values: Float64Array;
  readonly largest: number;
  readonly mean: number;
}

function checkedExcesses(excesses: ArrayLike<number>): Excesses {
  const values = Float64Array.from(excesses);
  let largest = 0;
  let sum = 0;
  for (const y of values) {
    if (!(y > 0) || !Number.isFinite(y))
      throw new Error(`GPD fit: excesses must be positive finite numbers (got ${y})`);
    largest = Math.max(largest, y);
    sum += y;
  }
  if (values.length < 2) throw new Error(`GPD fit: at least 2 excesses are needed (got ${values.length})`);
  return { values, largest, mean: sum / values.length };
}

/** The maximum-likelihood scale for a fixed shape: the score equation Σ(1+ξ)w/(1+ξw) = k, w = y/σ, falls with σ. */
function scaleForShape(e: Excesses, shape: number): number {
  if (Math.abs(shape) < NEAR_ZERO_SHAPE) return e.mean;
  const k = e.values.length;
  const excessOfScore = (scale: number) => {
    let s = 0;
    for (let i = 0; i < k; i++) {
      const w = e.values[i] / scale;
      s += ((1 + shape) * w) / (1 + shape * w);
    }
    return s - k;
  };
  let lo = shape < 0 ? -shape * e.largest : e.largest * 1e-12;
  let hi = 4 * (e.largest + e.mean);
  for (let i = 0; i < 100 && hi / lo > 1 + 1e-13; i++) {
    const mid = Math.sqrt(lo * hi);
    if (excessOfScore(mid) > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Maximum-likelihood GPD fit, shape in [SHAPE_MIN, SHAPE_MAX]: the profile likelihood over a grid, then golden
 * section. */
export function fitGpd(excesses: ArrayLike<number>): GpdFit {
  const e = checkedExcesses(excesses);
  const profile = (shape: number) => gpdLogLikelihood(e.values, scaleForShape(e, shape), shape);
  const step = (SHAPE_MAX - SHAPE_MIN) / (GRID - 1);
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < GRID; i++) {
    const v = profile(SHAPE_MIN + i * step);
    if (v > bestValue) [best, bestValue] = [i, v];
  }
  let lo = SHAPE_MIN + Math.max(0, best - 1) * step;
  let hi = SHAPE_MIN + Math.min(GRID - 1, best + 1) * step;
  const golden = (Math.sqrt(5) - 1) / 2;
  let shape = SHAPE_MIN + best * step;
  for (let i = 0; i < 40; i++) {
    const a = hi - golden * (hi - lo);
    const b = lo + golden * (hi - lo);
    if (profile(a) >= profile(b)) hi = b;
    else lo = a;
  }
  const mid = (lo + hi) / 2;
  if (profile(mid) > bestValue) shape = mid;
  const scale = scaleForShape(e, shape);
  return { shape, scale, logLikelihood: gpdLogLikelihood(e.values, scale, shape) };
}

/** The plug-in level exceeded with probability p, when u is exceeded with probability pu ≥ p. */
export function gpdLevel(
  u: number,
  fit: { readonly shape: number; readonly scale: number },
  pu: number,
  p: number,
): number {
  const logRatio = Math.log(pu / p);
  const growth = Math.abs(fit.shape) < NEAR_ZERO_SHAPE ? logRatio : Math.expm1(fit.shape * logRatio) / fit.shape;
  return u + fit.scale * growth;
}

export interface PosteriorCell {
  readonly scale: number;
  readonly shape: number;
  readonly weight: number;
}

/**
 * The posterior over (scale, shape) on a grid: flat in shape over [SHAPE_MIN, SHAPE_MAX], 1/σ in scale, likelihood
 * raised
 * to `likelihoodWeight` (θ for clustered exceedances). Per shape, log σ spans ±7 posterior standard deviations around
 * that shape's maximum-likelihood scale.
 */
export function gpdPosterior(excesses: ArrayLike<number>, likelihoodWeight: number): PosteriorCell[] {
  const e = checkedExcesses(excesses);
  const halfWidth = 7 / Math.sqrt(Math.max(1, likelihoodWeight * e.values.length));
  const step = (2 * halfWidth) / (GRID - 1);
  const cells: { scale: number; shape: number; logWeight: number }[] = [];
  for (let i = 0; i < GRID; i++) {
    const shape = SHAPE_MIN + ((SHAPE_MAX - SHAPE_MIN) * i) / (GRID - 1);
    const centre = Math.log(scaleForShape(e, shape));
    for (let j = 0; j < GRID; j++) {
      const scale = Math.exp(centre - halfWidth + j * step);
      const l = gpdLogLikelihood(e.values, scale, shape);
      // uniform in log σ is the 1/σ prior; `step` is the cell's width in log σ
      if (l > -Infinity) cells.push({ scale, shape, logWeight: likelihoodWeight * l + Math.log(step) });
    }
  }
  const top = Math.max(...cells.map((c) => c.logWeight));
  const weights = cells.map((c) => Math.exp(c.logWeight - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return cells
    .map((c, i) => ({ scale: c.scale, shape: c.shape, weight: weights[i] / total }))
    .filter((c) => c.weight > 1e-15);
}

/** The level z above u whose predictive exceedance probability pu·Σ weight·S(z − u) equals p (p < pu). */
export function predictiveLevel(posterior: readonly PosteriorCell[], u: number, pu: number, p: number): number {
  const exceedance = (y: number) => pu * posterior.reduce((a, c) => a + c.weight * gpdSurvival(y, c.scale, c.shape), 0);
  let lo = 0;
  let hi = Math.max(...posterior.map((c) => c.scale));
  for (let i = 0; i < 2000 && exceedance(hi) > p; i++) [lo, hi] = [hi, hi * 2];
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (exceedance(mid) > p) lo = mid;
    else hi = mid;
  }
  return u + hi;
}
