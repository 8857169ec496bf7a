/**
 * Aligns channels that arrive at different rates (a Modbus device polled every 200 ms, an OPC UA
 * subscription at 100 ms, a slow PLC at 1 s) onto one time grid of the model's sample period
 * (pure). Each grid time t = k · period gets one row:
 *
 *   hold     each channel's newest value at or before t; final once any channel has reported
 *            past t (later samples stamped before t are late and ignored).
 *   linear   each channel interpolated between its samples around t; final once every channel
 *            has reported at or past t (so a slow channel delays rows by up to its own period).
 *
 * A value older than `maxAgeMs` at t (for linear: either neighbour further than that from t),
 * bad or non-finite makes the row incomplete: it is never scored as if normal. A failed read (`failedRead`: a
 * timeout, an exception answer, the connection down) is no sample of its channel: it moves time on, as any sample
 * does, but the channel's last good value holds up to `maxAgeMs`; a bad value the device reports is not held over.
 * After a gap longer than `maxGapRows` grid steps the grid jumps ahead, emitting one incomplete row to mark it; one
 * push never emits more than about `maxGapRows` rows, whatever the samples' stamps say.
 *
 * Stamps come from the devices' clocks; a source whose clock is far off the gateway's, or steps, is put on the
 * gateway's clock (source-clocks.ts), so no stamp can freeze the grid or blind the asset.
 */
import type { Sample } from '../core/types.js';
import { readingStands } from '../core/reading-age.js';
import { SourceClocks } from './source-clocks.js';
import { unusableText, type Row, type Unusable } from './row-assembler.js';

export type Alignment = 'hold' | 'linear';

interface Point {
  readonly ts: number;
  readonly value: number;
  readonly good: boolean;
}

const NO_ROWS: readonly Row[] = Object.freeze([]);

