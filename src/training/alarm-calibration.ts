/**
 * Alarm thresholds from the user's own normal data: `on` (raise) and `off` (clear, hysteresis) for a target an operator
 * understands, "F false alarms per day" (a false alarm = one alarm episode, i.e. one rising edge, in normal operation),
 * or a per-window quantile. Pure functions, no I/O.
 *
 * Its parts: the GPD tail in gpd-tail.ts, the extremal index and alarm episodes in exceedance-clusters.ts, the target
 * in calibration-target.ts; calibrateAlarm here puts them together, and this module re-exports them.
 *
 * Method: peaks over threshold with a Generalized Pareto (GPD) tail, as in SPOT (Siffer et al., KDD 2017), plus
 *  - the extremal index θ (Ferro & Segers 2003, intervals estimator: no run-length constant), because scores of sliding
 * windows (hop 1) exceed a level in clusters: episodes start at θ·P(score > on) per row, so the target F /
 * rowsPerDay
 *    episodes per row becomes the exceedance probability F / (rowsPerDay·θ) (Coles 2001 §5.3);
 *  - a guard against the small-sample bias: `on` is the posterior-predictive level (Coles 2001 §9.1.2; Smith 1999), the
 *    level whose exceedance probability AVERAGED over what the data leave uncertain about the tail is the target, not
 *    the plug-in (maximum-likelihood) level. The plug-in underestimates the tail: the exceedance rate is convex in the
 *    fitted parameters, so an error towards a short tail costs more alarms than the opposite error saves. With 15–40
 * GPD excesses the plug-in level's mean exceedance is 6.6–30× the target; the predictive one's 0.0–1.3×
 * (conservative
 *    for light tails, where the free shape can still be heavier; exact for an exponential tail of known shape under
 *    the 1/σ prior). Its margin grows with the uncertainty squared: nil with millions of rows, large with hundreds.
 *    This matches the target as stated, "the EXPECTED number of episodes per day is F". An upper confidence bound
 *    (profile likelihood, tried) answers "at most F with 95 % confidence" instead; wide enough to cover a 300-row span,
 *    it put 3,000-row calibrations at 0.1–0.3× the target (median) for Gaussian-like scores at one row a second.
 *
 * Settings, each a convention or a consequence of the data (none tuned on a data set):
 *  - tail threshold u: the k-th largest score, k = max(10, ⌈√n⌉) (the √n rule of thumb, see Scarrott & MacDonald 2012;
 *    ten excesses at least for a two-parameter fit, hence n ≥ 20 so that u is not below the median); moved down past
 *    ties so that at least k scores lie strictly above it;
 *  - GPD shape ξ in [−0.5, 0.5]: below −0.5 the likelihood is not regular (Smith 1985), above 0.5 the score would have
 *    no variance; flat prior on ξ, 1/σ on the scale (scale invariance);
 *  - the log-likelihood is weighted by θ: the k excesses come in clusters of mean size 1/θ, and counting each cluster
 *    once keeps one excursion's rows from posing as independent evidence (cf. Fawcett & Walshaw 2007). A data-driven
 *    sandwich weight (Chandler & Bate 2007) was tried: with ~10 clusters it ranged 0.02–1, too noisy to use;
 *  - a target below the tail (exceedance probability ≥ k/n) takes the empirical quantile: there the data suffice;
 * - `off` is the level exceeded OFF_RATE_MULTIPLE = 10 times as often as `on` (one decade of rate: scale-free, the
 * same
 *    for any score distribution, not fitted), never below u, so an alarm clears once the score is back among ordinary
 *    normal values. A wobble around `on` above `off` is one episode, so hysteresis only lowers the episode rate;
 *  - `clear`: where `off` lies above the largest calibration score, a raised alarm clears only below that score (the
 *    largest normal score: above it the score is above anything normal operation gave, so not back among normal
 *    values); `off` stays the level the sustain rule reads. It only holds a raised alarm, so it raises none, and
 *    for at most the sustain time (the alarm state machine): a plant settled above it after a fault is let go;
 *  - when the target allows less than one episode (or exceedance, for a quantile) in the whole calibration span, `on`
 *    is strictly above the largest held-out score (the predictive level almost always is; this is a floor);
 *  - a constant score (a perfectly quiet channel, all zeros) has no tail: an Error telling the caller to set `on` by
 *    hand above the constant (any rise then alarms). So are NaN/±Inf, fewer than 20 scores and malformed targets.
 *
 * Known limits (test/training/alarm-calibration.test.ts: 40 calibrations per case, autocorrelated synthetic scores):
 *  - 3,000 rows: at one row a minute (2/day) median 1.0–1.1× the target, worst 3×. At one row a second (10/day: 0.35
 *    episodes in the span, so extrapolation) mean 0.75–2×, median 0.4–1.3×, single calibrations from ~0 to ~8×.
 *  - ~300 rows (10–20 independent excursions of a φ = 0.9 process): median ≤ 1.4×, mean 0.2–2.5×, but up to 30 % of
 *    calibrations give more than 2× the target, the worst seen 37×: a span that happened to be calm. No fit of a short
 *    span can see what the span did not contain; at one row a second most 300-row calibrations alarm far less.
 *  - tails that turn heavier beyond the data (t(4) noise summed by an AR(1), φ = 0.7) are underestimated: mean 2×.
 *  - scores must be stationary between calibration and use; θ is estimated at u and usually grows with the level,
 *    which errs towards fewer alarms. Debouncing (onDelayMs) in the alarm state machine lowers the rate further.
 */
