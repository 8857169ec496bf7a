/** Shared data types that flow through the pipeline: sources → windows → models → alarms → sinks. No I/O here. */

/** Quality of one reading, mapped from the protocol's status (OPC UA status codes, Modbus errors). */
export type Quality = 'good' | 'uncertain' | 'bad';

/**
 * One decoded reading of one tag. `ts` is the source timestamp in milliseconds since the Unix
 * epoch (the device's own where the protocol has one, as in OPC UA; the poll time for Modbus);
 * `received` is when the gateway got it.
 */
export interface Sample {
  readonly source: string;
  readonly asset: string;
  readonly channel: string;
  readonly ts: number;
  readonly received?: number;
  readonly value: number;
  readonly quality: Quality;
  readonly unit?: string;
  /** The text of a string tag (a serial number, a recipe name); `value` is then NaN. */
  readonly text?: string;
  /** Why a bad sample is bad, where the source knows (`run --once` prints it). */
  readonly reason?: string;
  /**
   * Of a bad sample: the read failed (a timeout, a Modbus exception answer, a connection down or backing off), so no
   * value came. The windows take it as no sample of the channel: its last good reading is held up to
   * `max_sample_age_ms`, then the rows are incomplete (stale). A bad value the device itself reports (an OPC UA Bad
   * status code, a value that decodes to NaN) has no `failedRead` and is never held over. Counted and stored as bad
   * as any other.
   */
  readonly failedRead?: true;
}

/**
 * Of a window's rows, those in which a channel's value was its last good reading held over a failed read (a timeout,
 * an exception answer, the connection down; Sample.failedRead): `rows` of the `of` rows the window was cut from (a
 * sliding window's length, a part's rows before resampling) had at least one channel held; `channels` counts them per
 * channel (only channels held at least once). A held value is never older than max_sample_age_ms.
 */
export interface HeldRows {
  readonly rows: number;
  readonly of: number;
  readonly channels: Readonly<Record<string, number>>;
}

/** A fixed-length block of aligned rows for one asset: `data[t * channels.length + c]`. */
export interface Window {
  readonly asset: string;
  readonly channels: readonly string[];
  readonly length: number;
  readonly start: number;
  readonly end: number;
  readonly data: Float32Array;
  readonly partId?: string;
  /** Where some row held a channel's reading over a failed read: how many (absent where none). */
  readonly held?: HeldRows;
  /**
   * A part's points its rows do not reach (their indices, ascending; cycle-window.ts): before its first row or past its
   * last where a missed poll lost its first or last readings (they hold its first or last reading), and inside a
   * missed poll among its rows (the resampling bridges it with a straight line). Absent: all read. A part model
   * (normalisation part_curve) leaves them out of its score.
   */
  readonly unreadPoints?: readonly number[];
}

/** The kinds of standardised term a stats or hybrid model scores (see src/training/detector-graph.ts). */
export const TERM_KINDS = ['residual', 'level', 'variability'] as const;
export type TermKind = (typeof TERM_KINDS)[number];

export interface ChannelContribution {
  readonly channel: string;
  /** Share of the window's reconstruction error caused by this channel, 0..1. */
  readonly share: number;
  /** Stats and hybrid models: the kind of term that is largest for this channel. */
  readonly kind?: TermKind;
}

/** The verdict of a model on one window. */
export interface ScoreResult {
  readonly asset: string;
  readonly model: string;
  readonly modelVersion: string;
  /** Time of the last sample in the window: the verdict uses no data after it. */
  readonly ts: number;
  readonly score: number;
  readonly threshold: number;
  /** Where an alarm on this score clears (the model's calibrated hysteresis), when the model has one. */
  readonly offThreshold?: number;
  /** Where a raised alarm clears when that lies below offThreshold (the model's largest normal score); offThreshold
   * then stays the level a sustained deviation must hold. */
  readonly clearThreshold?: number;
  readonly anomalous: boolean;
  /** All channels, largest share first. */
  readonly contributions: readonly ChannelContribution[];
  readonly partId?: string;
  /** The scored window's rows that held a channel's reading over a failed read (Window.held); absent where none. */
  readonly held?: HeldRows;
}

