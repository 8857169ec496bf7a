/**
 * A window node's stops: the rows its running condition leaves out (running-settings.ts), followed by the gateway's own
 * MachineStops (runtime/machine-stops.ts), so that the node's status says a stop as the gateway's /api/status does
 * (`stopped since …`, `settling until …`) and its log says it once per stop and once at the restart, in the gateway's
 * words. Times are the rows' own: a flow fed a recording says the recording's times.
 */
import type { RunningCondition } from '../core/running-condition.js';
import type { AssetWindowOutcome } from '../windows/asset-windows.js';
import { MachineStops } from '../runtime/machine-stops.js';
import type { NodeStatus } from './red-api.js';
import { statusText } from './status-text.js';

type StoppedRow = Extract<AssetWindowOutcome, { kind: 'stopped' }>;

/** A time as the status says it: ISO 8601 in UTC, without milliseconds where there are none. */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

export class WindowStops {
  private rowTs = 0;
  private readonly stops: MachineStops;
  /** Rows not windowed since the node started (stopped, settling, or with no reading of the condition's channel). */
  rows = 0;

  private readonly channel: string;

  constructor(asset: string, condition: RunningCondition, log: (message: string) => void) {
    this.channel = condition.channel;
    this.stops = new MachineStops(asset, condition, {
      logger: { info: (_fields: object, message: string) => log(message) },
      metrics: { rowsStopped: { inc: () => void this.rows++ } },
      wall: () => this.rowTs,
    });
  }

  /**
   * A row not windowed. True where it begins a stop (the node sends it on its second output: a gap for the alarm node,
   * whose delays then start again, as the gateway's alarm's do at a stop).
   */
  row(outcome: StoppedRow): boolean {
    const begins = this.stops.stopped === undefined;
    this.rowTs = outcome.ts;
    this.stops.row(outcome.state, outcome.why);
    return begins;
  }

  /** Whether a stop (or a settle) stands. */
  get standing(): boolean {
    return this.stops.stopped !== undefined;
  }

  /** The machine runs, settled, at the newest row: the stop ends. */
  running(): void {
    this.stops.running();
  }

  /** While a stop or a settle stands: the node's status that says it; else undefined. */
  status(): NodeStatus | undefined {
    const s = this.stops.stopped;
    if (!s) return undefined;
    if (s.settling)
      return {
        fill: 'grey',
        shape: 'ring',
        text: statusText(`settling until ${iso(s.settling.until)} (${s.condition})`),
      };
    // The condition where it does not hold; where it is not known, the channel that has no reading.
    const text =
      s.state === 'stopped'
        ? `stopped since ${iso(s.since)} (${s.condition})`
        : `no reading of ${this.channel} since ${iso(s.since)} (${s.condition})`;
    return { fill: 'grey', shape: 'dot', text: statusText(text) };
  }
}
