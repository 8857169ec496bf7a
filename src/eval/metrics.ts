/**
 * Detection metrics on labelled series (pure), as the SKAB benchmark reports them.
 *
 * Pointwise: confusion counts summed over files; F1 = TP / (TP + (FP + FN) / 2),
 * FAR = 100·FP / (FP + TN), MAR = 100·FN / (FN + TP).
 *
 * Changepoints, NAB-style: a window [cp, cp + windowS] after each true changepoint; predicted
 * changepoints are the rising and falling edges of the binary prediction. The first prediction
 * inside a window scores from A_tp (1, at the window start) down to A_fp (at its end) along a
 * scaled sigmoid; later predictions in the same window score nothing; every prediction outside all
 * windows adds A_fp; every window with no prediction adds A_fn. Normalised over all windows:
 * 100·(S − n·A_fn) / (n·A_tp − n·A_fn).
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

/** Indices (into the series) where the binary prediction rises or falls. */
export function predictedChangepoints(predicted: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < predicted.length; i++) if (predicted[i] > 0 !== predicted[i - 1] > 0) out.push(i);
  return out;
}

/** 1 at the window start, 0 at its end, along a sigmoid (steepest at the middle). */
export function scaledSigmoid(relative: number): number {
  const s = (x: number) => 1 / (1 + Math.exp(10 * (x - 0.5)));
  return (s(relative) - s(1)) / (s(0) - s(1));
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
  const windows: [number, number][] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] > 0) windows.push([times[i], times[i] + windowLength]);
  const score = { standard: 0, low_fp: 0, low_fn: 0 };
  const hit = new Array<boolean>(windows.length).fill(false);
  for (const idx of predictedChangepoints(predicted)) {
    const t = times[idx];
    const w = windows.findIndex(([a, b]) => t >= a && t <= b);
    for (const [name, p] of Object.entries(NAB_PROFILES) as [keyof typeof NAB_PROFILES, NabProfile][]) {
      if (w < 0) score[name] += p.fp;
      else if (!hit[w]) score[name] += p.fp + (p.tp - p.fp) * scaledSigmoid((t - windows[w][0]) / windowLength);
    }
    if (w >= 0) hit[w] = true;
  }
  for (const [name, p] of Object.entries(NAB_PROFILES) as [keyof typeof NAB_PROFILES, NabProfile][]) {
    score[name] += hit.filter((h) => !h).length * p.fn;
  }
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
