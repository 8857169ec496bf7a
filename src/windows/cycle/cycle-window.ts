/**
 * Cycle-triggered windows for quality inspection (pure): one window per produced part, opened
 * and closed by a trigger channel, resampled to the model's fixed length, carrying the part id.
 *
 *   flag     the cycle runs while the trigger is non-zero: opens on the rising edge, closes on
 *            the falling edge; rows while the flag is set belong to the part.
 *   counter  each change of the trigger (a part counter) closes the running cycle and opens the
 *            next; the part id is the counter value of the part being made.
 *
 * A cycle with an incomplete row, too few rows or too many, or one that started while the trigger
 * could not be read (its first rows unknown: a bad or stale trigger, or failed reads that held its last reading), is
 * reported as incomplete with its part id: it is
 * never scored as if it were normal. Where an incomplete row says why (which
 * channels were missing, stale or bad), the reason says so too.
 *
 * A part whose last readings were lost to a missed poll (the row that ended it more than MISSED_POLL_STEPS polls after
 * its last row) is resampled over the span it would have had with that poll made, not over its rows alone (which
 * stretched its curve over the model's points): widened at its end, holding its last reading (`pollMs`; before
 * 2026-12-07 it was not). A part whose first readings were lost (its first row more than MISSED_POLL_STEPS polls after
 * the row before it: a flag's last idle row, a counter's previous part's last row) is widened at its start (since
 * 2026-12-08, latestart; before, it was resampled over its rows as read). One rule places both edges
 * (edgeInUnreadStretch): the first (last) poll that would have seen the part lies anywhere from its first (last) row to
 * one poll from the row on the stretch's other side (a stalled poll says nothing of when the trigger changed in it: on
 * the 40 ms gateway walk, after stalls of 187–441 ms, the first rows read the ram 0.9 to 16.3 mm into its stroke, about
 * 2.9 mm a poll), so its span starts or ends midway between the two, the stretch holding the reading next to it. Until
 * 2026-12-08 (endmid) the end was the latest possible one, one poll before the row that ended it; on the walk's store
 * midway took the false rejects among the parts that lost their end from 15 to 11 of 52 (docs/detection-history.md).
 * Where there is no row before it (the first reading of the trigger) its start rules stay (below). A missed poll
 * among its rows (a step over MISSED_POLL_STEPS polls) is bridged by the resampling with a straight line. The window
 * names the points its rows do not reach, before its first row, past its last one or inside such a step
 * (Window.unreadPoints; before 2026-12-08 only those past its last row, Window.readPoints), which a part model leaves
 * out of its score. `train` never learns from a part that lost its first or last readings (csv-parts.ts
 * withoutPollGaps).
 *
 * A flag already set at the first reading is a part whose start was not seen. A recording (train, eval) passes it
 * over; the gateway (`runningAtStart: 'unknown'`) judges it unknown, so that the part pressed while it restarted
 * gets a verdict and a record (the reject gate's `unknown`), not none. A counter's first value is passed over
 * either way: it may name a part judged before the restart.
 */
import type { Window } from '../../core/types.js';
import { resampleRows, unreadPoints, type ResampleSpan } from '../resample.js';
import type { Row } from '../row-assembler.js';
import { HeldRowCount } from '../held-rows.js';

export type CycleTrigger = 'flag' | 'counter';

/**
 * A step from one row to the next longer than this many polls is a missed poll: nearer two polls apart than one (a
 * pause's reading too, csv-pauses.ts: a period and a half is a late row, not a missing one).
 */
export const MISSED_POLL_STEPS = 1.5;

/**
 * Where a part's edge is taken to be in a stretch a missed poll left unread (ms), at its start and at its end alike:
 * midway between its row next to the stretch (`partTs`: its first row, its last) and the poll next to the row on the
 * stretch's other side (`outsideTs`: the row before it, the row that ended it; that poll one `pollMs` from it toward
 * the part). The poll that would have seen the part first (or last) lies anywhere between the two: a stalled poll says
 * nothing of when the trigger changed in it, and midway is the mean of a change anywhere in it.
 */
