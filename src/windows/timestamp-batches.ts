/**
 * Groups samples that arrive one at a time (one message per tag, as OPC UA subscriptions and
 * MQTT deliver them) into batches with one source timestamp each (pure), so each batch becomes
 * one row of the window instead of one row per tag. A batch is complete when a sample with a
 * newer timestamp arrives, or one of a channel the batch already holds (the next row, whatever
 * its stamp says); a sample older than the open batch joins it (no row goes back in time). So an
 * open batch holds one sample per channel at most: one stamp far ahead cannot hold back the rows
 * after it.
 */
import type { Sample } from '../core/types.js';

export class TimestampBatches {
  private open: Sample[] = [];
  private readonly channels = new Set<string>();
  private ts = Number.NEGATIVE_INFINITY;

  /** Feeds samples; returns the batches they completed, oldest first. */
  push(samples: readonly Sample[]): Sample[][] {
    const done: Sample[][] = [];
    for (const s of samples) {
      if (this.open.length > 0 && (s.ts > this.ts || this.channels.has(s.channel))) {
        done.push(this.open);
        this.open = [];
        this.channels.clear();
        this.ts = Number.NEGATIVE_INFINITY;
      }
      if (s.ts > this.ts) this.ts = s.ts;
      this.open.push(s);
      this.channels.add(s.channel);
    }
    return done;
  }
}
