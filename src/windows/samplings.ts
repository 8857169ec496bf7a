/**
 * One asset's samples of a source batch, split where the batch holds several samplings (pure). A batch is meant to be
 * one sampling of the asset's channels (a Modbus poll, an OPC UA publish response), and becomes one row. But an OPC UA
 * source delivers the publish responses that arrive in one turn of the event loop as one batch: under load (a busy
 * gateway, Node-RED beside it) two responses, two samplings 200 ms apart, came together, and the row kept the newest
 * value of each channel: the earlier sampling was lost. Where it was a part's first or last row, the part's window
 * started or ended a sampling late or early and a good part failed. A channel that comes again starts the next
 * sampling, so each keeps its own values and stamp. A channel that comes once in such a batch with its value unchanged
 * (a held value, which the source adds once per batch, after the last response) was that value at the earlier
 * samplings too: it goes with each of them, stamped no later than it, so that they do not find it stale.
 */
import type { Sample } from '../core/types.js';

export class Samplings {
  /** The asset's channels in the sampling being read. */
  private readonly seen = new Set<string>();

  constructor(private readonly asset: string) {}

  /**
   * The batch's samplings of the asset, oldest first: the batch itself, whole (other assets' samples in it), where no
   * channel of the asset comes twice (the usual case, and no copy made); otherwise the asset's samples, split before
   * each channel that comes again.
   */
  of(batch: readonly Sample[], unchanged?: (s: Sample) => boolean): readonly (readonly Sample[])[] {
    this.seen.clear();
    let out: Sample[][] | undefined;
    let from = 0;
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k];
      if (s.asset !== this.asset) continue;
      if (this.seen.has(s.channel)) {
        out ??= [];
        out.push(this.mine(batch, from, k));
        from = k;
        this.seen.clear();
      }
      this.seen.add(s.channel);
    }
    if (!out) return [batch];
    out.push(this.mine(batch, from, batch.length));
    if (unchanged) vouchEarlier(out, unchanged);
    return out;
  }

  private mine(batch: readonly Sample[], from: number, to: number): Sample[] {
    const part: Sample[] = [];
    for (let k = from; k < to; k++) if (batch[k].asset === this.asset) part.push(batch[k]);
    return part;
  }
}

/** A sampling's time, as a row's: its newest stamp. */
function timeOf(sampling: readonly Sample[]): number {
  let ts = Number.NEGATIVE_INFINITY;
  for (const s of sampling) if (s.ts > ts) ts = s.ts;
  return ts;
}

/** Adds each channel that comes once, unchanged, to the samplings before its own, stamped no later than each. */
function vouchEarlier(samplings: Sample[][], unchanged: (s: Sample) => boolean): void {
  const count = new Map<string, number>();
  for (const sampling of samplings) for (const s of sampling) count.set(s.channel, (count.get(s.channel) ?? 0) + 1);
  const times = samplings.map(timeOf);
  for (let j = 1; j < samplings.length; j++)
    for (const s of samplings[j]) {
      if (count.get(s.channel) !== 1 || !unchanged(s)) continue;
      for (let i = 0; i < j; i++) samplings[i].push({ ...s, ts: Math.min(s.ts, times[i]) });
    }
}
