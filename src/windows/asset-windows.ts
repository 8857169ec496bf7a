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

/**
 * The newest part id of a cycle asset: a string tag's text (a serial number), or a number (a part
 * counter) as text. Kept apart from the rows, so a text tag does not make rows incomplete; a
 * bad or stale id falls back to the part's sequence number.
 */
class PartIdTracker {
  private id: string | undefined;
  private ts = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly asset: string,
    private readonly channel: string,
    private readonly maxAgeMs: number,
  ) {}

  push(batch: readonly Sample[]): void {
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k];
      if (s.channel !== this.channel || s.asset !== this.asset) continue;
      const ok = s.quality === 'good' && (s.text !== undefined ? s.text.length > 0 : Number.isFinite(s.value));
      this.id = ok ? (s.text ?? String(s.value)) : undefined;
      this.ts = s.ts;
    }
  }

  at(ts: number): string | undefined {
    return ts - this.ts <= this.maxAgeMs ? this.id : undefined;
  }
}

export class AssetWindows {
  private readonly rows: RowAssembler;
  private readonly windows: SlidingWindow | CycleWindow;
  private readonly partIds: PartIdTracker | undefined;

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    readonly length: number,
    readonly settings: WindowSettings,
  ) {
    const w = settings;
    if (w.type === 'cycle') {
      if (!w.trigger_channel) throw new Error(`asset ${asset}: cycle windows need a trigger channel`);
      // Rows carry the model's channels, then the trigger; the part id is tracked apart.
      this.rows = new RowAssembler(asset, [...channels, w.trigger_channel], w.max_sample_age_ms);
      this.partIds = w.part_id_channel ? new PartIdTracker(asset, w.part_id_channel, w.max_sample_age_ms) : undefined;
      this.windows = new CycleWindow({
        asset,
        channels,
        triggerIndex: channels.length,
        trigger: w.trigger,
        length,
        minRows: w.min_samples,
        maxRows: w.max_samples,
      });
    } else {
      this.rows = new RowAssembler(asset, channels, w.max_sample_age_ms);
      this.partIds = undefined;
      this.windows = new SlidingWindow(asset, channels, length, w.hop_samples);
    }
  }

  get cycle(): boolean {
    return this.windows instanceof CycleWindow;
  }

  /** Feeds a batch of samples (other assets' samples are ignored). */
  push(batch: readonly Sample[]): AssetWindowOutcome | undefined {
    this.partIds?.push(batch);
    const row = this.rows.push(batch);
    if (!row) return undefined;
    if (this.windows instanceof CycleWindow) {
      const part = this.windows.push(row, this.partIds?.at(row.ts));
      if (!part || part.kind === 'incomplete') return part;
      return { kind: 'window', window: part.window, durationMs: part.durationMs };
    }
    const outcome = this.windows.push(row);
    if (!outcome || outcome.kind === 'window') return outcome;
    return { kind: 'incomplete', ts: outcome.ts, reason: 'a sample in the window was missing, stale or bad' };
  }
}
