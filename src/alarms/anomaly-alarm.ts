/**
 * The anomaly alarm of one asset (pure): raised after `onDelay` consecutive scores above the
 * threshold, cleared after `offDelay` consecutive scores below `clearRatio × threshold`
 * (hysteresis, so a score hovering at the threshold does not chatter). One event per transition.
 */
import type { AlarmEvent, ScoreResult } from '../core/types.js';

export interface AnomalyAlarmOptions {
  readonly onDelay: number;
  readonly offDelay: number;
  readonly clearRatio: number;
}

export class AnomalyAlarm {
  private active = false;
  private above = 0;
  private below = 0;
  private peak = 0;

  constructor(
    readonly asset: string,
    private readonly options: AnomalyAlarmOptions,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  /** Feeds one score; returns the transition it caused, if any. */
  update(result: ScoreResult): AlarmEvent | undefined {
    const clearLevel = result.threshold * this.options.clearRatio;
    if (result.score > result.threshold) this.above++;
    else this.above = 0;
    if (result.score < clearLevel) this.below++;
    else this.below = 0;
    const top = result.contributions.slice(0, 3).map((c) => c.channel);
    if (!this.active && this.above >= this.options.onDelay) {
      this.active = true;
      this.peak = result.score;
      const shares = result.contributions.slice(0, 3).map((c) => `${c.channel} ${(c.share * 100).toFixed(0)}%`).join(', ');
      return this.event(result, 'active', top, `${this.asset}: anomaly score ${result.score.toFixed(3)} above threshold ${result.threshold.toFixed(3)} for ${this.above} windows; top contributors: ${shares}`);
    }
    if (this.active) this.peak = Math.max(this.peak, result.score);
    if (this.active && this.below >= this.options.offDelay) {
      this.active = false;
      return this.event(result, 'cleared', top, `${this.asset}: anomaly score back below ${clearLevel.toFixed(3)} for ${this.below} windows (peak ${this.peak.toFixed(3)})`);
    }
    return undefined;
  }

  private event(r: ScoreResult, state: AlarmEvent['state'], topChannels: string[], message: string): AlarmEvent {
    return { asset: this.asset, alarm: 'anomaly', state, ts: r.ts, score: r.score, threshold: r.threshold, topChannels, message };
  }
}
