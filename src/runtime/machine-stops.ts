/**
 * An asset's stops (`assets[].running_when`): rows not windowed because its machine does not run, or runs but settles
 * after its restart (`settle_ms`), are counted (linewatch_rows_stopped_total), logged once per stop and once at the
 * restart, and the stop stands in its status (since when, the condition in words, why; while settling, until when)
 * until a row where the machine runs and has settled. A stopped asset is not blind: nothing is there to score.
 */
import { runningConditionText, type RunningCondition } from '../core/running-condition.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

/** An asset whose machine does not run, as /api/status says it. */
export interface Stopped {
  /** Since when (wall clock, ms): the first row not scored. */
  readonly since: number;
  /** The running_when condition in words (`Mode=RUN`). */
  readonly condition: string;
  /** stopped: the condition does not hold; unknown: its channel has no fresh good reading; settling: it holds again,
   * but within settle_ms of the restart. */
  readonly state: 'stopped' | 'unknown' | 'settling';
  readonly why: string;
  /** While settling: when the machine ran again, and when its rows count again (wall clock, ms). */
  readonly settling?: { readonly since: number; readonly until: number };
}

export class MachineStops {
  private stop: Stopped | undefined;
  private readonly condition: string;

  private readonly settleMs: number;

  constructor(
    private readonly asset: string,
    condition: RunningCondition,
    private readonly deps: {
      /** The gateway's logger; a Node-RED window node's log. */
      logger: { info(fields: object, message: string): void };
      /** The gateway's metrics; a Node-RED window node counts its own. */
      metrics: { readonly rowsStopped: Pick<GatewayMetrics['rowsStopped'], 'inc'> };
      /** The time of a stop's first row (ms): the gateway's wall clock; a window node's, the row's own time. */
      wall: () => number;
    },
  ) {
    this.condition = runningConditionText(condition);
    this.settleMs = condition.settle_ms ?? 0;
  }

  /** A row not windowed: the machine does not run at its time, or settles after its restart (the state, and why). */
  row(state: Stopped['state'], why: string): void {
    this.deps.metrics.rowsStopped.inc({ asset: this.asset, state });
    if (this.stop?.state === state) return;
    const now = this.deps.wall();
    const since = this.stop?.since ?? now;
    // A settle runs on over a row of unknown state (a failed read), as restart-settle.ts judges it.
    const settling =
      state === 'settling' ? (this.stop?.settling ?? { since: now, until: now + this.settleMs }) : this.stop?.settling;
    if (state === 'settling' && !this.stop?.settling)
      this.deps.logger.info(
        { asset: this.asset, state },
        `asset ${this.asset}: runs again (${this.condition}); settling for ${this.settleMs} ms after the restart (running_when.settle_ms): its rows are not scored until ${new Date(settling!.until).toISOString()}`,
      );
    else if (!this.stop)
      this.deps.logger.info(
        { asset: this.asset, state },
        `asset ${this.asset}: ${why}; its rows are not scored until it runs again, its alarm stays as it is`,
      );
    this.stop = {
      since,
      condition: this.condition,
      state,
      why,
      ...(settling && state !== 'stopped' ? { settling } : {}),
    };
  }

  /** The machine runs again, settled (a row where the condition holds, past the settle time): scoring resumes after a
   * whole window of such rows. */
  running(): void {
    if (!this.stop) return;
    const settled = this.stop.settling !== undefined;
    this.stop = undefined;
    this.deps.logger.info(
      { asset: this.asset },
      `asset ${this.asset}: ${settled ? 'settled after its restart' : 'runs again'} (${this.condition}); scored from its first whole window of running rows`,
    );
  }

  get stopped(): Stopped | undefined {
    return this.stop;
  }
}
