/**
 * The one verdict rule, for the daemon's pipelines and the Node-RED score node alike: a window is
 * anomalous when its score is above the threshold (the model's calibrated one, or an asset's or
 * node's own); a part fails when its window is anomalous and passes otherwise.
 */
import type { ScoreResult } from './types.js';

export type WindowVerdict = 'normal' | 'anomalous';
export type PartVerdict = 'pass' | 'fail';

export function isAnomalous(score: number, threshold: number): boolean {
  return score > threshold;
}

/** pass | fail for a part's window, normal | anomalous for a sliding one. */
export function verdictOf(result: Pick<ScoreResult, 'anomalous' | 'partId'>): WindowVerdict | PartVerdict {
  if (result.partId !== undefined) return result.anomalous ? 'fail' : 'pass';
  return result.anomalous ? 'anomalous' : 'normal';
}

/** A calibrated clear level carried to another threshold: the model's on/off ratio is kept. */
export function scaledClearLevel(offThreshold: number, calibratedThreshold: number, threshold: number): number {
  return (offThreshold / calibratedThreshold) * threshold;
}

/**
 * A result judged against `threshold` instead of the model's (undefined: as the model judged it).
 * The model's calibrated on/off ratio is kept: the clearing threshold scales with it.
 */
export function withThreshold(r: ScoreResult, threshold: number | undefined): ScoreResult {
  if (threshold === undefined) return r;
  return {
    ...r,
    threshold,
    ...(r.offThreshold !== undefined ? { offThreshold: scaledClearLevel(r.offThreshold, r.threshold, threshold) } : {}),
    ...(r.clearThreshold !== undefined
      ? { clearThreshold: scaledClearLevel(r.clearThreshold, r.threshold, threshold) }
      : {}),
    anomalous: isAnomalous(r.score, threshold),
  };
}
