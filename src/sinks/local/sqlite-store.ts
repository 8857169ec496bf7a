/**
 * The embedded local store (SQLite through better-sqlite3): scores, the alarm journal (every
 * transition with who or what caused it) and optionally
 * raw samples, so a gateway without InfluxDB still keeps its history and the demo needs no
 * external service. Samples, scores and parts are batched into one transaction per flush (every
 * second: a crash loses at most the last second of them). Alarm transitions are group-committed
 * (group-commit.ts): those written before the scheduled commit runs (setImmediate, after this turn of
 * the event loop) go in one transaction with what is pending, synced to disk once (synchronous FULL);
 * `journaled()` resolves when they are on disk, and an operator's acknowledgement is answered, and an
 * alarm's actions run, after that, so what the API answered or a stack light shows survives a crash or
 * a power cut right after. A commit that fails keeps its transitions pending for the next group or
 * flush. Rows older than the retention are deleted as time goes on. WAL mode, so readers never block
 * the writer.
 */
import type Database from 'better-sqlite3';
import type { AlarmJournalGap, JournaledAlarm, Sink, SinkRecords } from '../../core/components.js';
import type { AlarmEvent, PartResult, Sample, ScoreResult } from '../../core/types.js';
import type { LocalStoreConfig } from './schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { GroupCommit, MAX_PENDING, MAX_PENDING_BYTES, type Schedule } from './group-commit.js';
import { BACKLOG_BOUND, gapMessage, JournalGap, type JournalGapSummary } from './journal-gap.js';
import { forgetHoldsExcept, PendingHolds } from './alarm-holds.js';
import { readLastAlarmStates } from './journal-states.js';
import { insertRows, openStoreDatabase, prepareStatements, type StoreStatements } from './store-tables.js';

/** Back to the store's usual synchronous mode after a commit synced to disk; never throws. */
function relaxSync(db: Database.Database): void {
  try {
    db.pragma('synchronous = NORMAL');
  } catch {
    // stays FULL
  }
}

/** What a transition waiting to be journaled is counted as in the backlog's bound: its size as JSON (UTF-8). */
const transitionBytes = (a: AlarmEvent): number => Buffer.byteLength(JSON.stringify(a));

export class SqliteStore implements Sink {
  readonly name = 'local';
  private db: Database.Database | undefined;
  private statements: StoreStatements | undefined;
  private pending: { samples: Sample[]; scores: ScoreResult[]; parts: PartResult[] } = {
    samples: [],
    scores: [],
    parts: [],
  };
  /** Alarm transitions not yet on disk, committed in groups. */
  private readonly journal: GroupCommit<AlarmEvent>;
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  /** Since when its writes fail, and the last error; undefined while they work. */
  private failure: { since: number; error: string } | undefined;
  /** Transitions the backlog's bound dropped: since the store started, and those not yet recorded in the journal. */
  private readonly gap = new JournalGap();
  /** Held alarms' counts not yet written (alarm-holds.ts). */
  private readonly holds = new PendingHolds();

