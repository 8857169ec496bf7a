/** A small pure model for probation tests: one channel, one row a window, judged by its value. */
import type { Model } from '../../src/core/components.js';
import type { ScoreResult, Window } from '../../src/core/types.js';

/**
 * Judges each window anomalous when its first value is above its threshold (0.3); fails a run holding a NaN, and
 * any run once closed, as an ONNX session does (fault injection). `levels`: the calibrated off and clear thresholds
 * each result carries, where the test needs them (the alarm's clear level and the model's largest normal score).
 */
export function pumpModel(
  version = '1.1.0',
  threshold = 0.3,
  levels: { readonly offThreshold?: number; readonly clearThreshold?: number } = {},
): Model & { closed: number } {
  return {
    name: 'pump-ae',
    version,
    channels: ['a'],
    windowLength: 1,
    samplePeriodMs: 200,
    threshold,
    closed: 0,
    async score(windows: readonly Window[]): Promise<ScoreResult[]> {
      if (this.closed > 0) throw new Error('Session already disposed.');
      if (windows.some((w) => Number.isNaN(w.data[0]))) throw new Error('model pump-ae: input window 0 contains NaN');
      return windows.map((w) => ({
        asset: w.asset,
        model: 'pump-ae',
        modelVersion: version,
        ts: w.end,
        score: w.data[0],
        threshold,
        ...levels,
        anomalous: w.data[0] > threshold,
        contributions: [],
      }));
    },
    async close() {
      this.closed++;
    },
  };
}