import { targetPerRow, type CalibrationTarget, type CalibrationUnit } from './calibration-target.js';
import { extremalIndex } from './exceedance-clusters.js';
import { fitGpd, gpdLevel, gpdPosterior, predictiveLevel } from './gpd-tail.js';

export { targetText, type CalibrationTarget, type CalibrationUnit } from './calibration-target.js';
export { countEpisodes, extremalIndex } from './exceedance-clusters.js';
export {
  fitGpd,
  gpdLevel,
  gpdLogLikelihood,
  gpdPosterior,
  gpdSurvival,
  predictiveLevel,
  SHAPE_MAX,
  SHAPE_MIN,
  type GpdFit,
  type PosteriorCell,
} from './gpd-tail.js';

export interface AlarmCalibration {
  /** Alarm threshold: raise when the score goes above it. */
  readonly on: number;
  /** Clear threshold (< on): clear when the score goes below it; a score that stays above it for a window's span
   * raises the alarm too (the sustain rule). */
  readonly off: number;
  /** Where a raised alarm clears when that lies below `off`: the largest normal score (the calibration's), so an alarm
   * holds while the score stays above every normal score seen; absent where `off` lies at or below it. */
  readonly clear?: number;
  /** One sentence for the model manifest: how on/off were found, with the fitted numbers. */
  readonly method: string;
  readonly details: Readonly<Record<string, number | string>>;
}

export const MIN_EXCEEDANCES = 10;
export const MIN_SCORES = 2 * MIN_EXCEEDANCES;
export const OFF_RATE_MULTIPLE = 10;

/** The on level's rule where the budget expects less than one false alarm in the rows: above every normal score. */
const JUST_ABOVE = 'just above the largest score';
/** The smallest double above x. */
function nextAbove(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + (x > 0 ? 1n : -1n));
  return view.getFloat64(0);
}

function checkedScores(segments: readonly ArrayLike<number>[]): Float64Array {
  let n = 0;
  for (const s of segments) n += s.length;
  const all = new Float64Array(n);
  let at = 0;
  segments.forEach((s, segment) => {
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i]))
        throw new Error(`calibrateAlarm: score ${s[i]} at segment ${segment} index ${i} is not a finite number`);
      all[at++] = s[i];
    }
  });
  if (n < MIN_SCORES)
    throw new Error(`calibrateAlarm: ${n} scores; at least ${MIN_SCORES} held-out normal scores are needed`);
  return all;
}

const fmt = (x: number) => Number(x.toPrecision(4));

/** The scores the tail is fitted on among n: max(MIN_EXCEEDANCES, ⌈√n⌉). */
export function tailSize(n: number): number {
  return Math.max(MIN_EXCEEDANCES, Math.ceil(Math.sqrt(n)));
}

/**
 * Where the tail of ascending `sorted` scores starts (see above): the k-th largest, k = max(MIN_EXCEEDANCES, ⌈√n⌉),
 * moved down past ties so that at least k scores lie strictly above it; uIndex −1 where no such score is.
 */
export function tailThreshold(sorted: Float64Array): { readonly k: number; readonly uIndex: number } {
  const n = sorted.length;
  const k = tailSize(n);
  let uIndex = n - 1 - k;
  while (uIndex >= 0 && sorted[uIndex] === sorted[uIndex + 1]) uIndex--;
  return { k, uIndex };
}

/**
 * `on` and `off` for the target from held-out normal scores. segments: time-ordered scores of held-out normal windows,
 * one array per contiguous stretch. rowsPerDay = 86_400_000 / samplePeriodMs (hop 1). `unit`: what a score is of, a
 * row's window or a produced part (one window per part: the budget then counts false rejects a day at `rowsPerDay`
 * parts a day); it words the method, nothing else.
 */
