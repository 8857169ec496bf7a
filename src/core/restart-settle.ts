/**
 * The settle time after a restart (pure): rows in the first `settleMs` after a machine's running condition turns true
 * again after a stop are a ramp back to normal operation, not normal operation (w1's historian walk: the mode said RUN
 * at the restart's first second while the heat exchanger took ~25 min to come back, and the ramp set the alarm at
 * every restart). They are treated as stopped rows are: neither learnt, windowed, scored nor measured. The same rule
 * serves `train`/`eval` (`--running-settle-ms`, csv-running-rows.ts) and a gateway's asset
 * (`running_when.settle_ms`, windows/asset-windows.ts), so what was learnt and what is scored are the same rows.
 *
 * A restart is a row where the condition holds after a row where it did not (stopped). A row whose condition channel
 * has no reading (unknown) is no stop: a read that failed while the machine ran does not start a settle; a settle
 * already begun runs on over it. Before the first known state (the data's start, a gateway's start) a running machine
 * is taken as settled: nothing says it restarted.
 */

/** A row's state by its running condition alone: running, stopped (it does not hold), unknown (no reading). */
export type ConditionState = 'running' | 'stopped' | 'unknown';

/** A row's state with the settle time: settling where it runs but within the settle time of a restart. */
export type MachineState = ConditionState | 'settling';

export class RestartSettle {
  /** The last known state (running or stopped); undefined before one. */
  private lastKnown: 'running' | 'stopped' | undefined;
  /** The time of the restart being settled (ms), while it lasts. */
  private restartTs: number | undefined;
  /** Whether the last row judged was a restart (a running row after a stopped one). */
  restarted = false;

  constructor(readonly settleMs: number) {}

  /** The state of the row at `ts` whose condition state is `state`; rows must come in time order. */
  at(state: ConditionState, ts: number): MachineState {
    this.restarted = false;
    if (state === 'unknown') return state;
    const was = this.lastKnown;
    this.lastKnown = state;
    this.restarted = was === 'stopped' && state === 'running';
    if (state === 'stopped') {
      this.restartTs = undefined;
      return state;
    }
    if (this.restarted && this.settleMs > 0) this.restartTs = ts;
    if (this.restartTs !== undefined && ts - this.restartTs < this.settleMs) return 'settling';
    this.restartTs = undefined;
    return 'running';
  }

  /** The restart being settled: since (its first running row's time) and until (when rows count again), if any. */
  get settling(): { readonly since: number; readonly until: number } | undefined {
    return this.restartTs === undefined ? undefined : { since: this.restartTs, until: this.restartTs + this.settleMs };
  }
}

/**
 * Each row's state by its condition state and time (the rows of a file, in order): the rows within `settleMs` of a
 * restart become settling.
 */
export function settledStates(
  states: readonly ConditionState[],
  times: ArrayLike<number>,
  settleMs: number,
): MachineState[] {
  const settle = new RestartSettle(settleMs);
  return states.map((s, i) => settle.at(s, times[i]));
}

/** The rows where the machine restarts (a running row after a stopped one, unknown rows passed over), in order. */
export function restartRows(states: readonly ConditionState[]): number[] {
  const settle = new RestartSettle(0);
  return states.flatMap((s, i) => (settle.at(s, i), settle.restarted ? [i] : []));
}