export class TimeGrid {
  private readonly index = new Map<string, number>();
  /** Recent samples per channel, oldest first. */
  private readonly history: Point[][];
  /** Per channel, the stamps of its failed reads since its oldest sample kept (a row's held channels, Row.held). */
  private readonly failures: number[][];
  /** The next grid time to emit; NaN until the first sample. */
  private next = Number.NaN;
  private watermark = Number.NEGATIVE_INFINITY;
  private readonly clocks: SourceClocks;
  /** A gap longer than this (maxGapRows grid steps) is marked and jumped; also how far a source's clock may be off. */
  private readonly gapMs: number;

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    readonly periodMs: number,
    readonly method: Alignment,
    private readonly maxAgeMs: number,
    maxGapRows = 1000,
    /** Told when a source's clock is far off the gateway's, or changes (a log line's text). */
    onClockChange?: (message: string) => void,
  ) {
    if (!(periodMs > 0)) throw new RangeError(`time grid period ${periodMs} ms: expected > 0`);
    channels.forEach((c, i) => this.index.set(c, i));
    this.history = channels.map(() => []);
    this.failures = channels.map(() => []);
    this.gapMs = maxGapRows * periodMs;
    this.clocks = new SourceClocks(asset, this.gapMs, onClockChange);
  }

  /** Feeds a batch; returns the grid rows that became final, oldest first. */
  push(batch: readonly Sample[]): readonly Row[] {
    let earliest = Number.POSITIVE_INFINITY;
    for (const s of batch) {
      if (s.asset !== this.asset) continue;
      const i = this.index.get(s.channel);
      if (i === undefined) continue;
      const h = this.history[i];
      const ts = this.clocks.place(s);
      if (h.length > 0 && ts <= h[h.length - 1].ts) continue; // late or repeated: the grid has moved on
      if (s.failedRead !== true) h.push({ ts, value: s.value, good: s.quality === 'good' && Number.isFinite(s.value) });
      else this.failures[i].push(ts);
      if (ts > this.watermark) this.watermark = ts;
      if (ts < earliest) earliest = ts;
    }
    if (earliest === Number.POSITIVE_INFINITY) return NO_ROWS;
    const gridAt = (ts: number) => Math.ceil(ts / this.periodMs) * this.periodMs;
    if (Number.isNaN(this.next)) this.next = gridAt(earliest);
    const rows: Row[] = [];
    const { gapMs } = this;
    if (this.watermark - this.next > gapMs) {
      // A long gap: one incomplete row marks it, then the grid continues from this batch's samples, and no further
      // back than a gap before the newest (a batch that spans longer is not replayed row by row).
      const values = new Float64Array(this.channels.length).fill(Number.NaN);
      rows.push({ ts: this.next, values, complete: false, why: 'a gap in the samples' });
      this.next = Math.max(this.next + this.periodMs, gridAt(earliest), gridAt(this.watermark - gapMs));
    }
    while (this.isFinal(this.next)) {
      rows.push(this.rowAt(this.next));
      this.next += this.periodMs;
    }
    this.trim();
    return rows;
  }

  private isFinal(t: number): boolean {
    if (this.method === 'hold') return this.watermark > t;
    // linear: every channel has reported at or past t, or is too stale to ever help at t.
    return (
      this.history.every((h) => h.length > 0 && (h[h.length - 1].ts >= t || t - h[h.length - 1].ts > this.maxAgeMs)) &&
      this.watermark >= t
    );
  }

  private rowAt(t: number): Row {
    const values = new Float64Array(this.channels.length);
    let complete = true;
    this.history.forEach((h, c) => {
      const v = this.method === 'hold' ? this.held(h, t) : this.interpolated(h, t);
      values[c] = v;
      if (!Number.isFinite(v)) complete = false;
    });
    if (complete) {
      const held = this.heldAt(t);
      return held ? { ts: t, values, complete, held } : { ts: t, values, complete };
    }
    const kinds = this.history.map((h, c) => (Number.isFinite(values[c]) ? undefined : this.unusable(h, t)));
    return { ts: t, values, complete, why: unusableText(this.channels, kinds) };
  }

  /**
   * The channels whose value at t rests on a reading older than a failed read of theirs at or before t (the last good
   * reading held over it; linear: interpolated across it), or undefined where none.
   */
  private heldAt(t: number): number[] | undefined {
    let held: number[] | undefined;
    this.history.forEach((h, c) => {
      let k = h.length - 1;
      while (k >= 0 && h[k].ts > t) k--;
      const base = k >= 0 ? h[k].ts : Number.NEGATIVE_INFINITY;
      if (this.failures[c].some((f) => f > base && f <= t)) (held ??= []).push(c);
    });
    return held;
  }

  /** Why a channel has no value at t: no sample at or before it, a bad one around it, or one too old. */
  private unusable(h: readonly Point[], t: number): Unusable {
    let k = h.length - 1;
    while (k >= 0 && h[k].ts > t) k--;
    if (k < 0) return 'missing';
    if (!h[k].good) return 'bad';
    const after = h[k + 1];
    return this.method === 'linear' && h[k].ts < t && after && !after.good ? 'bad' : 'stale';
  }

  /** The newest good value at or before t, within maxAge; NaN otherwise. */
  private held(h: readonly Point[], t: number): number {
    for (let k = h.length - 1; k >= 0; k--) {
      if (h[k].ts > t) continue;
      return h[k].good && readingStands(h[k].ts, t, this.maxAgeMs) ? h[k].value : Number.NaN;
    }
    return Number.NaN;
  }

  /** Linear between the samples around t (exact at a sample), both good and within maxAge of t. */
  private interpolated(h: readonly Point[], t: number): number {
    for (let k = 0; k < h.length; k++) {
      const p = h[k];
      if (p.ts < t) continue;
      if (p.ts === t) return p.good ? p.value : Number.NaN;
      const before = h[k - 1];
      if (!before || !before.good || !p.good || t - before.ts > this.maxAgeMs || p.ts - t > this.maxAgeMs)
        return Number.NaN;
      return before.value + ((p.value - before.value) * (t - before.ts)) / (p.ts - before.ts);
    }
    return Number.NaN;
  }

  /** Drops samples no grid time to come can use (keeps the newest before the next grid time). */
  private trim(): void {
    this.history.forEach((h, c) => {
      let k = 0;
      while (k + 1 < h.length && h[k + 1].ts <= this.next) k++;
      if (k > 0) h.splice(0, k);
      // A failed read before the oldest sample kept makes no row to come held; nor one more than maxAge before the next
      // grid time (a value held over it is stale there); without samples, no row has the value.
      const f = this.failures[c];
      if (f.length === 0) return;
      const before = h.length > 0 ? Math.max(h[0].ts, this.next - this.maxAgeMs) : Number.POSITIVE_INFINITY;
      let j = 0;
      while (j < f.length && f[j] < before) j++;
      if (j > 0) f.splice(0, j);
    });
  }
}
