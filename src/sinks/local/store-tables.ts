/**
 * The local store's tables in SQLite: their schema, the columns older stores lack, the statements prepared once when
 * the store opens, and one commit's rows written with them (inside the caller's transaction).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AlarmEvent, HeldRows, PartResult, Sample, ScoreResult } from '../../core/types.js';
import { limitSqliteCache } from '../../core/sqlite-memory.js';
import type { AlarmHoldCount, AlarmJournalGap } from '../../core/components.js';
import { ALARM_HOLDS_BELOW_COLUMNS, ALARM_HOLDS_SCHEMA, upsertHold } from './alarm-holds.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS samples (ts INTEGER NOT NULL, source TEXT NOT NULL, asset TEXT NOT NULL, channel TEXT NOT NULL, value REAL, quality TEXT NOT NULL, text TEXT, failed_read INTEGER);
CREATE INDEX IF NOT EXISTS samples_asset_ts ON samples (asset, ts);
CREATE TABLE IF NOT EXISTS scores (ts INTEGER NOT NULL, asset TEXT NOT NULL, model TEXT NOT NULL, model_version TEXT NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, anomalous INTEGER NOT NULL, contributions TEXT NOT NULL, part_id TEXT, held_rows INTEGER, held_channels TEXT);
CREATE INDEX IF NOT EXISTS scores_asset_ts ON scores (asset, ts);
CREATE TABLE IF NOT EXISTS alarm_journal (ts INTEGER NOT NULL, asset TEXT NOT NULL, alarm TEXT NOT NULL, priority TEXT NOT NULL, state TEXT NOT NULL, previous TEXT NOT NULL, cause TEXT NOT NULL, command TEXT, by TEXT, comment TEXT, condition_active INTEGER NOT NULL, score REAL NOT NULL, threshold REAL NOT NULL, top_channels TEXT NOT NULL, message TEXT NOT NULL, shelved_until INTEGER);
CREATE INDEX IF NOT EXISTS alarm_journal_asset_ts ON alarm_journal (asset, ts);
CREATE INDEX IF NOT EXISTS alarm_journal_asset_alarm ON alarm_journal (asset, alarm);
CREATE TABLE IF NOT EXISTS parts (ts INTEGER NOT NULL, asset TEXT NOT NULL, part_id TEXT NOT NULL, verdict TEXT NOT NULL, score REAL, threshold REAL, top_channels TEXT NOT NULL, cycle_ms REAL, reason TEXT, model TEXT NOT NULL, held_rows INTEGER, held_channels TEXT);
CREATE INDEX IF NOT EXISTS parts_asset_ts ON parts (asset, ts);
CREATE TABLE IF NOT EXISTS alarm_journal_gaps (ts INTEGER NOT NULL, asset TEXT NOT NULL, alarm TEXT NOT NULL, dropped INTEGER NOT NULL, from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alarm_journal_gaps_asset_ts ON alarm_journal_gaps (asset, ts);
`;

/**
 * The samples' column that marks a failed read (1: a timeout, an exception answer, a connection down; Sample's
 * failedRead), told from a bad value the device reported (NULL), so that `linewatch export` holds the channel's last
 * good reading over it as the gateway did. Stores written before 2026-12-07 lack it.
 */
export const FAILED_READ_COLUMN = 'failed_read';

/**
 * A score's and a part's window rows that held a channel's reading over a failed read (HeldRows): `held_rows` in all
 * and `held_channels`, JSON of each channel held and its rows ({"b":2}); NULL where none. Stores written before
 * 2026-12-07 lack them.
 */
const HELD_COLUMNS = ['held_rows INTEGER', 'held_channels TEXT'] as const;

const TABLES = ['samples', 'scores', 'alarm_journal', 'parts', 'alarm_journal_gaps'] as const;

/** Each alarm's newest journal row (the one written last): the state a restart restores, kept past the retention. */
export const NEWEST_JOURNAL_ROWS = 'SELECT MAX(rowid) FROM alarm_journal GROUP BY asset, alarm';

/** Opens (or creates) the store's file: WAL mode, the cache bounded, every table there, older stores brought up. */
export function openStoreDatabase(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  limitSqliteCache(db);
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA + ALARM_HOLDS_SCHEMA);
  // Stores made before string tags existed lack the text column; before a failed read was told from a bad value,
  // failed_read; before shelves were restored, shelved_until; before the off delay's count was kept, alarm_holds'
  // below_ms and below_ts; before held rows were kept, scores' and parts' held_rows and held_channels.
  addMissingColumn(db, 'samples', 'text TEXT');
  addMissingColumn(db, 'samples', `${FAILED_READ_COLUMN} INTEGER`);
  addMissingColumn(db, 'alarm_journal', 'shelved_until INTEGER');
  for (const column of ALARM_HOLDS_BELOW_COLUMNS) addMissingColumn(db, 'alarm_holds', column);
  for (const table of ['scores', 'parts']) for (const column of HELD_COLUMNS) addMissingColumn(db, table, column);
  return db;
}

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

export type StoreStatements = ReturnType<typeof prepareStatements>;

/** The store's statements, prepared once when it opens. */
export function prepareStatements(db: Database.Database) {
  return {
    insertSample: insertInto(db, 'samples', `ts, source, asset, channel, value, quality, text, ${FAILED_READ_COLUMN}`),
    insertScore: insertInto(
      db,
      'scores',
      'ts, asset, model, model_version, score, threshold, anomalous, contributions, part_id, held_rows, held_channels',
    ),
    insertPart: insertInto(
      db,
      'parts',
      'ts, asset, part_id, verdict, score, threshold, top_channels, cycle_ms, reason, model, held_rows, held_channels',
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

/** One commit's rows, in the order they are written. */
export interface StoreRows {
  readonly samples: readonly Sample[];
  readonly scores: readonly ScoreResult[];
  readonly parts: readonly PartResult[];
  readonly alarms: readonly AlarmEvent[];
  readonly holds: readonly AlarmHoldCount[];
  readonly gaps: readonly AlarmJournalGap[];
}

/** The held_rows and held_channels of a score or part (HELD_COLUMNS). */
function heldColumns(held: HeldRows | undefined): [number | null, string | null] {
  return held === undefined ? [null, null] : [held.rows, JSON.stringify(held.channels)];
}

/** Writes one commit's rows with the prepared statements; the caller runs it in a transaction. */
export function insertRows(statements: StoreStatements, rows: StoreRows): void {
  const { insertSample, insertScore, insertPart, insertAlarm, insertGap, upsertHold } = statements;
  for (const s of rows.samples)
    insertSample.run(
      s.ts,
      s.source,
      s.asset,
      s.channel,
      Number.isFinite(s.value) ? s.value : null,
      s.quality,
      s.text ?? null,
      s.failedRead === true ? 1 : null,
    );
  for (const r of rows.scores)
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
      ...heldColumns(r.held),
    );
  for (const p of rows.parts)
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
      ...heldColumns(p.held),
    );
  for (const a of rows.alarms)
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
  for (const h of rows.holds) upsertHold(h);
  for (const g of rows.gaps) insertGap.run(g.ts, g.asset, g.alarm, g.dropped, g.from, g.to, g.message);
}
