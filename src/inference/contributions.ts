/**
 * Each channel's share of a window's reconstruction error, from the per-channel errors the
 * model graph outputs. Runs for every window: no comparator sort, no intermediate arrays.
 */
import type { ChannelContribution } from '../core/types.js';

/** Channel shares of the error, largest first. */
export function contributions(perChannel: ArrayLike<number>, names: readonly string[]): ChannelContribution[] {
  let sum = 0;
  for (let i = 0; i < perChannel.length; i++) sum += perChannel[i];
  const out: ChannelContribution[] = [];
  // Insertion sort, largest first: a handful of channels, no comparator calls.
  for (let i = 0; i < names.length; i++) {
    const item = { channel: names[i], share: sum > 0 ? perChannel[i] / sum : 0 };
    let j = out.length;
    while (j > 0 && out[j - 1].share < item.share) j--;
    out.splice(j, 0, item);
  }
  return out;
}