export function edgeInUnreadStretch(partTs: number, outsideTs: number, pollMs: number): number {
  const nearestPoll = outsideTs + Math.sign(partTs - outsideTs) * pollMs;
  return (partTs + nearestPoll) / 2;
}

export interface CycleWindowOptions {
  readonly asset: string;
  /** The model's channels: the first `channels.length` values of each row. */
  readonly channels: readonly string[];
  /** Index in the row of the trigger value. */
  readonly triggerIndex: number;
  readonly trigger: CycleTrigger;
  /** Index in the row of a part id value; without it parts are numbered from 1 per run. */
  readonly partIdIndex?: number;
  readonly length: number;
  readonly minRows: number;
  readonly maxRows: number;
  /**
   * flag: a cycle already running at the first reading of the trigger. `ignore` (default): not a part (a recording
   * that starts mid-cycle); `unknown`: a part judged unknown, its start not seen (the gateway, after a start or a
   * restart).
   */
  readonly runningAtStart?: 'ignore' | 'unknown';
  /**
   * runningAtStart `unknown`: what started mid-cycle, as the part's reason says it (runningAtStartReason); default the
   * gateway's words (RUNNING_AT_START). A Node-RED window node says its own.
   */
  readonly startedMidCycle?: string;
  /**
   * The spacing of the polls (ms): the gateway, its model's sample period; a recording, its median step. Where given,
   * a part whose last readings were lost to a missed poll is resampled over the span it would have had (above). Not
   * given, or not finite (times coarser than the rows): over its rows.
   */
  readonly pollMs?: number;
}

/**
 * Why a part that starts after failed reads of its trigger (a timeout, an exception answer, the connection down) is
 * unknown: a failed read holds the trigger's last reading (row-assembler.ts), so its rising edge may lie anywhere in
 * them.
 */
export const TRIGGER_READ_FAILED =
  'the trigger could not be read (its reads failed: a timeout, an exception answer or the connection down)';

/** Why a part running at the first reading of its trigger is unknown, `started` saying what started mid-cycle. */
export const runningAtStartReason = (started: string): string =>
  `the cycle was already running when its trigger was first read (${started})`;

/** Why a part running at the first reading of its trigger is unknown, in the gateway. */
export const RUNNING_AT_START = runningAtStartReason('the gateway started or restarted mid-cycle');

export type CycleOutcome =
  | { readonly kind: 'window'; readonly window: Window; readonly rows: number; readonly durationMs: number }
  | { readonly kind: 'incomplete'; readonly ts: number; readonly partId: string; readonly reason: string };

export class CycleWindow {
  private open = false;
  private lastTrigger: number | undefined;
  private partId = '';
  private ts: number[] = [];
  private values: number[] = [];
  private complete = true;
  /** What the newest incomplete row of the running cycle said of its channels (Row.why). */
  private why: string | undefined;
  private overflow = false;
  private sequence = 0;
  /** The trigger could not be read since its last value: why a part starting now was not seen from its start. */
  private lost: string | undefined;
  /**
   * The last row held the trigger's reading over a failed read of it (Row.held): a part that starts at the next row was
   * not seen from its start.
   */
  private readFailed = false;
  /** The running part started while the trigger could not be read: what the row said. */
  private unseenStart: string | undefined;
  /** The time of the last row whose trigger was read (undefined before the first). */
  private lastReadTs: number | undefined;
  /** The running part's row before its first (undefined: none, its first row is the trigger's first reading). */
  private rowBeforeTs: number | undefined;

  /** The running part's rows that held a channel's reading over a failed read (Window.held). */
  private readonly held: HeldRowCount;

  constructor(private readonly o: CycleWindowOptions) {
    this.held = new HeldRowCount(o.channels);
  }

  /** Whether a part is being made (a cycle was opened and has not closed). */
  get running(): boolean {
    return this.open;
  }

