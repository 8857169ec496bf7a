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

export class RunningGate {
  private reading: number | string | undefined;
  private ts = Number.NEGATIVE_INFINITY;

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
      this.reading = good ? (s.text ?? s.value) : undefined;
      this.ts = s.ts;
    }
  }

  stateAt(ts: number): RunningState {
    if (this.reading === undefined || Math.abs(ts - this.ts) > this.maxAgeMs) return 'unknown';
    return isRunning(this.condition, this.reading) ? 'running' : 'stopped';
  }

  /** Why a row at `ts` is not scored, in words: "stopped (Mode=RUN does not hold)" or the channel's reading missing. */
  whyAt(ts: number): string {
    const text = runningConditionText(this.condition);
    return this.stateAt(ts) === 'unknown'
      ? `no fresh good reading of ${this.condition.channel} (running_when ${text})`
      : `stopped: ${text} does not hold`;
  }
}
