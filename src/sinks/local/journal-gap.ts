/**
 * The alarm journal's gap, apart from the database: the transitions the backlog's bound dropped unjournaled (a journal
 * that could not be written for long), per alarm, how many and between which times. What is not yet recorded in the
 * journal (its table alarm_journal_gaps, written with the next commit that works) is kept apart from what was dropped
 * since the store started (/api/status says it after the journal recovers). A gap row is never a transition: it lives
 * in a table of its own, which the restore of alarm states does not read.
 */
import type { AlarmJournalGap } from '../../core/components.js';
import type { AlarmEvent } from '../../core/types.js';
import { MAX_PENDING, MAX_PENDING_BYTES } from './group-commit.js';
import { iso } from '../../core/epoch-time.js';

/** What was dropped of one alarm: how many transitions, the first and the last one's times (not yet recorded). */
export type AlarmGap = Omit<AlarmJournalGap, 'ts' | 'message'>;

/** The journal's gap since the store started: transitions dropped, of how many alarms, between which times. */
export interface JournalGapSummary {
  readonly dropped: number;
  readonly alarms: number;
  readonly from: number;
  readonly to: number;
}

/** The backlog's bound in words. */
export const BACKLOG_BOUND = `${MAX_PENDING} transitions or ${MAX_PENDING_BYTES / (1024 * 1024)} MiB`;

/** A gap row's message: what the journal lacks of the alarm, and why. */
export const gapMessage = (g: AlarmGap): string =>
  `${g.dropped} transition(s) of ${g.asset}/${g.alarm} from ${iso(g.from)} to ${iso(g.to)} are not journaled: dropped while the journal could not be written (past ${BACKLOG_BOUND} waiting)`;

type Gaps = Map<string, AlarmGap>;

/** Adds one alarm's dropped transitions to what is noted of it. */
function merge(gaps: Gaps, g: AlarmGap): void {
  const key = `${g.asset}\u0000${g.alarm}`;
  const had = gaps.get(key);
  gaps.set(
    key,
    had
      ? { ...had, dropped: had.dropped + g.dropped, from: Math.min(had.from, g.from), to: Math.max(had.to, g.to) }
      : g,
  );
}

function note(gaps: Gaps, items: readonly AlarmEvent[]): void {
  for (const a of items) merge(gaps, { asset: a.asset, alarm: a.alarm, dropped: 1, from: a.ts, to: a.ts });
}

export class JournalGap {
  /** Dropped and not yet recorded in the journal. */
  private toRecord: Gaps = new Map();
  /** Dropped since the store started. */
  private readonly sinceStart: Gaps = new Map();

  /** Notes transitions the bound dropped. */
  dropped(items: readonly AlarmEvent[]): void {
    note(this.toRecord, items);
    note(this.sinceStart, items);
  }

  /**
   * Takes what is not yet recorded, per alarm, for a commit; `settle(false)` (the commit failed) keeps it to be
   * recorded with the next one.
   */
  take(): { readonly gaps: readonly AlarmGap[]; settle(recorded: boolean): void } {
    const taken = this.toRecord;
    this.toRecord = new Map();
    return {
      gaps: [...taken.values()],
      settle: (recorded) => {
        if (recorded) return;
        const since = this.toRecord;
        this.toRecord = taken;
        for (const g of since.values()) merge(this.toRecord, g);
      },
    };
  }

  /** Dropped transitions whose gap is not yet recorded in the journal. */
  get unrecorded(): number {
    return [...this.toRecord.values()].reduce((n, g) => n + g.dropped, 0);
  }

  /** The gap since the store started; undefined where nothing was dropped. */
  summary(): JournalGapSummary | undefined {
    const gaps = [...this.sinceStart.values()];
    if (gaps.length === 0) return undefined;
    return {
      dropped: gaps.reduce((n, g) => n + g.dropped, 0),
      alarms: gaps.length,
      from: gaps.reduce((t, g) => Math.min(t, g.from), Infinity),
      to: gaps.reduce((t, g) => Math.max(t, g.to), -Infinity),
    };
  }
}
