/**
 * Turns batches of samples into rows of one asset's channels (pure). Each batch that carries
 * any of the asset's channels yields one row: the newest value of every channel (hold-last),
 * provided it is good and no older than `maxAgeMs`. A row with a missing, stale or bad value is
 * incomplete and is never scored as if it were normal.
 */
import type { Sample } from '../core/types.js';

export interface Row {
  readonly ts: number;
  readonly values: Float64Array;
  readonly complete: boolean;
}

export class RowAssembler {
  private readonly index = new Map<string, number>();
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private readonly good: Uint8Array;

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    private readonly maxAgeMs: number,
  ) {
    channels.forEach((c, i) => this.index.set(c, i));
    this.values = new Float64Array(channels.length);
    this.times = new Float64Array(channels.length).fill(Number.NEGATIVE_INFINITY);
    this.good = new Uint8Array(channels.length);
  }

  /** Feeds one batch; returns a row if the batch touched this asset's channels. */
  push(batch: readonly Sample[]): Row | undefined {
    let ts = Number.NEGATIVE_INFINITY;
    for (const s of batch) {
      if (s.asset !== this.asset) continue;
      const i = this.index.get(s.channel);
      if (i === undefined) continue;
      this.values[i] = s.value;
      this.times[i] = s.ts;
      this.good[i] = s.quality === 'good' && Number.isFinite(s.value) ? 1 : 0;
      if (s.ts > ts) ts = s.ts;
    }
    if (ts === Number.NEGATIVE_INFINITY) return undefined;
    let complete = true;
    for (let i = 0; i < this.channels.length; i++) {
      if (!this.good[i] || ts - this.times[i] > this.maxAgeMs) complete = false;
    }
    return { ts, values: Float64Array.from(this.values), complete };
  }
}
