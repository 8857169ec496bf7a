/**
 * One asset's path through the gateway: samples → rows → sliding windows → model → alarm.
 * Windows are scored in order, in micro-batches (all windows that queued while the previous
 * run was in flight go in one session.run). The queue is bounded: if scoring falls behind by more
 * than `maxQueuedWindows`, the oldest windows are dropped and counted. A failing model marks the
 * asset degraded; the rest of the gateway keeps running.
 */
import { AnomalyAlarm } from '../alarms/anomaly-alarm.js';
import type { Model } from '../core/components.js';
import type { AlarmEvent, Sample, ScoreResult, Window } from '../core/types.js';
import type { AssetConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { RowAssembler } from '../windows/row-assembler.js';
import { SlidingWindow } from '../windows/sliding-window.js';

export interface AssetPipelineOutput {
  onScores(scores: readonly ScoreResult[]): void;
  onAlarm(event: AlarmEvent): void;
}

export interface AssetStatus {
  readonly name: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly channels: readonly string[];
  readonly windowsScored: number;
  readonly windowsIncomplete: number;
  readonly windowsDropped: number;
  readonly degraded: string | undefined;
  readonly alarmActive: boolean;
  readonly latest: ScoreResult | undefined;
  readonly maxScore: number;
}

export class AssetPipeline {
  private readonly rows: RowAssembler;
  private readonly windows: SlidingWindow;
  private readonly alarm: AnomalyAlarm;
  private queue: Window[] = [];
  private running: Promise<void> | undefined;
  private windowsScored = 0;
  private windowsIncomplete = 0;
  private windowsDropped = 0;
  private degraded: string | undefined;
  private latest: ScoreResult | undefined;
  private maxScore = 0;

  constructor(
    readonly config: AssetConfig,
    readonly model: Model,
    private readonly output: AssetPipelineOutput,
    private readonly deps: { logger: Logger; metrics: GatewayMetrics; maxQueuedWindows?: number },
  ) {
    this.rows = new RowAssembler(config.name, model.channels, config.window.max_sample_age_ms);
    this.windows = new SlidingWindow(config.name, model.channels, model.windowLength, config.window.hop_samples);
    this.alarm = new AnomalyAlarm(config.name, {
      onDelay: config.alarm.on_delay_windows,
      offDelay: config.alarm.off_delay_windows,
      clearRatio: config.alarm.clear_ratio,
    });
  }

  /** Feeds a batch of samples (any assets; others are ignored). */
  push(batch: readonly Sample[]): void {
    const row = this.rows.push(batch);
    if (!row) return;
    const outcome = this.windows.push(row);
    if (!outcome) return;
    if (outcome.kind === 'incomplete') {
      this.windowsIncomplete++;
      this.deps.metrics.windowsIncomplete.inc({ asset: this.config.name });
      return;
    }
    this.queue.push(outcome.window);
    const max = this.deps.maxQueuedWindows ?? 256;
    if (this.queue.length > max) {
      const dropped = this.queue.length - max;
      this.queue.splice(0, dropped);
      this.windowsDropped += dropped;
      this.deps.logger.warn({ asset: this.config.name, dropped }, `asset ${this.config.name}: scoring fell behind, dropped ${dropped} oldest windows`);
    }
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves when every queued window has been scored. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const stop = this.deps.metrics.inferenceSeconds.startTimer({ asset: this.config.name });
      let results: ScoreResult[];
      try {
        results = await this.model.score(batch);
      } catch (err) {
        this.deps.metrics.inferenceErrors.inc({ asset: this.config.name });
        const message = `asset ${this.config.name}: model ${this.model.name} failed: ${(err as Error).message}`;
        if (this.degraded !== message) this.deps.logger.error({ asset: this.config.name }, message);
        this.degraded = message;
        continue;
      } finally {
        stop();
      }
      this.degraded = undefined;
      const threshold = this.config.alarm.threshold;
      const scored = threshold === undefined ? results : results.map((r) => ({ ...r, threshold, anomalous: r.score > threshold }));
      this.windowsScored += scored.length;
      this.deps.metrics.windowsScored.inc({ asset: this.config.name }, scored.length);
      this.latest = scored[scored.length - 1];
      this.deps.metrics.anomalyScore.set({ asset: this.config.name }, this.latest.score);
      for (const r of scored) this.maxScore = Math.max(this.maxScore, r.score);
      this.output.onScores(scored);
      for (const r of scored) {
        const event = this.alarm.update(r);
        if (!event) continue;
        this.deps.metrics.alarmActive.set({ asset: this.config.name }, event.state === 'active' ? 1 : 0);
        if (event.state === 'active') this.deps.metrics.alarmsRaised.inc({ asset: this.config.name });
        this.output.onAlarm(event);
      }
    }
  }

  status(): AssetStatus {
    return {
      name: this.config.name,
      model: this.model.name,
      modelVersion: this.model.version,
      channels: this.model.channels,
      windowsScored: this.windowsScored,
      windowsIncomplete: this.windowsIncomplete,
      windowsDropped: this.windowsDropped,
      degraded: this.degraded,
      alarmActive: this.alarm.isActive,
      latest: this.latest,
      maxScore: this.maxScore,
    };
  }
}
