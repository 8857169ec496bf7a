/**
 * Each channel's share of a window's reconstruction error, from the per-channel errors the
 * model graph outputs. Runs for every window: no comparator sort, no splicing, one object per
 * channel created in its final order.
 */
import type { ChannelContribution, TermKind } from '../core/types.js';

/** Channel indices in order, reused between calls (grown when a model has more channels). */
let order = new Int32Array(32);

/** A stats or hybrid model's terms for one window: [kinds × channels] starting at `at` in `values`. */
export interface WindowTerms {
  readonly values: ArrayLike<number>;
  readonly at: number;
  readonly kinds: readonly TermKind[];
}

/**
 * Channel shares of the error, largest first (ties keep channel order). `at`: where this window's
 * errors start in `perChannel` (a batch's errors, window after window). With `terms`, each
 * contribution also names the kind of its channel's largest term (the first kind on a tie).
 */
export function contributions(
  perChannel: ArrayLike<number>,
  names: readonly string[],
  at = 0,
  terms?: WindowTerms,
): ChannelContribution[] {
  const n = names.length;
  // One pass: the sum, and an insertion sort of channel indices by error, largest first.
  if (order.length < n) order = new Int32Array(n * 2);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = perChannel[at + i];
    sum += e;
    let j = i;
    while (j > 0 && perChannel[at + order[j - 1]] < e) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  const inverse = sum > 0 ? 1 / sum : 0;
  const out = new Array<ChannelContribution>(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    out[k] = terms
      ? { channel: names[i], share: perChannel[at + i] * inverse, kind: largestKind(terms, i, n) }
      : { channel: names[i], share: perChannel[at + i] * inverse };
  }
  return out;
}

/** The kind of channel `ch`'s largest term (of n channels). */
function largestKind(terms: WindowTerms, ch: number, n: number): TermKind {
  const { values, at, kinds } = terms;
  let best = 0;
  for (let k = 1; k < kinds.length; k++) if (values[at + k * n + ch] > values[at + best * n + ch]) best = k;
  return kinds[best];
}
