/** A small pure model's score of a window (tests of the asset pipeline): the mean of its values, at its end. */
import type { Window } from '../../src/core/types.js';

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
