/**
 * What a part model's threshold rests on, told to the user who trains it (pure): the held-out parts' largest score,
 * the parts far outside the others that set the threshold, and a budget extrapolated from too few parts.
 *
 *  - A part far outside the others: the held-out parts' scores calibrate the threshold (alarm-calibration.ts), whose
 *    GPD tail is fitted on the top of them. One part that is not a normal one (a glitch in its polling, a bad part in
 *    a recording of good ones) stretches that tail and can lift the threshold above every bad part. The top j parts
 *    are far outside when the tail, fitted on the held-out parts with those j known only to lie above the next one
 *    (censored: they neither stretch the tail they are tested against, nor, left out, cut it short), gives all j a
 *    chance below OUTLIER_CHANCE / (j (j + 1)) of lying as far above it as they do (for an exponential tail, the
 *    Rényi spacing j·(x(j) − x(j+1)) / σ). These shares add up to less than OUTLIER_CHANCE over every j tried, and
 *    the likeliest case, one part, gets half of it. As Rosner's generalised ESD test does, j = 1, 2, … are tried and
 *    the largest j that is far outside names them all, so that two such parts do not hide each other; j stays below
 *    the number of parts the tail is fitted on (a few parts, not the tail itself). The tail is the calibration's:
 *    posterior-predictive (flat prior on the shape in [−0.5, 0.5], 1/σ), its likelihood weighted by the extremal
 *    index.
 *  - Too few parts: where the budget expects less than one of the held-out parts above the threshold, the threshold is
 *    extrapolated beyond them, from the top MIN_EXCEEDANCES of them, the fewest a tail fit takes, until there are
 *    MIN_EXCEEDANCES² held-out parts (then the top √n). Below that the threshold carries a wide margin for what so
 *    few parts leave uncertain about the tail. Said only where the asked budget was used: a budget beyond what the
 *    parts support is replaced by the supported one (part-budget.ts), whose own line says so.
 */
import {
  calibrateAlarm,
  extremalIndex,
  gpdLogLikelihood,
  gpdSurvival,
  MIN_EXCEEDANCES,
  MIN_SCORES,
  SHAPE_MAX,
  SHAPE_MIN,
  tailThreshold,
  type CalibrationTarget,
} from './alarm-calibration.js';
import { partsForHeldOut } from './part-budget.js';

/** The chance below which parts are far outside the others: the conventional 1 % significance level, not fitted. */
export const OUTLIER_CHANCE = 0.01;

/** The held-out parts that tell the tail by the √n rule (fewer: the top MIN_EXCEEDANCES of them). */
export const TAIL_PARTS = MIN_EXCEEDANCES * MIN_EXCEEDANCES;

export interface ScoredPart {
  readonly partId: string;
  readonly score: number;
}

export interface HeldOutOutliers {
  /** Largest first. */
  readonly parts: readonly ScoredPart[];
  /** The chance, under the tail of the held-out parts, of normal parts lying as far above the others. */
  readonly chance: number;
  /** The threshold the other held-out parts give for the same budget; undefined where they cannot be calibrated. */
  readonly thresholdWithout?: number;
}

/**
 * The posterior's grid: shapes over [SHAPE_MIN, SHAPE_MAX]; log scales from SCALE_DECADES decades below the largest
 * excess to 2 above it.
 */
const SHAPES = 41;
const SCALE_STEPS = 241;
const SCALE_DECADES = 4;

/**
 * The posterior-predictive chance that `count` scores known to lie above u + `censoredAt` all lie above u + `level`:
 * the tail (a GPD of the excesses over u, flat prior on the shape, 1/σ on the scale, the likelihood weighted by the
 * extremal index θ, as alarm-calibration.ts fits it) learnt from the `exact` excesses and from the `count` censored
 * ones, of which only that they exceed `censoredAt` is used, so that the parts tested do not stretch the tail they are
 * tested against, nor does leaving them out cut it short.
 */