  /** `partId`, when given, names a part that starts with this row (e.g. a serial number tag's text). */
  push(row: Row, partId?: string): CycleOutcome | undefined {
    // A trigger the row cannot use (stale after failed reads, bad) is unread, though the row holds its last reading.
    const unread = row.unusable?.includes(this.o.triggerIndex) === true;
    const trigger = unread ? Number.NaN : row.values[this.o.triggerIndex];
    if (!Number.isFinite(trigger)) {
      // Without the trigger we cannot tell where the part starts or ends: the part is unknown, and so is a part that
      // starts before it is read again.
      if (this.open) this.incomplete(row);
      // A pause row says for how long no sample came; the trigger was read before and after it.
      const why = row.why !== undefined ? ` (${row.why})` : '';
      this.lost = row.pause ? (row.why ?? 'a pause in the samples') : `the trigger could not be read${why}`;
      return undefined;
    }
    const previous = this.lastTrigger;
    this.lastTrigger = trigger;
    const before = this.lastReadTs;
    this.lastReadTs = row.ts;
    const failedBefore = this.readFailed;
    this.readFailed = row.held?.includes(this.o.triggerIndex) === true;
    const lost = this.lost ?? (failedBefore ? TRIGGER_READ_FAILED : undefined);
    this.lost = undefined;
    if (this.o.trigger === 'flag') {
      const on = trigger !== 0;
      // Over failed or unread reads of the flag the running part may have ended and the next begun (a PLC that did not
      // answer for a stroke): where the part id read again is another's, neither that end nor that start was seen.
      const id = this.idOf(row, partId);
      if (on && this.open && (failedBefore || lost !== undefined) && id !== undefined && id !== this.partId) {
        const why = lost ?? TRIGGER_READ_FAILED;
        const ended = this.incompleteAt(row.ts, `its end was not seen: ${why}, and the part id read again is ${id}`);
        this.start(row, partId, why, before);
        this.add(row);
        return ended;
      }
      if (on && !this.open && previous !== undefined && previous === 0) this.start(row, partId, lost, before);
      else if (on && previous === undefined && this.o.runningAtStart === 'unknown')
        this.start(
          row,
          partId,
          this.o.startedMidCycle !== undefined ? runningAtStartReason(this.o.startedMidCycle) : RUNNING_AT_START,
        );
      else if (!on && this.open) return this.finish(row.ts);
      if (this.open && on) this.add(row);
      return undefined;
    }
    if (previous === undefined) return undefined;
    let outcome: CycleOutcome | undefined;
    if (trigger !== previous) {
      if (this.open) outcome = this.finish(row.ts);
      this.start(row, partId, lost, before);
    }
    if (this.open) this.add(row);
    return outcome;
  }

  /**
   * `lost`, where the part's first rows are unknown: why (the trigger could not be read just before, the samples
   * paused, it was running at the first reading). `before`: the time of the row before the part's first (undefined:
   * none).
   */
  private start(row: Row, partId: string | undefined, lost: string | undefined, before?: number): void {
    this.open = true;
    this.unseenStart = lost;
    this.rowBeforeTs = before;
    this.sequence++;
    this.partId = this.idOf(row, partId) ?? String(this.sequence);
    this.ts = [];
    this.values = [];
    this.complete = true;
    this.why = undefined;
    this.overflow = false;
    this.held.reset();
  }

  /** The id a row names its part by: `partId` where given, else the part id column's number; undefined: none. */
  private idOf(row: Row, partId: string | undefined): string | undefined {
    const id = this.o.partIdIndex !== undefined ? row.values[this.o.partIdIndex] : Number.NaN;
    return partId ?? (Number.isFinite(id) ? String(id) : undefined);
  }

  /** The running part closed unjudged at `ts`, for `reason`. */
  private incompleteAt(ts: number, reason: string): CycleOutcome {
    this.open = false;
    return { kind: 'incomplete', ts, partId: this.partId, reason };
  }

