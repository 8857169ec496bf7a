/**
 * The disk queue: SQLite through better-sqlite3, one table ordered by an autoincrement key.
 * Every push is one transaction, committed before push() returns; WAL mode, so a process killed
 * with SIGKILL loses nothing pushed (`sync: 'full'` also survives power loss). Taking a batch
 * only marks it in memory; accept deletes it in one statement; reject just forgets the mark,
 * so after a crash an unacknowledged batch is simply sent again. A statement that fails at run
 * time (disk full, I/O error) throws a QueueStoreError naming the file and leaves the queue as it
 * was: a push stores nothing, a batch whose delete failed stays in flight.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { limitSqliteCache } from '../core/sqlite-memory.js';
import {
  countOf,
  emptyEvictions,
  payloadBytes,
  PRIORITIES,
  QueueStateError,
  QueueStoreError,
  type DurableQueue,
  type Priority,
  type QueueBatch,
  type QueueInput,
  type QueueItem,
  type QueueStats,
} from './queue.js';

export interface SqliteQueueOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly sync?: 'normal' | 'full';
  readonly now?: () => number;
}

interface Row {
  seq: number;
  priority: number;
  payload: string;
  bytes: number;
  records: number;
  enqueued_at: number;
}

export class SqliteQueue implements DurableQueue {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private bytes: number;
  private count: number;
  private records: number;
  private inFlight: (QueueBatch & { lastSeq: number }) | undefined;
  private readonly evicted = emptyEvictions();
  private closed = false;
  private readonly statements: {
    insert: Database.Statement;
    head: Database.Statement;
    deleteUpTo: Database.Statement;
    oldest: Database.Statement;
    evictCandidates: Database.Statement;
    deleteRange: Database.Statement;
  };

  constructor(private readonly options: SqliteQueueOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.now = options.now ?? Date.now;
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    limitSqliteCache(this.db);
    this.db.pragma(`synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS queue (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      priority INTEGER NOT NULL,
      payload TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      records INTEGER NOT NULL,
      enqueued_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS queue_priority_seq ON queue (priority, seq);`);
    this.statements = {
      insert: this.db.prepare(
        'INSERT INTO queue (priority, payload, bytes, records, enqueued_at) VALUES (?, ?, ?, ?, ?)',
      ),
      head: this.db.prepare(
        'SELECT seq, priority, payload, bytes, records, enqueued_at FROM queue ORDER BY seq LIMIT ?',
      ),
      deleteUpTo: this.db.prepare('DELETE FROM queue WHERE seq <= ?'),
      oldest: this.db.prepare('SELECT enqueued_at FROM queue ORDER BY seq LIMIT 1'),
      evictCandidates: this.db.prepare(
        'SELECT seq, bytes, records FROM queue WHERE priority = ? AND seq > ? ORDER BY seq LIMIT 1000',
      ),
      deleteRange: this.db.prepare('DELETE FROM queue WHERE priority = ? AND seq > ? AND seq <= ?'),
    };
    const totals = this.db
      .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b, COALESCE(SUM(records), 0) AS r FROM queue')
      .get() as { n: number; b: number; r: number };
    this.count = totals.n;
    this.bytes = totals.b;
    this.records = totals.r;
  }

  push(inputs: readonly QueueInput[]): void {
    if (inputs.length === 0) return;
    const at = this.now();
    const before = { count: this.count, bytes: this.bytes, records: this.records, evicted: { ...this.evicted } };
    // One transaction with the evictions it causes: on a failure nothing is stored or evicted.
    const store = this.db.transaction(() => {
      for (const input of inputs) {
        const bytes = payloadBytes(input.payload);
        const n = countOf(input);
        this.statements.insert.run(PRIORITIES.indexOf(input.priority), input.payload, bytes, n, at);
        this.count++;
        this.bytes += bytes;
        this.records += n;
      }
      if (this.bytes > this.options.maxBytes) this.evict();
    });
    try {
      this.disk('storing new items', () => store());
    } catch (err) {
      this.count = before.count;
      this.bytes = before.bytes;
      this.records = before.records;
      Object.assign(this.evicted, before.evicted);
      throw err;
    }
  }

  private evict(): void {
    const floor = this.inFlight?.lastSeq ?? 0;
    for (const [index, priority] of PRIORITIES.entries()) {
      while (this.bytes > this.options.maxBytes) {
        const rows = this.statements.evictCandidates.all(index, floor) as {
          seq: number;
          bytes: number;
          records: number;
        }[];
        if (rows.length === 0) break;
        let freed = 0;
        let upTo = floor;
        let n = 0;
        let records = 0;
        for (const row of rows) {
          freed += row.bytes;
          upTo = row.seq;
          n++;
          records += row.records;
          if (this.bytes - freed <= this.options.maxBytes) break;
        }
        this.statements.deleteRange.run(index, floor, upTo);
        this.bytes -= freed;
        this.count -= n;
        this.records -= records;
        this.evicted[priority as Priority] += records;
      }
    }
  }

  take(maxRecords: number, maxBytes = Number.POSITIVE_INFINITY): QueueBatch | undefined {
    if (this.inFlight || this.count === 0) return undefined;
    const items: QueueItem[] = [];
    let bytes = 0;
    let count = 0;
    let lastSeq = 0;
    this.disk('reading the oldest items', () => {
      // Each entry holds at least one record, so maxRecords entries always suffice.
      for (const row of this.statements.head.iterate(Math.max(1, maxRecords)) as IterableIterator<Row>) {
        if (items.length > 0 && (count + row.records > maxRecords || bytes + row.bytes > maxBytes)) break;
        items.push({
          seq: row.seq,
          priority: PRIORITIES[row.priority],
          payload: row.payload,
          count: row.records,
          enqueuedAt: row.enqueued_at,
        });
        bytes += row.bytes;
        count += row.records;
        lastSeq = row.seq;
      }
    });
    if (items.length === 0) return undefined;
    this.inFlight = { items, bytes, count, lastSeq };
    return this.inFlight;
  }

  /** Deletes the batch, then forgets it; if the delete fails, it stays in flight (reject it to send it again). */
  accept(batch: QueueBatch): void {
    const inFlight = this.inFlightAs(batch);
    this.disk('removing a delivered batch', () => this.statements.deleteUpTo.run(inFlight.lastSeq));
    this.inFlight = undefined;
    this.count -= batch.items.length;
    this.bytes -= batch.bytes;
    this.records -= batch.count;
  }

  reject(batch: QueueBatch): void {
    this.inFlightAs(batch);
    this.inFlight = undefined;
  }

  private inFlightAs(batch: QueueBatch): QueueBatch & { lastSeq: number } {
    if (!this.inFlight || batch !== this.inFlight) throw new QueueStateError('batch is not the one in flight');
    return this.inFlight;
  }

  /** Runs a statement; its error becomes a QueueStoreError that names this file and what failed. */
  private disk<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (err) {
      throw new QueueStoreError(this.options.path, what, err);
    }
  }

  stats(): QueueStats {
    const oldest =
      this.count > 0
        ? this.disk('reading the age of the oldest item', () => this.statements.oldest.get() as { enqueued_at: number })
        : undefined;
    return {
      records: this.records,
      items: this.count,
      bytes: this.bytes,
      oldestAgeMs: oldest ? Math.max(0, this.now() - oldest.enqueued_at) : 0,
      evicted: { ...this.evicted },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inFlight = undefined;
    this.db.close();
  }
}
