/**
 * A part model's floor on the points read (score.min_read_points), found on the user's own held-out good parts when
 * the threshold is calibrated on them (train, quantize): the fewest points a part's rows must reach for its verdict to
 * keep the false-reject budget the threshold was calibrated for. Below it the gateway, the Node-RED score node and
 * eval judge a part unknown (core/points-read.ts).
 *
 * A part model leaves the points a part's rows do not reach out of its score (the mean squared error over the points
 * read): fewer points read, a noisier score, and at some gap good parts cross the threshold more often than the
 * budget allows. Each held-out good part is scored with a run of g points not read at every place a gap can take
 * (a missed poll or a stall between two rows, or a lost end: from point 1, the first row's point always read, to the
 * last), g = 1, 2, …: the first g at which these masked parts score above the threshold more often than the budget
 * allows by more than chance makes sets the floor at the points read one gap shorter, L − g + 1; where no gap up to
 * L − 1 does, the floor is 1 (every part is judged). More than chance: the held-out parts above the threshold at one
 * place or more, K, would be a Poisson count with less than OUTLIER_CHANCE (the conventional 1 %) of reaching K at
 * μ = share × parts, the rejects the budget expects among the held-out parts, each judged once. Both sides count
 * parts: the gateway judges a part once, with its gap at one place, and a part's scores at neighbouring places go
 * together, so its places are no independent trials, while the parts are; a part above at any place is counted (its
 * gap may fall there), the cautious side. Until the review of 2026-12-08 μ counted every masked score (share × parts
 * × places, 25–31 times more) against K parts: the shipped press-ae's floor came out 26 of 32 where 1, 1 and 3 of its
 * 599 held-out parts went above with 4, 5 and 6 points unread (358–578 ppm of the masked scores, against 70 ppm), and
 * two parts above at every place with 6 unread left a floor of 4. With so few rejects expected (0.04 among 599 parts
 * at 70 ppm) one part above is within chance and two are not: the held-out parts cannot show a rate near the budget,
 * only one well above it.
 * The budget's share is the one the threshold was calibrated for (score.details.budget_used_ppm); a threshold
 * calibrated without one (2 × the 99.9th percentile) is held to the share of the whole held-out parts it rejects, and
 * to one in their number where it rejects none (a share of 0 would make one part above at one place the floor).
 * Nothing here is fitted to a data set.
 */
import type { ModelManifest } from '../inference/manifest.js';
import { OUTLIER_CHANCE } from './held-out-parts.js';
import { scoreWindows } from './score-graphs.js';

const num = (x: number) => Number(x.toPrecision(3)).toString();

export interface ReadFloor {
  readonly minReadPoints: number;
  /** How it was found, for score.details. */
  readonly details: Record<string, number | string>;
}

/** The share of good parts a part model's threshold may reject: the budget it was calibrated for, else the share of
 * the whole held-out parts above it. */
export function rejectShare(
  score: { readonly threshold: number; readonly details?: Readonly<Record<string, number | string>> },
  heldOutScores: readonly number[],
): number {
  const ppm = score.details?.budget_used_ppm;
  if (typeof ppm === 'number' && ppm > 0) return ppm / 1e6;
  const n = heldOutScores.length;
  return Math.max(heldOutScores.filter((s) => s > score.threshold).length, 1) / Math.max(n, 1);
}

/** The chance of a Poisson count with mean `mean` reaching `count` or more. */
export function poissonAtLeast(count: number, mean: number): number {
  if (count <= 0) return 1;
  if (mean <= 0) return 0;
  let logTerm = -mean;
  let below = Math.exp(logTerm);
  for (let j = 1; j < count; j++) {
    logTerm += Math.log(mean) - Math.log(j);
    below += Math.exp(logTerm);
  }
  return Math.max(0, 1 - below);
}