  private incomplete(row: Row): void {
    this.complete = false;
    if (row.why !== undefined) this.why = row.why;
  }

  private add(row: Row): void {
    if (!row.complete) this.incomplete(row);
    if (this.ts.length >= this.o.maxRows) {
      this.overflow = true;
      return;
    }
    this.ts.push(row.ts);
    this.held.add(row);
    for (let c = 0; c < this.o.channels.length; c++) this.values.push(row.values[c]);
  }

  /**
   * The span of the part's points where a missed poll lost its first or last readings: from its edge in the stretch
   * not read before its first row (the row before it more than MISSED_POLL_STEPS polls before), to its edge in the
   * stretch not read after its last row (the row that ended it, `endTs`, more than MISSED_POLL_STEPS polls after), both
   * edgeInUnreadStretch; undefined: its rows'.
   */
  private pointsSpan(endTs: number): ResampleSpan | undefined {
    const poll = this.pollMs();
    if (poll === undefined) return undefined;
    const missed = MISSED_POLL_STEPS * poll;
    const first = this.ts[0];
    const last = this.ts[this.ts.length - 1];
    const before = this.rowBeforeTs;
    const lateStart = before !== undefined && first - before > missed;
    const earlyEnd = endTs - last > missed;
    if (!lateStart && !earlyEnd) return undefined;
    return {
      from: lateStart ? edgeInUnreadStretch(first, before, poll) : first,
      to: earlyEnd ? edgeInUnreadStretch(last, endTs, poll) : last,
    };
  }

  /**
   * The points the part's rows do not reach (Window.unreadPoints): before its first row or past its last where a missed
   * poll lost its first or last readings (`span`), and inside a missed poll among its rows (a step over
   * MISSED_POLL_STEPS polls). None where the polls' spacing is not known.
   */
  private unread(span: ResampleSpan | undefined): number[] {
    const poll = this.pollMs();
    if (poll === undefined) return [];
    const rows = { from: this.ts[0], to: this.ts[this.ts.length - 1] };
    return unreadPoints(this.ts, span ?? rows, this.o.length, MISSED_POLL_STEPS * poll);
  }

  /** The polls' spacing (ms) where it is known: given, finite and positive. */
  private pollMs(): number | undefined {
    const poll = this.o.pollMs;
    return poll !== undefined && Number.isFinite(poll) && poll > 0 ? poll : undefined;
  }

  private finish(ts: number): CycleOutcome {
    this.open = false;
    const partId = this.partId;
    const n = this.ts.length;
    if (this.unseenStart !== undefined)
      return { kind: 'incomplete', ts, partId, reason: `its start was not seen: ${this.unseenStart}` };
    if (!this.complete) {
      const reason = 'a sample was missing, stale or bad during the cycle';
      return { kind: 'incomplete', ts, partId, reason: this.why !== undefined ? `${reason}: ${this.why}` : reason };
    }
    if (this.overflow)
      return { kind: 'incomplete', ts, partId, reason: `the cycle ran longer than ${this.o.maxRows} samples` };
    if (n < this.o.minRows)
      return { kind: 'incomplete', ts, partId, reason: `the cycle had ${n} samples, fewer than ${this.o.minRows}` };
    const span = this.pointsSpan(ts);
    const data = resampleRows(
      { ts: this.ts, values: this.values, channels: this.o.channels.length },
      this.o.length,
      span,
    );
    const unread = this.unread(span);
    const held = this.held.result(n);
    return {
      kind: 'window',
      rows: n,
      durationMs: this.ts[n - 1] - this.ts[0],
      window: {
        asset: this.o.asset,
        channels: this.o.channels,
        length: this.o.length,
        start: this.ts[0],
        end: this.ts[n - 1],
        data,
        partId,
        ...(held ? { held } : {}),
        ...(unread.length > 0 ? { unreadPoints: unread } : {}),
      },
    };
  }
}
