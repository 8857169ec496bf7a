import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { limitSqliteCache, SQLITE_CACHE_KIB } from '../../src/core/sqlite-memory.js';

describe('limitSqliteCache', () => {
  it("caps a connection's page cache at 2 MiB instead of better-sqlite3's 16 MB", () => {
    const db = new Database(':memory:');
    expect(db.pragma('cache_size', { simple: true })).toBe(-16000);
    limitSqliteCache(db);
    expect(db.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    expect(SQLITE_CACHE_KIB).toBe(2048);
    db.close();
  });
});