export function censoredTailChance(
  exact: Float64Array,
  censoredAt: number,
  count: number,
  level: number,
  theta: number,
): number {
  const top = Math.max(censoredAt, ...exact);
  const logLow = Math.log(top) - SCALE_DECADES * Math.LN10;
  const logStep = ((SCALE_DECADES + 2) * Math.LN10) / (SCALE_STEPS - 1);
  const cells: { logWeight: number; ratio: number }[] = [];
  for (let i = 0; i < SHAPES; i++) {
    const shape = SHAPE_MIN + ((SHAPE_MAX - SHAPE_MIN) * i) / (SHAPES - 1);
    for (let j = 0; j < SCALE_STEPS; j++) {
      const scale = Math.exp(logLow + j * logStep);
      const beyond = gpdSurvival(censoredAt, scale, shape);
      const l = gpdLogLikelihood(exact, scale, shape) + count * Math.log(beyond);
      if (l > -Infinity) cells.push({ logWeight: theta * l, ratio: gpdSurvival(level, scale, shape) / beyond });
    }
  }
  const most = Math.max(...cells.map((c) => c.logWeight));
  let total = 0;
  let chance = 0;
  for (const c of cells) {
    const w = Math.exp(c.logWeight - most);
    total += w;
    chance += w * c.ratio ** count;
  }
  return chance / total;
}

/**
 * The held-out parts far outside the others (see above), or undefined where none is. `scores` in time order, `ids`
 * beside them; `rowsPerDay` and `target` as the threshold was calibrated, to say what it would be without them.
 */
export function heldOutOutliers(
  scores: readonly number[],
  ids: readonly string[],
  rowsPerDay: number,
  target: CalibrationTarget,
): HeldOutOutliers | undefined {
  const n = scores.length;
  if (n < MIN_SCORES) return undefined;
  const sorted = Float64Array.from(scores).sort();
  const { k, uIndex } = tailThreshold(sorted);
  if (uIndex < 0) return undefined;
  const u = sorted[uIndex];
  const theta = extremalIndex([scores], u);
  // Largest first: the excesses over u of the top k (and of any tied with the k-th).
  const excesses = sorted
    .subarray(uIndex + 1)
    .reverse()
    .map((x) => x - u);
  const tried = Math.min(k - 1, excesses.length - 2);
  let found: { j: number; chance: number } | undefined;
  for (let j = 1; j <= tried; j++) {
    if (excesses[j - 1] === excesses[j]) continue;
    const chance = censoredTailChance(excesses.subarray(j), excesses[j], j, excesses[j - 1], theta);
    // The top j tested at OUTLIER_CHANCE / (j (j + 1)): these sum to less than OUTLIER_CHANCE over every j, so that
    // normal parts are named in fewer than that share of calibrations, and one part, the likeliest case, is tested
    // at half of it.
    if (chance < OUTLIER_CHANCE / (j * (j + 1))) found = { j, chance };
  }
  if (!found) return undefined;
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const top = new Set(order.slice(0, found.j));
  let thresholdWithout: number | undefined;
  try {
    thresholdWithout = calibrateAlarm([scores.filter((_, i) => !top.has(i))], rowsPerDay, target, 'parts').on;
  } catch {
    thresholdWithout = undefined;
  }
  return {
    parts: order.slice(0, found.j).map((i) => ({ partId: ids[i], score: scores[i] })),
    chance: found.chance,
    ...(thresholdWithout !== undefined ? { thresholdWithout } : {}),
  };
}

/** The parts a recording needs for `TAIL_PARTS` held out, at `validationFraction` held out. */
export function partsForTail(validationFraction: number): number {
  return partsForHeldOut(TAIL_PARTS, validationFraction);
}

const num = (x: number) => Number(x.toPrecision(4)).toString();

