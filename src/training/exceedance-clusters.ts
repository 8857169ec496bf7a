/**
 * Clusters of scores above a level: the extremal index θ (how clustered the exceedances are, for the alarm
 * calibration) and the alarm episodes with hysteresis that a run of scores raises. Pure functions, no I/O.
 */

/**
 * Extremal index θ from the exceedances of u (Ferro & Segers 2003, intervals estimator): 1 for independent exceedances,
 * 1/m for clusters of mean size m. Gaps are counted within a segment only; with no gap at all θ = 1.
 */
export function extremalIndex(segments: readonly ArrayLike<number>[], u: number): number {
  let gaps = 0;
  let longest = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sumMinus1 = 0;
  let sumProduct = 0;
  for (const s of segments) {
    let last = -1;
    for (let i = 0; i < s.length; i++) {
      if (!(s[i] > u)) continue;
      if (last >= 0) {
        const t = i - last;
        gaps++;
        longest = Math.max(longest, t);
        sum1 += t;
        sum2 += t * t;
        sumMinus1 += t - 1;
        sumProduct += (t - 1) * (t - 2);
      }
      last = i;
    }
  }
  if (gaps === 0) return 1;
  const estimate = longest <= 2 ? (2 * sum1 * sum1) / (gaps * sum2) : (2 * sumMinus1 * sumMinus1) / (gaps * sumProduct);
  return Math.min(1, estimate);
}

/** Alarm episodes (rising edges) with hysteresis: raised when a score goes above `on`, cleared when it goes below
 * `off`. */
export function countEpisodes(scores: ArrayLike<number>, on: number, off: number): number {
  let active = false;
  let episodes = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!active && scores[i] > on) {
      active = true;
      episodes++;
    } else if (active && scores[i] < off) active = false;
  }
  return episodes;
}
