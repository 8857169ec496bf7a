/**
 * What a quality engineer counts of a part model (pure): each part labelled bad when any of its rows is labelled
 * anomalous, judged bad when its score is above the threshold (core/verdict.ts). False rejects are good parts failed
 * (scrap and rework of good parts), escapes bad parts passed (what reaches the customer); parts the cycle window could
 * not judge (a missing reading, too short, too long) are counted apart, as the gateway reports them unknown.
 */

export interface PartTally {
  /** Bad parts failed. */
  readonly tp: number;
  /** Good parts failed: false rejects. */
  readonly fp: number;
  /** Good parts passed. */
  readonly tn: number;
  /** Bad parts passed: escapes. */
  readonly fn: number;
  /** Parts the cycle window could not judge. */
  readonly unknown: number;
}

/** Whether each part (its first and last row) holds a row labelled anomalous. */
export function partLabels(spans: readonly (readonly [number, number])[], anomaly: ArrayLike<number>): boolean[] {
  return spans.map(([from, to]) => {
    for (let t = from; t <= to; t++) if (anomaly[t] !== 0) return true;
    return false;
  });
}

export function tallyParts(bad: readonly boolean[], failed: readonly boolean[], unknown: number): PartTally {
  if (bad.length !== failed.length) throw new Error(`tallyParts: ${bad.length} labels for ${failed.length} verdicts`);
  let [tp, fp, tn, fn] = [0, 0, 0, 0];
  bad.forEach((b, i) => {
    if (b && failed[i]) tp++;
    else if (b) fn++;
    else if (failed[i]) fp++;
    else tn++;
  });
  return { tp, fp, tn, fn, unknown };
}

/** The parts behind a tally's errors, by id: good parts failed (false rejects) and bad parts passed (escapes). */
export interface PartErrors {
  readonly falseRejects: readonly string[];
  readonly escapes: readonly string[];
}

export function partErrors(ids: readonly string[], bad: readonly boolean[], failed: readonly boolean[]): PartErrors {
  if (ids.length !== bad.length || bad.length !== failed.length)
    throw new Error(`partErrors: ${ids.length} ids, ${bad.length} labels, ${failed.length} verdicts`);
  return {
    falseRejects: ids.filter((_, i) => !bad[i] && failed[i]),
    escapes: ids.filter((_, i) => bad[i] && !failed[i]),
  };
}

export function addTallies(a: PartTally, b: PartTally): PartTally {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, tn: a.tn + b.tn, fn: a.fn + b.fn, unknown: a.unknown + b.unknown };
}

/**
 * F1 over the bad parts; the false reject rate (% of good parts failed) and the escape rate (% of bad parts passed);
 * null where there is no part of that kind to count.
 */
export function partFigures(t: PartTally): {
  f1: number | null;
  false_reject_rate: number | null;
  escape_rate: number | null;
} {
  const good = t.fp + t.tn;
  const bad = t.tp + t.fn;
  return {
    f1: bad + t.fp > 0 ? (2 * t.tp) / (2 * t.tp + t.fp + t.fn) : null,
    false_reject_rate: good > 0 ? (100 * t.fp) / good : null,
    escape_rate: bad > 0 ? (100 * t.fn) / bad : null,
  };
}
