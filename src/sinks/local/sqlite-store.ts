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
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AlarmJournalGap, JournaledAlarm, Sink, SinkRecords } from '../../core/components.js';
import type { AlarmEvent, PartResult, Sample, ScoreResult } from '../../core/types.js';
import type { LocalStoreConfig } from './schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { limitSqliteCache } from '../../core/sqlite-memory.js';
import { GroupCommit, MAX_PENDING, MAX_PENDING_BYTES, type Schedule } from './group-commit.js';
import { JournalGap, type AlarmGap, type JournalGapSummary } from './journal-gap.js';
import { ALARM_HOLDS_SCHEMA, HOLD_OF_JOURNAL_ROW, holdOf, PendingHolds, upsertHold } from './alarm-holds.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS samples (ts INTEGER NOT NULL, source TEXT NOT NULL, asset TEXT NOT NULL, channel TEXT NOT NULL, value REAL, quality TEXT NOT NULL, text TEXT);
CREATE INDEX IF NOT EXISTS samples_asset_ts ON samples (asset, ts);
CREATE TABLE IF NOT EXISTS scores (ts INTEGER NOT NULL, asset TEXT NOT NULL, model TEXT NOT NULL, model_version TEXT NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, anomalous INTEGER NOT NULL, contributions TEXT NOT NULL, part_id TEXT);
CREATE INDEX IF NOT EXISTS scores_asset_ts ON scores (asset, ts);
CREATE TABLE IF NOT EXISTS alarm_journal (ts INTEGER NOT NULL, asset TEXT NOT NULL, alarm TEXT NOT NULL, priority TEXT NOT NULL, state TEXT NOT NULL, previous TEXT NOT NULL, cause TEXT NOT NULL, command TEXT, by TEXT, comment TEXT, condition_active INTEGER NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, top_channels TEXT NOT NULL, message TEXT NOT NULL, shelved_until INTEGER);
CREATE INDEX IF NOT EXISTS alarm_journal_asset_ts ON alarm_journal (asset, ts);
CREATE INDEX IF NOT EXISTS alarm_journal_asset_alarm ON alarm_journal (asset, alarm);
CREATE TABLE IF NOT EXISTS parts (ts INTEGER NOT NULL, asset TEXT NOT NULL, part_id TEXT NOT NULL, verdict TEXT NOT NULL, score REAL, threshold REAL, top_channels TEXT NOT NULL, cycle_ms REAL, reason TEXT, model TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS parts_asset_ts ON parts (asset, ts);
CREATE TABLE IF NOT EXISTS alarm_journal_gaps (ts INTEGER NOT NULL, asset TEXT NOT NULL, alarm TEXT NOT NULL, dropped INTEGER NOT NULL, from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alarm_journal_gaps_asset_ts ON alarm_journal_gaps (asset, ts);
`;

const TABLES = ['samples', 'scores', 'alarm_journal', 'parts', 'alarm_journal_gaps'] as const;

/** Each alarm's newest journal row (the one written last): the state a restart restores, kept past the retention. */
const NEWEST_JOURNAL_ROWS = 'SELECT MAX(rowid) FROM alarm_journal GROUP BY asset, alarm';

/**
 * Since when the alarm of journal row `j` has been active: its first active row after its last normal one (the raise;
 * where the retention pruned that, the oldest active row kept), or none.
 */
const ACTIVE_SINCE = `SELECT MIN(a.ts) FROM alarm_journal a WHERE a.asset = j.asset AND a.alarm = j.alarm
  AND a.state IN ('unack_active', 'ack_active') AND a.rowid > COALESCE((SELECT MAX(n.rowid) FROM alarm_journal n
  WHERE n.asset = j.asset AND n.alarm = j.alarm AND n.state = 'normal'), 0)`;

/** Adds a column a store made by an earlier version lacks (`definition`: its name and type). */
function addMissingColumn(db: Database.Database, table: string, definition: string): void {
  const name = definition.split(' ')[0];
  if (!(db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === name))
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
}

/**
 * An insert naming its columns, so a store that holds more (written by a newer version, or by this one and opened
 * again by an older one after a rollback) takes the rows all the same.
 */
function insertInto(db: Database.Database, table: string, columns: string): Database.Statement {
  const count = columns.split(',').length;
  return db.prepare(`INSERT INTO ${table} (${columns}) VALUES (${Array(count).fill('?').join(', ')})`);
}

/** The store's statements, prepared once when it opens. */
function prepareStatements(db: Database.Database) {
  return {
    insertSample: insertInto(db, 'samples', 'ts, source, asset, channel, value, quality, text'),
    insertScore: insertInto(
      db,
      'scores',
      'ts, asset, model, model_version, score, threshold, anomalous, contributions, part_id',
    ),
    insertPart: insertInto(
      db,
      'parts',
      'ts, asset, part_id, verdict, score, threshold, top_channels, cycle_ms, reason, model',
    ),
    insertAlarm: insertInto(
      db,
      'alarm_journal',
      'ts, asset, alarm, priority, state, previous, cause, command, by, comment, condition_active, score, threshold, ' +
        'top_channels, message, shelved_until',
    ),
    insertGap: insertInto(db, 'alarm_journal_gaps', 'ts, asset, alarm, dropped, from_ts, to_ts, message'),
    upsertHold: upsertHold(db),
    // An alarm left unacknowledged for longer than the retention is still unacknowledged after a restart.
    prune: TABLES.map((table) =>
      db.prepare(
        table === 'alarm_journal'
          ? `DELETE FROM alarm_journal WHERE ts < ? AND rowid NOT IN (${NEWEST_JOURNAL_ROWS})`
          : `DELETE FROM ${table} WHERE ts < ?`,
      ),
    ),
  };
}

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

/** The backlog's bound in words. */
const BACKLOG_BOUND = `${MAX_PENDING} transitions or ${MAX_PENDING_BYTES / (1024 * 1024)} MiB`;

/** A time in ms that a Date can hold (±8.64e15). */
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 8.64e15;

/** A time as ISO 8601, where a Date can hold it. */
const iso = (ts: number): string => (isTime(ts) ? new Date(ts).toISOString() : String(ts));

/** A gap row's message: what the journal lacks of the alarm, and why. */
const gapMessage = (g: AlarmGap): string =>
  `${g.dropped} transition(s) of ${g.asset}/${g.alarm} from ${iso(g.from)} to ${iso(g.to)} are not journaled: dropped while the journal could not be written (past ${BACKLOG_BOUND} waiting)`;

export class SqliteStore implements Sink {
  readonly name = 'local';
  private db: Database.Database | undefined;
  private statements: ReturnType<typeof prepareStatements> | undefined;
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
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    limitSqliteCache(db);
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA + ALARM_HOLDS_SCHEMA);
    // Stores made before string tags existed lack the text column; before shelves were restored, shelved_until.
    addMissingColumn(db, 'samples', 'text TEXT');
    addMissingColumn(db, 'alarm_journal', 'shelved_until INTEGER');
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
    return this.db
      .prepare(
        `SELECT asset, alarm, state, ts, shelved_until AS shelvedUntil, (${ACTIVE_SINCE}) AS since, ${HOLD_OF_JOURNAL_ROW}
         FROM alarm_journal j WHERE rowid IN (${NEWEST_JOURNAL_ROWS})`,
      )
      .all()
      .flatMap((row) => {
        const { asset, alarm, state, ts, shelvedUntil, since, holdMs, holdTs } = row as Omit<JournaledAlarm, 'ts'> & {
          ts: unknown;
          shelvedUntil: unknown;
          since: unknown;
          holdMs: unknown;
          holdTs: unknown;
        };
        const hold = holdOf(holdMs, holdTs);
        // A row whose time is no time (edited by hand, a damaged file) restores nothing; a shelve's end, or a time
        // active since, that is no time is as if none were journaled.
        if (!isTime(ts)) return [];
        return [
          {
            asset,
            alarm,
            state,
            ts,
            ...(isTime(shelvedUntil) ? { shelvedUntil } : {}),
            ...(isTime(since) ? { since } : {}),
            ...(hold ? { hold } : {}),
          },
        ];
      });
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
      const { insertSample, insertScore, insertPart, insertAlarm, insertGap, upsertHold } = this.statements;
      const now = (this.deps.now ?? Date.now)();
      const rows = gaps.gaps.map((g) => ({ ...g, ts: now, message: gapMessage(g) }));
      try {
        if (sync) db.pragma('synchronous = FULL');
        db.transaction(() => {
          for (const s of samples)
            insertSample.run(
              s.ts,
              s.source,
              s.asset,
              s.channel,
              Number.isFinite(s.value) ? s.value : null,
              s.quality,
              s.text ?? null,
            );
          for (const r of scores)
            insertScore.run(
              r.ts,
              r.asset,
              r.model,
              r.modelVersion,
              r.score,
              r.threshold,
              r.anomalous ? 1 : 0,
              JSON.stringify(r.contributions),
              r.partId ?? null,
            );
          for (const p of parts)
            insertPart.run(
              p.ts,
              p.asset,
              p.partId,
              p.verdict,
              p.score ?? null,
              p.threshold ?? null,
              p.topChannels.join(','),
              p.cycleMs ?? null,
              p.reason ?? null,
              p.model,
            );
          for (const a of alarms)
            insertAlarm.run(
              a.ts,
              a.asset,
              a.alarm,
              a.priority,
              a.state,
              a.previous,
              a.cause,
              a.command ?? null,
              a.by ?? null,
              a.comment ?? null,
              a.conditionActive ? 1 : 0,
              a.score,
              a.threshold,
              a.topChannels.join(','),
              a.message,
              a.shelvedUntil ?? null,
            );
          for (const h of holds.holds) upsertHold(h);
          for (const g of rows) insertGap.run(g.ts, g.asset, g.alarm, g.dropped, g.from, g.to, g.message);
        })();
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
