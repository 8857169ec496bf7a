/**
 * One asset's samples → windows (pure): rows assembled from the model's channels (plus the
 * trigger channel for cycle windows), one per source batch (one per sampling where a batch holds several: two
 * OPC UA publish responses delivered together) or on the model's time grid (`align`), then sliding windows or one
 * window per part.
 * Used by the daemon's asset pipeline and by the Node-RED window node, so both cut windows the
 * same way.
 */
import type { Sample, Window } from '../core/types.js';
import type { WindowSettings } from './schema.js';
import { RowAssembler, type Row } from './row-assembler.js';
import { TimeGrid } from './time-grid.js';
import { Samplings } from './samplings.js';
import { isPause } from '../core/csv-pauses.js';
import { CycleWindow } from './cycle/cycle-window.js';
import { SlidingWindow } from './sliding/sliding-window.js';
import { RunningGate } from './running-gate.js';
import { runningConditionText, type RunningCondition } from '../core/running-condition.js';
import { RestartSettle, type MachineState } from '../core/restart-settle.js';

export type AssetWindowOutcome =
  | { readonly kind: 'window'; readonly window: Window; readonly durationMs?: number }
  /**
   * A window (or a part, with its id) that cannot be judged: never scored as if normal. `why`, where known: which
   * channels made it so, shortly ("pressure missing"), as the reason ends.
   */
  | {
      readonly kind: 'incomplete';
      readonly ts: number;
      readonly partId?: string;
      readonly reason: string;
      readonly why?: string;
    }
  /**
   * A row not windowed: the machine does not run at its time (`running_when` does not hold, or its channel has no fresh
   * reading: `state` unknown), or it runs but within `settle_ms` of its restart (`state` settling). The sliding window
   * starts anew at the first such row, so no window spans a stop or a restart's ramp.
   */
  | {
      readonly kind: 'stopped';
      readonly ts: number;
      readonly state: Exclude<MachineState, 'running'>;
      /** "the machine does not run: " and `why`, as an incomplete window's reason. */
      readonly reason: string;
      /** Shortly: "stopped: Mode=RUN does not hold", or its channel's reading missing. */
      readonly why: string;
    };

/**
 * The newest part id of a cycle asset: a string tag's text (a serial number), or a number (a part
 * counter) as text. Kept apart from the rows, so a text tag does not make rows incomplete; a
 * bad or stale id falls back to the part's sequence number. (`linewatch export` holds its part id
 * column with it too.)
 */
export class PartIdTracker {
  private id: string | undefined;
  private ts = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly asset: string,
    private readonly channel: string,
    private readonly maxAgeMs: number,
  ) {}

  push(batch: readonly Sample[]): void {
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k];
      if (s.channel !== this.channel || s.asset !== this.asset || s.failedRead === true) continue;
      const ok = s.quality === 'good' && (s.text !== undefined ? s.text.length > 0 : Number.isFinite(s.value));
      this.id = ok ? (s.text ?? String(s.value)) : undefined;
      this.ts = s.ts;
    }
  }

  /** The tracker as it stands now (a row held back for a batch goes with the id of its time). */
  copy(): PartIdTracker {
    const copy = new PartIdTracker(this.asset, this.channel, this.maxAgeMs);
    copy.id = this.id;
    copy.ts = this.ts;
    return copy;
  }

  /** The id at a part's time: none where the id's stamp is further from it than the age limit, either side. */
  at(ts: number): string | undefined {
    return Math.abs(ts - this.ts) <= this.maxAgeMs ? this.id : undefined;
  }
}

const NONE: readonly AssetWindowOutcome[] = Object.freeze([]);