  /**
   * `scheduleJournal`: when a group of alarm transitions is committed (default: setImmediate; the benchmark's baseline
   * runs it at once, one sync a transition).
   */
  constructor(
    private readonly config: LocalStoreConfig,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      flushIntervalMs?: number;
      now?: () => number;
      scheduleJournal?: Schedule;
      /** Told each gap recorded in the journal, once its commit is on disk (the gateway publishes it). */
      journalGapRecorded?: (gap: AlarmJournalGap) => void;
    },
  ) {
    this.journal = new GroupCommit(() => this.commit(), deps.scheduleJournal ?? ((run) => setImmediate(run)), {
      items: MAX_PENDING,
      bytes: MAX_PENDING_BYTES,
      sizeOf: transitionBytes,
      // A restart restores each alarm's newest journaled transition (NEWEST_JOURNAL_ROWS): kept over older ones.
      key: (a) => `${a.asset}\u0000${a.alarm}`,
      dropped: (items) => this.backlogDropped(items),
    });
  }

  async start(): Promise<void> {
    const path = this.config.path!; // the config loader always sets it
    const db = openStoreDatabase(path);
    this.db = db;
    this.statements = prepareStatements(db);
    this.timer = setInterval(() => void this.flush(), this.deps.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Each alarm's last journaled state (the newest row per asset and alarm, in the order they were written), for the
   * gateway to restore at start; none before start() or in a new store.
   */
  lastAlarmStates(): JournaledAlarm[] {
    if (!this.db) return [];
    return readLastAlarmStates(this.db);
  }

  /** Deletes the hold counts of assets not in `kept` (alarm-holds.ts), at start; returns those assets. */
  forgetAlarmHolds(kept: readonly string[]): string[] {
    if (!this.db) return [];
    return forgetHoldsExcept(this.db, kept);
  }

  write(records: SinkRecords): void {
    if (!this.db) return;
    if (this.config.write_raw_samples) this.pending.samples.push(...records.samples);
    this.pending.scores.push(...records.scores);
    this.pending.parts.push(...(records.parts ?? []));
    if (records.alarmHolds) this.holds.note(records.alarmHolds);
    // The journal is what a restart restores: whoever goes on only once a transition is on disk (the API's answer to
    // an operator, the alarm's actions) waits on journaled().
    if (records.alarms.length > 0) {
      this.journal.add(records.alarms);
      this.deps.metrics.journalPending.set(this.journal.size);
    }
  }

  /**
   * Resolves once every alarm transition written so far is committed and synced to disk (with the group it went in);
   * rejects with the store's error where that commit failed: the transitions stay pending, to be committed with the
   * next group or flush.
   */
  journaled(): Promise<void> {
    return this.journal.durable();
  }

  async flush(): Promise<void> {
    if (!this.db) return;
    this.commit();
    try {
      this.prune();
    } catch (err) {
      this.failed(`deleting rows older than ${this.config.retention_hours} h`, err);
    }
  }

  /**
   * Writes what is pending in one transaction, with the alarm transitions' group. Where the group holds any, the
   * commit is synced to disk before it returns (the WAL's fsync), where a flush of samples and scores alone leaves that
   * to the next checkpoint. Never throws: a failure is counted and logged, the transitions stay pending.
   */
  private commit(): void {
    const db = this.db;
    if (!db || !this.statements) return;
    const { samples, scores, parts } = this.pending;
    this.pending = { samples: [], scores: [], parts: [] };
    const group = this.journal.take();
    const alarms = group.items;
    // The transitions the bound dropped are recorded in the journal with the first commit that works.
    const gaps = this.gap.take();
    const holds = this.holds.take();
    let recorded: AlarmJournalGap[] = [];
    const sync = alarms.length + gaps.gaps.length > 0;
    const batched = samples.length + scores.length + parts.length;
    if (batched + alarms.length + gaps.gaps.length + holds.holds.length > 0) {
      const now = (this.deps.now ?? Date.now)();
      const rows = gaps.gaps.map((g) => ({ ...g, ts: now, message: gapMessage(g) }));
      try {
        if (sync) db.pragma('synchronous = FULL');
        const statements = this.statements;
        db.transaction(() =>
          insertRows(statements, { samples, scores, parts, alarms, holds: holds.holds, gaps: rows }),
        )();
        this.deps.metrics.sinkPointsWritten.inc({ sink: this.name }, batched + alarms.length);
        if (sync) this.deps.metrics.journalSyncs.inc();
        this.failure = undefined;
        gaps.settle(true);
        group.settle();
        recorded = rows;
      } catch (err) {
        // The transaction wrote none of them. Samples, scores and parts are lost, and counted as such (the store is
        // this box's own copy; the InfluxDB and cloud queues hold theirs); the alarm transitions stay pending.
        if (batched > 0) this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'write_failed' }, batched);
        this.failed('write', err);
        const error = `${this.config.path}: write failed: ${(err as Error).message}`;
        this.failure = { since: this.failure?.since ?? (this.deps.now ?? Date.now)(), error };
        gaps.settle(false);
        holds.failed();
        group.settle(new Error(`local store ${error}`));
      } finally {
        // Back to a sync at checkpoints for the batched rows; where that fails, FULL stays: slower, never less safe.
        if (sync) relaxSync(db);
      }
    } else {
      gaps.settle(true);
      group.settle();
    }
    this.deps.metrics.journalPending.set(this.journal.size);
    // Outside the commit's try: whoever hears of a gap cannot make a commit that worked count as failed.
    try {
      for (const g of recorded) this.deps.journalGapRecorded?.(g);
    } catch (err) {
      this.deps.logger.error(
        { sink: this.name },
        `local store: a listener to the journal's gaps failed: ${String(err)}`,
      );
    }
  }

  /**
   * Where its writes fail now: since when and why, with the alarm transitions that wait to be journaled (/api/status,
   * /readyz).
   */
  failing(): { since: number; error: string } | undefined {
    const waiting = this.journal.size;
    if (!this.failure || waiting === 0) return this.failure;
    const dropped = this.gap.summary()?.dropped ?? 0;
    return {
      since: this.failure.since,
      error:
        `${this.failure.error}; ${waiting} alarm transition(s) (${this.journal.bytes} bytes) not on disk, kept in ` +
        `memory and committed again with the next transition or flush (each second); past ${BACKLOG_BOUND} the ` +
        `oldest are dropped unjournaled, each alarm's newest last (linewatch_sink_dropped_points_total{reason="journal_backlog"})` +
        (dropped > 0 ? `: ${dropped} dropped so far` : ''),
    };
  }

  /**
   * The journal's gap since the store started: the transitions the backlog's bound dropped unjournaled, of how many
   * alarms, between which times; undefined where none was. /api/status says it after the journal writes again (the
   * journal itself records it per alarm in alarm_journal_gaps).
   */
  journalGap(): JournalGapSummary | undefined {
    return this.gap.summary();
  }

  /**
   * Transitions the bound on pending ones dropped (a journal that could not be written for long): counted, logged,
   * noted to be recorded in the journal.
   */
  private backlogDropped(items: readonly AlarmEvent[]): void {
    const count = items.length;
    if (count === 0) return;
    this.gap.dropped(items);
    this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'journal_backlog' }, count);
    this.deps.logger.error(
      { sink: this.name, path: this.config.path, dropped: count },
      `local store ${this.config.path}: ${count} alarm transition(s) dropped unjournaled, the oldest of those waiting, each alarm's newest last ` +
        `(at most ${BACKLOG_BOUND} wait while the journal cannot be written)`,
    );
  }

  /** Once a minute at most; a failure is tried again a minute later. */
  private prune(): void {
    const now = (this.deps.now ?? Date.now)();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const cutoff = now - this.config.retention_hours * 3_600_000;
    for (const statement of this.statements!.prune) statement.run(cutoff);
  }

  /** A statement failed at run time (disk full, I/O error): counted and logged; flush() never rejects. */
  private failed(what: string, err: unknown): void {
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: 'sqlite' });
    this.deps.logger.error(
      { sink: this.name, path: this.config.path },
      `local store ${this.config.path}: ${what} failed: ${(err as Error).message}`,
    );
  }

  async close(): Promise<void> {
    if (!this.db) return;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    const lost = this.journal.size;
    if (lost > 0) {
      // Nothing commits them after this: counted and said.
      this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'write_failed' }, lost);
      this.deps.logger.error(
        { sink: this.name, path: this.config.path, lost },
        `local store ${this.config.path}: closed with ${lost} alarm transition(s) it could not journal; ` +
          'a restart restores what was journaled before them',
      );
    }
    const unrecorded = this.gap.unrecorded;
    if (unrecorded > 0)
      this.deps.logger.error(
        { sink: this.name, path: this.config.path, unrecorded },
        `local store ${this.config.path}: closed before it could record in the journal (alarm_journal_gaps) that ` +
          `${unrecorded} alarm transition(s) were dropped unjournaled; only this log says so`,
      );
    this.db.close();
    this.db = undefined;
    this.statements = undefined;
  }
}
