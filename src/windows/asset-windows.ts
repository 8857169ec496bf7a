/**
 * One asset's samples → windows (pure): rows assembled from the model's channels (plus the
 * trigger and part id channels for cycle windows), then sliding windows or one window per part.
 * Used by the daemon's asset pipeline and by the Node-RED window node, so both cut windows the
 * same way.
 */
import type { Sample, Window } from '../core/types.js';
import type { WindowSettings } from '../config/schema.js';
import { RowAssembler } from './row-assembler.js';
import { CycleWindow } from './cycle-window.js';
import { SlidingWindow } from './sliding-window.js';

export type AssetWindowOutcome =
  | { readonly kind: 'window'; readonly window: Window; readonly durationMs?: number }
  /** A window (or a part, with its id) that cannot be judged: never scored as if normal. */
  | { readonly kind: 'incomplete'; readonly ts: number; readonly partId?: string; readonly reason: string };

export class AssetWindows {
  private readonly rows: RowAssembler;
  private readonly windows: SlidingWindow | CycleWindow;

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    readonly length: number,
    readonly settings: WindowSettings,
  ) {
    const w = settings;
    if (w.type === 'cycle') {
      if (!w.trigger_channel) throw new Error(`asset ${asset}: cycle windows need a trigger channel`);
      // Rows carry the model's channels, then the trigger, then the part id channel.
      const extra = [w.trigger_channel, ...(w.part_id_channel ? [w.part_id_channel] : [])];
      this.rows = new RowAssembler(asset, [...channels, ...extra], w.max_sample_age_ms);
      this.windows = new CycleWindow({
        asset,
        channels,
        triggerIndex: channels.length,
        trigger: w.trigger,
        partIdIndex: w.part_id_channel ? channels.length + 1 : undefined,
        length,
        minRows: w.min_samples,
        maxRows: w.max_samples,
      });
    } else {
      this.rows = new RowAssembler(asset, channels, w.max_sample_age_ms);
      this.windows = new SlidingWindow(asset, channels, length, w.hop_samples);
    }
  }

  get cycle(): boolean {
    return this.windows instanceof CycleWindow;
  }

  /** Feeds a batch of samples (other assets' samples are ignored). */
  push(batch: readonly Sample[]): AssetWindowOutcome | undefined {
    const row = this.rows.push(batch);
    if (!row) return undefined;
    if (this.windows instanceof CycleWindow) {
      const part = this.windows.push(row);
      if (!part || part.kind === 'incomplete') return part;
      return { kind: 'window', window: part.window, durationMs: part.durationMs };
    }
    const outcome = this.windows.push(row);
    if (!outcome || outcome.kind === 'window') return outcome;
    return { kind: 'incomplete', ts: outcome.ts, reason: 'a sample in the window was missing, stale or bad' };
  }
}