/** What train tells of a part model's held-out parts: its log lines and the manifest's score details. */
export function heldOutPartsReport(o: {
  readonly scores: readonly number[];
  readonly ids: readonly string[];
  readonly threshold: number;
  readonly rowsPerDay: number;
  readonly target: CalibrationTarget;
  /** The budget as the calibration words it ("1 false reject/day at 14230 parts/day"). */
  readonly targetText: string;
  /** The parts the budget expects above the threshold among the held-out ones. */
  readonly expectedInSpan: number;
  readonly validationFraction: number;
  /** How a part can be left out of the parts learned from: --part-labels where parts have ids. */
  readonly leaveOut: string;
  /** How many of the parts recorded are learned from, and why the others are not, where some are not. */
  readonly learnedOf?: string;
  /** Whether to note a threshold extrapolated beyond the held-out parts (default true; false where the budget's own
   * line has said what the parts support). */
  readonly extrapolationNote?: boolean;
}): { lines: string[]; details: Record<string, string | number> } {
  const n = o.scores.length;
  const sorted = Float64Array.from(o.scores).sort();
  const largest = o.scores.reduce((a, s, i) => (s > o.scores[a] ? i : a), 0);
  const median = sorted[Math.floor(n / 2)];
  const details: Record<string, string | number> = { largest_score_part: o.ids[largest] };
  const lines: string[] = [];
  const outliers = heldOutOutliers(o.scores, o.ids, o.rowsPerDay, o.target);
  const listed = (ps: readonly ScoredPart[]) => ps.map((p) => `${p.partId} (${num(p.score)})`).join(', ');
  if (!outliers) {
    lines.push(
      `largest score of the ${n} held-out parts: ${num(o.scores[largest])}, part ${o.ids[largest]} (median ${num(median)}); ` +
        (o.scores[largest] < o.threshold
          ? `the threshold ${num(o.threshold)} sits above it, so if that part was not a normal one, train without it (${o.leaveOut})`
          : `the threshold ${num(o.threshold)} is below it, as the budget allows`),
    );
  } else {
    const { parts, chance, thresholdWithout } = outliers;
    const one = parts.length === 1;
    const others = n - parts.length;
    const ids = parts.map((p) => p.partId).join(', ');
    details.outlier_parts = listed(parts);
    details.outlier_chance = chance;
    if (thresholdWithout !== undefined) details.threshold_without_outliers = thresholdWithout;
    lines.push(
      `warning: held-out part${one ? '' : 's'} ${listed(parts)} ${one ? 'scores' : 'score'} far above the other ` +
        `${others} (the largest ${num(sorted[others - 1])}, the median ${num(median)}): the tail of the held-out ` +
        `parts gives normal parts a ${(100 * chance).toPrecision(2)} % chance of lying that far above the rest. ` +
        (thresholdWithout !== undefined
          ? `The threshold is ${num(o.threshold)} with ${one ? 'it' : 'them'}, ${num(thresholdWithout)} without: ` +
            `${thresholdWithout < o.threshold ? `${one ? 'it sets' : 'they set'} the threshold, and bad parts scoring between the two pass. ` : ''}`
          : '') +
        `Inspect part${one ? '' : 's'} ${ids} (a fault, a glitch in ${one ? 'its' : 'their'} polling): if ${one ? 'it was' : 'they were'} not normal, ` +
        `train without ${one ? 'it' : 'them'} (${o.leaveOut}); if ${one ? 'it was' : 'they were'}, record more parts like ${one ? 'it' : 'them'}`,
    );
  }
  if (o.expectedInSpan < 1 && n < TAIL_PARTS && o.extrapolationNote !== false) {
    const k = tailThreshold(sorted).k;
    details.tail_parts = k;
    lines.push(
      `note: the threshold is extrapolated from few parts: the budget (${o.targetText}) expects ` +
        `${num(o.expectedInSpan)} of the ${n} held-out parts above it, so it lies beyond all of them, fitted on the ` +
        `top ${k}, the fewest a tail fit takes; it carries a wide margin for what so few parts leave uncertain ` +
        `(${num(o.threshold)}, ${num(o.threshold / sorted[n - 1])}× the largest held-out score) and may pass bad ` +
        `parts: record more parts, ${partsForTail(o.validationFraction)} at least learned from (${TAIL_PARTS} held out)` +
        (o.learnedOf ? `; ${o.learnedOf}` : ''),
    );
  }
  return { lines, details };
}
