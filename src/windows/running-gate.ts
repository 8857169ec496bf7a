/**
 * Whether an asset's machine runs at a row's time (pure): the newest reading of its `running_when` channel, judged by
 * the shared condition (core/running-condition.ts). The channel need not be a model input, and is read raw: a string
 * tag's text (a mode word from OPC UA), a coil's 0/1 or a number. As a row's channels, a reading holds over a failed
 * read up to the age limit; a bad reading, none yet, or one older (or stamped further ahead) than the limit leaves
 * the state unknown: such a row is not scored either.
 */
import type { Sample } from '../core/types.js';
import { isRunning, runningConditionText, type RunningCondition } from '../core/running-condition.js';

/** running: the condition holds; stopped: it does not; unknown: no fresh good reading of its channel. */
export type RunningState = 'running' | 'stopped' | 'unknown';

/** Readings kept: enough for rows on the time grid, which lag the newest sample by a few batches. */
const KEPT = 16;

export class RunningGate {
  /** The channel's newest readings, oldest first: a bad one as undefined. */
  private readonly readings: { readonly value: number | string | undefined; readonly ts: number }[] = [];

  constructor(
    private readonly asset: string,
    readonly condition: RunningCondition,
    private readonly maxAgeMs: number,
  ) {}

  /** Takes the condition channel's readings in a batch (other channels and assets are ignored). */
  push(batch: readonly Sample[]): void {
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k];
      if (s.channel !== this.condition.channel || s.asset !== this.asset || s.failedRead === true) continue;
      const good = s.quality === 'good' && (s.text !== undefined || Number.isFinite(s.value));
      this.readings.push({ value: good ? (s.text ?? s.value) : undefined, ts: s.ts });
      if (this.readings.length > KEPT) this.readings.shift();
    }
  }

  /**
   * The state at a row's time: by the newest reading at or before it (a row on the time grid lies before the newest
   * sample), else the oldest kept where stamped ahead of it; unknown where that one is bad or further than the age
   * limit from the row, either side.
   */
  stateAt(ts: number): RunningState {
    let r = this.readings[0];
    for (const x of this.readings) if (x.ts <= ts) r = x;
    if (r?.value === undefined || Math.abs(ts - r.ts) > this.maxAgeMs) return 'unknown';
    return isRunning(this.condition, r.value) ? 'running' : 'stopped';
  }

  /** Why a row at `ts` is not scored, in words: "stopped: Mode=RUN does not hold" or the channel's reading missing. */
  whyAt(ts: number): string {
    const text = runningConditionText(this.condition);
    return this.stateAt(ts) === 'unknown'
      ? `no fresh good reading of ${this.condition.channel} (running_when ${text})`
      : `stopped: ${text} does not hold`;
  }
}
