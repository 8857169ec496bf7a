/**
 * The page cache of each SQLite connection (queues, local store). better-sqlite3 is built with
 * SQLITE_DEFAULT_CACHE_SIZE=-16000, so every connection would grow to 16 MB of native memory as
 * its file grows (48 MB for the demo's three files): RSS that climbs for the first hours of a run
 * while the JS heap stays flat. SQLite's own default of 2 MiB is plenty for append-and-read-in-order
 * tables.
 */
import type Database from 'better-sqlite3';

export const SQLITE_CACHE_KIB = 2048;

export function limitSqliteCache(db: Database.Database): void {
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
}