/** Alarm states in the spirit of ISA-18.2 (see src/alarms/alarm-state.ts). */
export const ALARM_STATES = ['normal', 'unack_active', 'ack_active', 'rtn_unack', 'shelved', 'out_of_service'] as const;
export type AlarmStateName = (typeof ALARM_STATES)[number];
export const ALARM_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlarmPriority = (typeof ALARM_PRIORITIES)[number];
export const OPERATOR_COMMANDS = [
  'ack',
  'shelve',
  'unshelve',
  'remove_from_service',
  'return_to_service',
  'reset',
] as const;
export type OperatorCommand = (typeof OPERATOR_COMMANDS)[number];
export type TransitionCause = 'condition' | 'operator' | 'expiry';

/** One transition of an alarm, journaled with what or who caused it. */
export interface AlarmEvent {
  readonly asset: string;
  readonly alarm: string;
  readonly priority: AlarmPriority;
  readonly state: AlarmStateName;
  readonly previous: AlarmStateName;
  readonly ts: number;
  readonly cause: TransitionCause;
  readonly command?: OperatorCommand;
  readonly by?: string;
  readonly comment?: string;
  /** Whether the debounced condition (score above threshold) is active. */
  readonly conditionActive: boolean;
  /** The latest score when the transition happened. */
  readonly score: number;
  readonly threshold: number;
  readonly topChannels: readonly string[];
  /** Per top channel, in the same order, the kind of its largest term, where the model has kinds (stats and hybrid
   * models); absent for autoencoders and where no score has been seen. */
  readonly topKinds?: readonly TermKind[];
  /** In `shelved`: when the shelve ends (ms since the epoch), so a restart can keep it. */
  readonly shelvedUntil?: number;
  readonly message: string;
}

/** A transition that annunciates a new alarm to operators. */
export function isRaise(e: AlarmEvent): boolean {
  return e.state === 'unack_active' && e.previous !== 'unack_active';
}

/** A periodic snapshot of the gateway's own health (counters are totals since start). */
export interface HealthPoint {
  readonly ts: number;
  /** Set for a per-source point; absent for the gateway-wide point. */
  readonly source?: string;
  readonly fields: Readonly<Record<string, number>>;
}

/** The quality verdict on one produced part (from a cycle-triggered window). */
export interface PartResult {
  readonly asset: string;
  readonly partId: string;
  /** End of the part's cycle. */
  readonly ts: number;
  /** unknown: the part could not be judged (missing samples, too short or too long, its window unscored). */
  readonly verdict: 'pass' | 'fail' | 'unknown';
  readonly score?: number;
  readonly threshold?: number;
  readonly topChannels: readonly string[];
  readonly cycleMs?: number;
  readonly reason?: string;
  readonly model: string;
  /** The part window's rows that held a channel's reading over a failed read (Window.held); absent where none. */
  readonly held?: HeldRows;
  /**
   * A part the part counter skipped, made while its readings were lost (part-counter-gaps.ts): recorded, told to the
   * part actions that send messages, never written for to a device (a reject gate): it left the station unseen, and
   * its record comes just before the next part's, which such a write would act on.
   */
  readonly missed?: true;
}

/** How a model's fit went, for a person (the report's fit chart): training and validation loss per epoch, or per the
 * points `x` names (the hybrid's closed-form fit: per ridge tried). */
export interface FitCurve {
  readonly train: readonly number[];
  readonly validation: readonly number[];
  /** Where each point lies and what that is (the hybrid: log10 of each ridge tried); by default epochs 1, 2, …. */
  readonly x?: readonly number[];
  readonly xCaption?: string;
  /** The chart's title after the model's; by default "loss per epoch". */
  readonly label?: string;
  /** What the two curves are, in the chart's legend and the page's colour key; by default training and validation
   * loss. */
  readonly names?: { readonly train: string; readonly validation: string };
  /** The y axis' caption; by default "loss". */
  readonly yCaption?: string;
}