/** The places a run of `gap` points not read can take in a part of `length` points: from point 1 on. */
function gapRuns(gap: number, length: number): number[][] {
  return Array.from({ length: length - gap }, (_, s) => Array.from({ length: gap }, (_, k) => 1 + s + k));
}

export async function readFloor(o: {
  /** The held-out good parts (raw, time-major). */
  readonly heldOut: readonly Float64Array[];
  readonly windowLength: number;
  readonly threshold: number;
  /** The share of good parts the threshold may reject (rejectShare). */
  readonly share: number;
  /** The model's scores of windows with their points not read (training/score-graphs.ts scoreWindows). */
  readonly score: (windows: readonly Float64Array[], unread: readonly (readonly number[])[]) => Promise<number[]>;
}): Promise<ReadFloor> {
  const L = o.windowLength;
  const n = o.heldOut.length;
  const rule =
    `the fewest points read at which the ${n} held-out good parts, each with a run of unread points at every place ` +
    `from point 1 on, score above the threshold (a part counted once, at one place or more) no more often than the ` +
    `budget allows (${num(o.share * 1e6)} ppm of the parts) by more than chance makes (a Poisson count with ` +
    `less than ${OUTLIER_CHANCE * 100} % chance, ${num(o.share * n)} expected among the ${n} parts judged once)`;
  for (let gap = 1; gap < L; gap++) {
    const runs = gapRuns(gap, L);
    const windows = o.heldOut.flatMap((w) => runs.map(() => w));
    const unread = o.heldOut.flatMap(() => runs);
    const scores = await o.score(windows, unread);
    const places = runs.length;
    // The held-out parts above the threshold at one place or more (see above).
    const above = o.heldOut.filter((_, i) => scores.slice(i * places, (i + 1) * places).some((s) => s > o.threshold));
    // The rejects the budget expects among the held-out parts, each judged once (see above).
    const expected = o.share * n;
    const chance = poissonAtLeast(above.length, expected);
    if (chance < OUTLIER_CHANCE)
      return {
        minReadPoints: L - gap + 1,
        details: {
          min_read_points_rule: rule,
          min_read_points_found:
            `with ${gap} of ${L} points unread at each of ${places} places, ${above.length} of the ${n} held-out ` +
            `parts score above the threshold at one or more, ${num(expected)} expected (chance ${num(chance)}); ` +
            `with ${gap - 1}, within the budget`,
        },
      };
  }
  return {
    minReadPoints: 1,
    details: {
      min_read_points_rule: rule,
      min_read_points_found:
        `no run up to ${L - 1} of ${L} points unread put the masked held-out parts above the threshold more often ` +
        'than the budget and chance allow',
    },
  };
}

/**
 * A part model's score with its floor on the points read found on `heldOut` (scored through `bytes`, the int8 graph
 * the threshold was calibrated on, as the gateway scores them), and said.
 */
export async function withReadFloor(o: {
  readonly score: ModelManifest['score'];
  /** The model whose int8 graph `bytes` is (its sha256 that of `bytes`). */
  readonly manifest: ModelManifest;
  readonly bytes: Uint8Array;
  readonly modelPath: string;
  readonly heldOut: readonly Float64Array[];
  readonly heldOutScores: readonly number[];
  readonly log: (line: string) => void;
}): Promise<ModelManifest['score']> {
  const L = o.manifest.input.window_length;
  const floor = await readFloor({
    heldOut: o.heldOut,
    windowLength: L,
    threshold: o.score.threshold,
    share: rejectShare(o.score, o.heldOutScores),
    score: (windows, unread) => scoreWindows(o.manifest, o.bytes, o.modelPath, windows, unread),
  });
  o.log(
    `a part is judged on ${floor.minReadPoints} of its ${L} points at least, fewer read is unknown ` +
      `(score.min_read_points): ${floor.details.min_read_points_found}`,
  );
  return {
    ...o.score,
    min_read_points: floor.minReadPoints,
    details: { ...o.score.details, ...floor.details },
  };
}
