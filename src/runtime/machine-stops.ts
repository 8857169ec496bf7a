/**
 * An asset's stops (`assets[].running_when`): rows not windowed because its machine does not run are counted
 * (linewatch_rows_stopped_total), logged once per stop, and the stop stands in its status (since when, the condition
 * in words, why) until a row where the machine runs again. A stopped asset is not blind: nothing is there to score.
 */
import { runningConditionText, type RunningCondition } from '../core/running-condition.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

/** An asset whose machine does not run, as /api/status says it. */
export interface Stopped {
  /** Since when (wall clock, ms): the first row not scored. */
  readonly since: number;
  /** The running_when condition in words (`Mode=RUN`). */
  readonly condition: string;
  /** stopped: the condition does not hold; unknown: its channel has no fresh good reading. */
  readonly state: 'stopped' | 'unknown';
  readonly why: string;
}

export class MachineStops {
  private stop: Stopped | undefined;
  private readonly condition: string;

  constructor(
    private readonly asset: string,
    condition: RunningCondition,
    private readonly deps: { logger: Logger; metrics: GatewayMetrics; wall: () => number },
  ) {
    this.condition = runningConditionText(condition);
  }

  /** A row not windowed: the machine does not run at its time (the state, and why in words). */
  row(state: Stopped['state'], why: string): void {
    this.deps.metrics.rowsStopped.inc({ asset: this.asset, state });
    if (this.stop?.state === state) return;
    const since = this.stop?.since ?? this.deps.wall();
    if (!this.stop)
      this.deps.logger.info(
        { asset: this.asset, state },
        `asset ${this.asset}: ${why}; its rows are not scored until it runs again, its alarm stays as it is`,
      );
    this.stop = { since, condition: this.condition, state, why };
  }

  /** The machine runs again (a row where the condition holds): scoring resumes after a whole window of such rows. */
  running(): void {
    if (!this.stop) return;
    this.stop = undefined;
    this.deps.logger.info(
      { asset: this.asset },
      `asset ${this.asset}: runs again (${this.condition}); scored from its first whole window of running rows`,
    );
  }

  get stopped(): Stopped | undefined {
    return this.stop;
  }
}
