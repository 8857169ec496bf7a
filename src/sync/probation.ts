/**
 * A model on probation: scores like the model it wraps, and counts what the rollback decision
 * needs (runs that failed, windows judged anomalous). Pure bookkeeping around `score`.
 */
import type { Model } from '../core/components.js';
import type { ScoreResult, Window } from '../core/types.js';

export interface ProbationLimits {
  readonly maxErrorRate: number;
  readonly maxAnomalousFraction: number;
  readonly minWindows: number;
}

export class ProbationModel implements Model {
  runs = 0;
  failedRuns = 0;
  windows = 0;
  anomalous = 0;

  constructor(
    readonly inner: Model,
    private readonly limits: ProbationLimits,
  ) {}

  get name() {
    return this.inner.name;
  }
  get version() {
    return this.inner.version;
  }
  get channels() {
    return this.inner.channels;
  }
  get windowLength() {
    return this.inner.windowLength;
  }
  get samplePeriodMs() {
    return this.inner.samplePeriodMs;
  }
  get threshold() {
    return this.inner.threshold;
  }

  async score(windows: readonly Window[]): Promise<ScoreResult[]> {
    this.runs++;
    try {
      const results = await this.inner.score(windows);
      this.windows += results.length;
      for (const r of results) if (r.anomalous) this.anomalous++;
      return results;
    } catch (err) {
      this.failedRuns++;
      throw err;
    }
  }

  /** Why the model should be rolled back, or undefined while it behaves. */
  verdict(): string | undefined {
    if (this.runs > 0 && this.failedRuns / this.runs > this.limits.maxErrorRate)
      return `${this.failedRuns} of ${this.runs} scoring runs failed (limit ${this.limits.maxErrorRate * 100} %)`;
    if (this.windows >= this.limits.minWindows && this.anomalous / this.windows > this.limits.maxAnomalousFraction) {
      return `${this.anomalous} of ${this.windows} windows judged anomalous (limit ${this.limits.maxAnomalousFraction * 100} %)`;
    }
    return undefined;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