export class AssetWindows {
  private readonly rows: RowAssembler | TimeGrid;
  private readonly windows: SlidingWindow | CycleWindow;
  private readonly partIds: PartIdTracker | undefined;
  /** A batch's samplings (align batch): one row each. */
  private readonly samplings: Samplings;
  /** The time of the last batch row (align batch), to tell a pause. */
  private lastTs: number | undefined;
  /** Where `running_when` is set (sliding windows): whether the machine runs at each row's time. */
  private readonly gate: RunningGate | undefined;
  /** Its settle time after a restart (running_when.settle_ms; 0 where unset). */
  private readonly settle: RestartSettle | undefined;
  /** The state at the last row judged by the gate (undefined before one, or without a gate). */
  private runningState: MachineState | undefined;
  /**
   * A batch row of held values held back until the next batch that makes a row (RowAssembler.holdsBack), with the
   * part id as it stood at its time: dropped where that batch comes late behind it, else windowed before its row.
   */
  private heldBack: { readonly row: Row; readonly partIds: PartIdTracker | undefined } | undefined;

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    readonly length: number,
    readonly settings: WindowSettings,
    /** The model's sample period: the time grid's step (align hold/linear) and the unit of hop_ms. */
    readonly periodMs?: number,
    /** Told when a source's clock is far off the gateway's or changes (the time grid puts it on the gateway's). */
    onClockChange?: (message: string) => void,
    /** When the machine runs (sliding windows only): rows where it does not are not windowed (kind stopped). */
    runningWhen?: RunningCondition,
    /**
     * Told of each batch row whose samples came late (Row.late): the source they came from and by how much (ms). The
     * row is placed at that source's last row's time, not before it.
     */
    private readonly onLateRow?: (source: string, lateMs: number) => void,
    /**
     * Told of each batch row dropped: a row of held values (every value as the row before's) of a source that came
     * late recently, held back for a batch, and overtaken by that batch's rows, stamped before it (source-rows.ts).
     */
    private readonly onOvertakenRow?: (source: string) => void,
    /**
     * A cycle window: what started where a cycle already runs at the trigger's first reading, as its part's reason
     * (unknown) says it; default the gateway (cycle-window.ts RUNNING_AT_START).
     */
    startedMidCycle?: string,
  ) {
    const w = settings;
    if (runningWhen && w.type === 'cycle')
      throw new Error(`asset ${asset}: running_when applies to sliding windows, not cycle windows`);
    this.gate = runningWhen ? new RunningGate(asset, runningWhen, w.max_sample_age_ms) : undefined;
    this.settle = runningWhen ? new RestartSettle(runningWhen.settle_ms ?? 0) : undefined;
    this.samplings = new Samplings(asset);
    const rowsOf = (rowChannels: readonly string[]) => {
      if (w.align === 'batch') return new RowAssembler(asset, rowChannels, w.max_sample_age_ms);
      if (periodMs === undefined)
        throw new Error(`asset ${asset}: window.align ${w.align} needs the model's sample period`);
      return new TimeGrid(asset, rowChannels, periodMs, w.align, w.max_sample_age_ms, undefined, onClockChange);
    };
    if (w.type === 'cycle') {
      if (!w.trigger_channel) throw new Error(`asset ${asset}: cycle windows need a trigger channel`);
      // Rows carry the model's channels, then the trigger; the part id is tracked apart.
      this.rows = rowsOf([...channels, w.trigger_channel]);
      this.partIds = w.part_id_channel ? new PartIdTracker(asset, w.part_id_channel, w.max_sample_age_ms) : undefined;
      this.windows = new CycleWindow({
        asset,
        channels,
        triggerIndex: channels.length,
        trigger: w.trigger,
        length,
        minRows: w.min_samples,
        maxRows: w.max_samples,
        // A part pressed while the gateway (re)started is judged unknown, not passed over without a verdict.
        runningAtStart: 'unknown',
        ...(startedMidCycle !== undefined ? { startedMidCycle } : {}),
        // A part whose last readings a missed poll lost is resampled over the span it would have had.
        ...(periodMs !== undefined ? { pollMs: periodMs } : {}),
      });
    } else {
      this.rows = rowsOf(channels);
      this.partIds = undefined;
      const hop = w.hop_ms !== undefined ? Math.max(1, Math.round(w.hop_ms / (periodMs ?? w.hop_ms))) : w.hop_samples;
      this.windows = new SlidingWindow(asset, channels, length, hop);
    }
  }

  get cycle(): boolean {
    return this.windows instanceof CycleWindow;
  }

  /** Whether the machine ran (and had settled) at the last row (running_when): undefined without the condition or
   * before a row. */
  get running(): MachineState | undefined {
    return this.runningState;
  }

  /** Feeds a batch of samples (other assets' samples are ignored); returns what it completed, oldest first. */
  push(batch: readonly Sample[]): readonly AssetWindowOutcome[] {
    this.partIds?.push(batch);
    if (this.rows instanceof RowAssembler) {
      const rows = this.rows;
      const samplings = this.samplings.of(batch, (s) => rows.unchanged(s));
      if (samplings.length === 1 && this.heldBack === undefined) {
        this.gate?.push(batch);
        const row = this.batchRow(rows, batch);
        return row ? this.batchOutcomes(rows, row) : NONE;
      }
      // Several samplings in one batch: a row each, in order, so that none is lost (a part's first or last row).
      const out: AssetWindowOutcome[] = [];
      for (const sampling of samplings) {
        out.push(...this.settleHeldBack(rows, sampling));
        this.gate?.push(sampling);
        const row = this.batchRow(rows, sampling);
        if (row) out.push(...this.batchOutcomes(rows, row));
      }
      return out;
    }
    this.gate?.push(batch);
    return this.outcomesOf(this.rows.push(batch));
  }

  /** A batch row's outcomes: none yet where it is held back for the next batch (RowAssembler.holdsBack). */
  private batchOutcomes(rows: RowAssembler, row: Row): readonly AssetWindowOutcome[] {
    if (!rows.holdsBack()) return this.outcomesOf(this.afterPause(row));
    this.heldBack = { row, partIds: this.partIds?.copy() };
    return NONE;
  }

  /**
   * The row held back, as the next sampling that makes a row finds it: dropped and told where that sampling comes late
   * behind it (RowAssembler.overtakesLast), else its outcomes, before the sampling's row is made. None where the
   * sampling makes no row (the row stays held).
   */
  private settleHeldBack(rows: RowAssembler, sampling: readonly Sample[]): readonly AssetWindowOutcome[] {
    const held = this.heldBack;
    if (held === undefined) return NONE;
    const overtaken = rows.overtakesLast(sampling);
    if (overtaken === undefined) return NONE;
    if (!overtaken) return this.release();
    this.heldBack = undefined;
    this.onOvertakenRow?.(rows.lastRowSource);
    return NONE;
  }

  /** The row held back for the next batch (RowAssembler.holdsBack), while one waits: the same object until it goes. */
  get holding(): Row | undefined {
    return this.heldBack?.row;
  }

  /**
   * Lets the row held back go, as where the next batch did not overtake it: its outcomes (none where none waits). Where
   * no batch comes (the source stopped, the gateway stops), so that it is never lost unsaid: the caller bounds the wait
   * (asset-pipeline.ts: max_sample_age_ms) and lets it go at shutdown.
   */
  release(): readonly AssetWindowOutcome[] {
    const held = this.heldBack;
    if (held === undefined) return NONE;
    this.heldBack = undefined;
    return this.outcomesOf(this.afterPause(held.row), held.partIds);
  }

  /** A sampling's row (align batch), told where its samples came late. */
  private batchRow(rows: RowAssembler, sampling: readonly Sample[]): Row | undefined {
    const row = rows.push(sampling);
    if (row?.late !== undefined) this.onLateRow?.(row.source ?? '', row.late);
    return row;
  }

  private outcomesOf(rows: readonly Row[], partIds = this.partIds): readonly AssetWindowOutcome[] {
    if (rows.length === 0) return NONE;
    const out: AssetWindowOutcome[] = [];
    for (const row of rows) {
      const stopped = this.stoppedAt(row);
      if (stopped === 'pass') continue;
      const outcome = stopped ?? this.pushRow(row, partIds);
      if (outcome) out.push(outcome);
    }
    return out;
  }

  /**
   * Of a row where the machine does not run, or settles after its restart (running_when): the outcome that says so,
   * the sliding window restarted at the first such row; a pause's row while stopped is passed over (the window starts
   * anew anyway). Undefined where it runs, or without the condition.
   */
  private stoppedAt(row: Row): AssetWindowOutcome | 'pass' | undefined {
    if (!this.gate || !this.settle || !(this.windows instanceof SlidingWindow)) return undefined;
    if (row.pause) return this.runningState === 'running' || this.runningState === undefined ? undefined : 'pass';
    const state = this.settle.at(this.gate.stateAt(row.ts), row.ts);
    const was = this.runningState;
    this.runningState = state;
    if (state === 'running') return undefined;
    if (was === 'running' || was === undefined) this.windows.restart();
    if (state === 'settling') {
      const why = `settling after a restart: ${runningConditionText(this.gate.condition)} holds again, its rows are not scored for ${this.settle.settleMs} ms (running_when.settle_ms)`;
      return { kind: 'stopped', ts: row.ts, state, reason: `the machine ramps back: ${why}`, why };
    }
    const why = this.gate.whyAt(row.ts);
    return { kind: 'stopped', ts: row.ts, state, reason: `the machine does not run: ${why}`, why };
  }

  /**
   * A batch row after a pause (a source that went quiet, a clock stepped back): an incomplete row first, so that no
   * window spans it and the alarm's delays start again, as eval does at a pause in a recording (csv-pauses.ts).
   */
  private afterPause(row: Row): readonly Row[] {
    const last = this.lastTs;
    this.lastTs = row.ts;
    if (last === undefined || this.periodMs === undefined) return [row];
    if (!isPause(row.ts - last, this.periodMs, this.settings.max_sample_age_ms)) return [row];
    const values = new Float64Array(row.values.length).fill(Number.NaN);
    // A step back (two sources' clocks apart, a clock set back; a source's late samples are placed at its last row's
    // time: row-assembler.ts) is no pause of a negative length: said as what it is (walknr-s35: "none for -97 ms").
    const step = row.ts - last;
    const why =
      step < 0
        ? `samples out of order (a row stamped ${-step} ms before the one before it)`
        : `a pause in the samples (none for ${step} ms)`;
    return [{ ts: last, values, complete: false, why, pause: true }, row];
  }

  private pushRow(row: Row, partIds: PartIdTracker | undefined): AssetWindowOutcome | undefined {
    if (this.windows instanceof CycleWindow) {
      const part = this.windows.push(row, partIds?.at(row.ts));
      if (!part || part.kind === 'incomplete') return part;
      return { kind: 'window', window: part.window, durationMs: part.durationMs };
    }
    const outcome = this.windows.push(row);
    if (!outcome || outcome.kind === 'window') return outcome;
    const reason = 'a sample in the window was missing, stale or bad';
    const { ts, why } = outcome;
    return why === undefined
      ? { kind: 'incomplete', ts, reason }
      : { kind: 'incomplete', ts, reason: `${reason}: ${why}`, why };
  }
}
