/**
 * Groups samples that arrive one at a time (one message per tag, as OPC UA subscriptions and
 * MQTT deliver them) into batches with one source timestamp each (pure), so each batch becomes
 * one row of the window instead of one row per tag. A batch is complete when a sample with a
 * newer timestamp arrives, or another sample of a channel the batch already holds (the next row,
 * whatever its stamp says); a sample older than the open batch joins it where its channel is not
 * in it yet. The same sample delivered twice (an MQTT QoS 1 duplicate: channel and stamp
 * repeated) replaces the first. So an open batch holds one sample per channel at most: one stamp
 * far ahead cannot hold back the rows after it.
 */
import type { Sample } from '../core/types.js';

export class TimestampBatches {
  private open: Sample[] = [];
  /** Each channel's place in the open batch. */
  private readonly slots = new Map<string, number>();
  private ts = Number.NEGATIVE_INFINITY;

  /** Feeds samples; returns the batches they completed, oldest first. */
  push(samples: readonly Sample[]): Sample[][] {
    const done: Sample[][] = [];
    for (const s of samples) {
      const slot = this.slots.get(s.channel);
      if (slot !== undefined && this.open[slot].ts === s.ts) {
        this.open[slot] = s; // delivered again
        continue;
      }
      if (this.open.length > 0 && (s.ts > this.ts || slot !== undefined)) {
        done.push(this.open);
        this.open = [];
        this.slots.clear();
        this.ts = Number.NEGATIVE_INFINITY;
      }
      if (s.ts > this.ts) this.ts = s.ts;
      this.slots.set(s.channel, this.open.length);
      this.open.push(s);
    }
    return done;
  }
}
