/**
 * Groups samples that arrive one at a time (one message per tag, as OPC UA subscriptions and
 * MQTT deliver them) into batches with one source timestamp each (pure), so each batch becomes
 * one row of the window instead of one row per tag. A batch is complete when a sample with a
 * newer timestamp arrives; a sample older than the open batch joins it (no row goes back in time).
 */
import type { Sample } from '../core/types.js';

export class TimestampBatches {
  private open: Sample[] = [];
  private ts = Number.NEGATIVE_INFINITY;

  /** Feeds samples; returns the batches they completed, oldest first. */
  push(samples: readonly Sample[]): Sample[][] {
    const done: Sample[][] = [];
    for (const s of samples) {
      if (s.ts > this.ts && this.open.length > 0) {
        done.push(this.open);
        this.open = [];
      }
      if (s.ts > this.ts) this.ts = s.ts;
      this.open.push(s);
    }
    return done;
  }
}
