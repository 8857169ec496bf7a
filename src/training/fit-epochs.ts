/**
 * The epochs of an autoencoder fit: each reported (a progress bar, or a log line), the early-stopping patience, and
 * the note where a fit ran out of epochs with its validation loss still falling. Pure apart from the reporting.
 */
import type { Progress } from '../core/progress.js';

/** Reports each epoch: on the progress bar if there is one, else as a log line; records the curve if asked. */
export function epochReporter(
  phase: string,
  epochs: number,
  options: { readonly progress?: Progress; readonly log: (line: string) => void },
  curve?: { train: number[]; validation: number[] },
): (epoch: number, trainLoss: number, validationLoss: number) => void {
  return (e, tl, vl) => {
    curve?.train.push(tl);
    curve?.validation.push(vl);
    const detail = `train ${tl.toFixed(4)}  validation ${vl.toFixed(4)}`;
    if (options.progress) options.progress.update(phase, e, epochs, detail);
    else options.log(`${phase} ${String(e).padStart(3)}/${epochs}  ${detail}`);
  };
}

/** Epochs without a better validation loss after which a fit stops (early stopping). */
export const PATIENCE = 6;

/**
 * A note where a fit ran to its epoch limit with the validation loss still falling: early stopping had not ended it
 * (its best epoch is within the last PATIENCE), and over those epochs the loss fell by more than all its rises added
 * up (a trend, not an epoch-to-epoch wobble); undefined otherwise. `validation`: the loss after each epoch.
 */
export function stillFalling(validation: readonly number[], epochs: number): string | undefined {
  const last = validation.length;
  if (last < epochs || last <= PATIENCE) return undefined;
  const from = validation[last - 1 - PATIENCE];
  const recent = validation.slice(last - PATIENCE);
  const best = Math.min(...recent);
  let rises = 0;
  for (let e = last - PATIENCE; e < last; e++) rises += Math.max(0, validation[e] - validation[e - 1]);
  if (!(from - best > rises)) return undefined;
  return (
    `note: the fit stopped at its epoch limit (${epochs} of ${epochs}) with the validation loss still falling: ` +
    `${from.toPrecision(3)} at epoch ${last - PATIENCE}, ${best.toPrecision(3)} at epoch ${last - PATIENCE + recent.indexOf(best) + 1} ` +
    `(${((100 * (best - from)) / from).toFixed(0)} % in ${PATIENCE} epochs); a longer fit may reconstruct normal data ` +
    `closer and lower its scores: train again with more epochs (--epochs ${2 * epochs})`
  );
}
