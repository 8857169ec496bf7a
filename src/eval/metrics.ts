/**
 * Detection metrics on labelled series (pure), as the SKAB benchmark reports them.
 *
 * Pointwise: confusion counts summed over files; F1 = TP / (TP + (FP + FN) / 2),
 * FAR = 100·FP / (FP + TN), MAR = 100·FN / (FN + TP).
 *
 * Changepoints, NAB as SKAB's reference scores it (its `chp_score`, window "righter"): a window [cp, cp + window]
 * after each true changepoint; where a window reaches the next one's start, that one starts at its end instead (the
 * reference's "cut right window"). Predicted changepoints are the rising and falling edges of the binary prediction,
 * and its first row when that is 1. In each window the first predicted changepoint in it (ends included: one on the
 * boundary two windows share counts in both) scores from A_tp at the window start down to A_fp at its end along the
 * reference's tanh curve; later ones in the window score nothing; every predicted changepoint in no window adds A_fp;
 * every window with none adds A_fn. Normalised over all windows: 100·(S − n·A_fn) / (n·A_tp − n·A_fn).
 */

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(labels: ArrayLike<number>, predicted: ArrayLike<number>): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] > 0;
    const p = predicted[i] > 0;
    if (l && p) c.tp++;
    else if (!l && p) c.fp++;
    else if (!l && !p) c.tn++;
    else c.fn++;
  }
  return c;
}

export function addConfusion(a: Confusion, b: Confusion): Confusion {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, tn: a.tn + b.tn, fn: a.fn + b.fn };
}

export function pointwise(c: Confusion): { f1: number; far: number; mar: number } {
  const f1 = c.tp + (c.fp + c.fn) / 2 > 0 ? c.tp / (c.tp + (c.fp + c.fn) / 2) : 0;
  const far = c.fp + c.tn > 0 ? (100 * c.fp) / (c.fp + c.tn) : 0;
  const mar = c.fn + c.tp > 0 ? (100 * c.fn) / (c.fn + c.tp) : 0;
  return { f1, far, mar };
}

export interface NabProfile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export const NAB_PROFILES: Readonly<Record<'standard' | 'low_fp' | 'low_fn', NabProfile>> = {
  standard: { tp: 1, fp: -0.11, fn: -1 },
  low_fp: { tp: 1, fp: -0.22, fn: -1 },
  low_fn: { tp: 1, fp: -0.11, fn: -2 },
};

/** Indices (into the series) where the binary prediction rises or falls, and 0 where it starts at 1 (the reference
 * takes the prediction's first value as its first change). */
export function predictedChangepoints(predicted: ArrayLike<number>): number[] {
  const out: number[] = predicted.length > 0 && predicted[0] > 0 ? [0] : [];
  for (let i = 1; i < predicted.length; i++) if (predicted[i] > 0 !== predicted[i - 1] > 0) out.push(i);
  return out;
}

/** The reference's credit for a detection at `relative` (0: window start, 1: its end): 1 down to 0 along
 * (1 − tanh(x) / tanh(π/2)) / 2, x from −π/2 to π/2 over 1000 steps, the step ⌊1000·relative⌋ (at most the last). */
export function nabCredit(relative: number): number {
  const steps = 1000;
  const k = Math.min(steps - 1, Math.max(0, Math.floor(relative * steps)));
  const x = -Math.PI / 2 + (Math.PI * k) / (steps - 1);
  return (1 - Math.tanh(x) / Math.tanh(Math.PI / 2)) / 2;
}

/** NAB's windows: [t, t + windowLength] after each true changepoint, a window that the one before reaches starting
 * at that one's end. */
export function nabWindows(
  times: ArrayLike<number>,
  truth: ArrayLike<number>,
  windowLength: number,
): [number, number][] {
  const windows: [number, number][] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] > 0) windows.push([times[i], times[i] + windowLength]);
  for (let w = 1; w < windows.length; w++) if (windows[w - 1][1] >= windows[w][0]) windows[w][0] = windows[w - 1][1];
  return windows;
}

export interface NabTally {
  /** Raw score S per profile. */
  readonly score: Record<keyof typeof NAB_PROFILES, number>;
  /** Number of changepoint windows. */
  readonly windows: number;
}

/**
 * NAB tally of one series. `times` in seconds (or any unit of `windowLength`); `truth` marks the
 * true changepoints; `predicted` the binary prediction.
 */
export function nabTally(
  times: ArrayLike<number>,
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  windowLength: number,
): NabTally {
  const windows = nabWindows(times, truth, windowLength);
  const at = predictedChangepoints(predicted).map((i) => times[i]);
  const profiles = Object.entries(NAB_PROFILES) as [keyof typeof NAB_PROFILES, NabProfile][];
  const score = { standard: 0, low_fp: 0, low_fn: 0 };
  const add = (of: (p: NabProfile) => number) => {
    for (const [name, p] of profiles) score[name] += of(p);
  };
  for (const [a, b] of windows) {
    const first = at.find((t) => t >= a && t <= b);
    if (first === undefined) add((p) => p.fn);
    else add((p) => p.fp + (p.tp - p.fp) * nabCredit(b > a ? (first - a) / (b - a) : 0));
  }
  const outside = at.filter((t) => !windows.some(([a, b]) => t >= a && t <= b)).length;
  add((p) => outside * p.fp);
  return { score, windows: windows.length };
}

export function addNab(a: NabTally, b: NabTally): NabTally {
  return {
    windows: a.windows + b.windows,
    score: {
      standard: a.score.standard + b.score.standard,
      low_fp: a.score.low_fp + b.score.low_fp,
      low_fn: a.score.low_fn + b.score.low_fn,
    },
  };
}

/** Normalised NAB scores: 100 for a perfect detector, 0 for one that predicts nothing. */
export function nabNormalised(t: NabTally): Record<keyof typeof NAB_PROFILES, number> {
  const out = { standard: 0, low_fp: 0, low_fn: 0 };
  for (const [name, p] of Object.entries(NAB_PROFILES) as [keyof typeof NAB_PROFILES, NabProfile][]) {
    const n = t.windows;
    out[name] = n > 0 ? (100 * (t.score[name] - n * p.fn)) / (n * p.tp - n * p.fn) : 0;
  }
  return out;
}