export function calibrateAlarm(
  segments: readonly ArrayLike<number>[],
  rowsPerDay: number,
  target: CalibrationTarget,
  unit: CalibrationUnit = 'rows',
  /** What the scores are, in the method's words: held out, or every window's scored out of fold (hybrid, stats). */
  scoresAre = 'held-out normal scores',
): AlarmCalibration {
  const goal = targetPerRow(rowsPerDay, target, unit);
  const all = checkedScores(segments);
  const n = all.length;
  const sorted = Float64Array.from(all).sort();
  const [smallest, largest] = [sorted[0], sorted[n - 1]];
  if (smallest === largest) {
    throw new Error(
      `calibrateAlarm: all ${n} scores equal ${largest}: a constant score has no tail to fit (set on by hand above ${largest}; any rise then alarms)`,
    );
  }
  const { k, uIndex } = tailThreshold(sorted);
  if (uIndex < 0) {
    const above = sorted.filter((x) => x > smallest).length;
    throw new Error(
      `calibrateAlarm: only ${above} of ${n} scores lie above the smallest (${smallest}); at least ${k} are needed to fit the tail`,
    );
  }
  const u = sorted[uIndex];
  const exceedances = n - 1 - uIndex;
  const pu = exceedances / n;
  const theta = extremalIndex(segments, u);
  const pOn = goal.episodes ? goal.perRow / theta : goal.perRow;
  if (pOn > 0.5) {
    throw new Error(
      `calibrateAlarm: ${goal.text} needs the score above on with probability ${fmt(pOn)} per row (extremal index ${fmt(theta)}), ` +
        `more than 0.5: an alarm level must lie above the median${goal.episodes ? `; at most ${fmt(0.5 * rowsPerDay * theta)} false alarms/day can be calibrated at this sample rate` : ''}`,
    );
  }
  const excesses = sorted.subarray(uIndex + 1).map((x) => x - u);
  const fit = fitGpd(excesses);
  const posterior = gpdPosterior(excesses, theta);
  const levelAt = (p: number) =>
    p >= pu ? sorted[Math.max(0, n - 1 - Math.round(p * n))] : predictiveLevel(posterior, u, pu, p);

  let on = levelAt(pOn);
  let onRule = pOn >= pu ? 'empirical quantile' : 'posterior-predictive GPD level';
  const expectedInSpan = goal.perRow * n;
  if (expectedInSpan < 1 && on <= largest) [on, onRule] = [nextAbove(largest), JUST_ABOVE];
  const pOff = Math.min(OFF_RATE_MULTIPLE * pOn, 0.5);
  let off = levelAt(pOff);
  if (on > u) off = Math.max(off, u);
  if (off >= on) {
    const below = sorted.filter((x) => x < on);
    if (below.length === 0)
      throw new Error(`calibrateAlarm: no normal score lies below on = ${on}, so off cannot be placed below it`);
    off = below[below.length - 1];
  }
  // An alarm clears once the score is back among the normal scores: below `off`, and where `off` lies above every
  // normal score, below the largest of them (a score above it is above anything normal operation gave).
  const clear = largest < off ? largest : undefined;
  const pluginOn = pOn >= pu ? on : gpdLevel(u, fit, pu, pOn);
  const method =
    `on ${fmt(on)} is ${onRule === JUST_ABOVE ? '' : 'the '}${onRule} for ${goal.text} (score above on in ${pOn.toExponential(2)} of ${unit}` +
    `${goal.episodes ? `, extremal index ${fmt(theta)}` : ''}), from a GPD tail (shape ${fmt(fit.shape)}, scale ${fmt(fit.scale)}) ` +
    `over u ${fmt(u)}, the top ${exceedances} of ${n} ${scoresAre} (plug-in level ${fmt(pluginOn)}); ` +
    `off ${fmt(off)} is exceeded ${OFF_RATE_MULTIPLE}× as often, never below u` +
    (clear !== undefined
      ? `; a raised alarm clears below the largest normal score ${fmt(clear)}, under off (off stays the level a sustained deviation must hold).`
      : '.');
  return {
    on,
    off,
    ...(clear !== undefined ? { clear } : {}),
    method,
    details: {
      windows: n,
      segments: segments.length,
      target: goal.text,
      target_per_row: goal.perRow,
      tail_threshold_u: u,
      exceedances,
      extremal_index: theta,
      effective_exceedances: theta * exceedances,
      gpd_shape: fit.shape,
      gpd_scale: fit.scale,
      exceedance_prob_on: pOn,
      exceedance_prob_off: pOff,
      plugin_on: pluginOn,
      on_rule: onRule,
      largest_score: largest,
      expected_in_span: expectedInSpan,
      off_rate_multiple: OFF_RATE_MULTIPLE,
    },
  };
}
