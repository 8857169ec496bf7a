/** A small pure model's score of a window (tests of the asset pipeline): the mean of its values, at its end. */
import type { Model } from '../../src/core/components.js';
import type { ChannelContribution, ScoreResult, Window } from '../../src/core/types.js';

export function meanScore(
  w: Window,
  model: { readonly name: string; readonly version: string; readonly threshold: number },
) {
  const score = w.data.reduce((s, v) => s + v, 0) / w.data.length;
  return {
    asset: w.asset,
    model: model.name,
    modelVersion: model.version,
    ts: w.end,
    score,
    threshold: model.threshold,
    anomalous: score > model.threshold,
  };
}

/**
 * A model that scores each window by the mean of its values (meanScore), named `mean` 1.0.0, with these
 * contributions, and each window's part id.
 */
export function meanModel(o: {
  readonly channels: readonly string[];
  readonly windowLength: number;
  readonly samplePeriodMs: number;
  readonly threshold: number;
  readonly contributions?: readonly ChannelContribution[];
}): Model {
  const model = { name: 'mean', version: '1.0.0', ...o };
  return {
    ...model,
    score: async (windows) =>
      windows.map((w): ScoreResult => ({
        ...meanScore(w, model),
        contributions: o.contributions ?? [],
        ...(w.partId !== undefined ? { partId: w.partId } : {}),
      })),
    close: async () => undefined,
  };
}
