/**
 * A disk queue whose store fails at run time (issue: "a failed DELETE of an accepted batch crashes
 * the daemon"): every failing statement throws an error that names the file and what failed, and
 * leaves the queue as it was, so the sink can keep the batch and try again. The faults are real
 * SQLite failures, injected from a second connection to the same file (a trigger that raises, a
 * table moved away), healed the same way.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/buffer/sqlite-queue.js';
import { INJECTED, sqliteFault } from '../helpers/sqlite-fault.js';

const tempPath = () => join(mkdtempSync(join(tmpdir(), 'lw-queue-fail-')), 'queue.db');
const item = (payload: string, priority: 'raw' | 'alarm' = 'raw') => ({ payload, priority });
const payloadsIn = (path: string) =>
  (
    new Database(path, { readonly: true }).prepare('SELECT payload FROM queue ORDER BY seq').all() as {
      payload: string;
    }[]
  ).map((r) => r.payload);

describe('SqliteQueue when its file fails at run time', () => {
  it('a delivered batch whose delete fails stays in flight; rejected, it is taken again; accepted later, it is gone', () => {
    const path = tempPath();
    const q = new SqliteQueue({ path, maxBytes: 1 << 20 });
    q.push([item('a'), item('b'), item('c')]);
    const batch = q.take(2)!;
    const fault = sqliteFault(path).failDeletes();
    expect(() => q.accept(batch)).toThrow(`queue file ${path}: removing a delivered batch failed: ${INJECTED}`);
    expect(q.take(10)).toBeUndefined(); // still the one in flight
    expect(q.stats()).toMatchObject({ records: 3, items: 3, bytes: 3 });
    q.reject(batch);
    const again = q.take(2)!;
    expect(again.items.map((i) => i.payload)).toEqual(['a', 'b']);
    fault.heal();
    q.accept(again);
    expect(q.stats()).toMatchObject({ records: 1, items: 1, bytes: 1 });
    q.close();
    expect(payloadsIn(path)).toEqual(['c']);
  });

  it('a push that fails stores nothing and leaves the counts as they were', () => {
    const path = tempPath();
    const q = new SqliteQueue({ path, maxBytes: 1 << 20 });
    q.push([item('a')]);
    const fault = sqliteFault(path).failInsertsOf('poison');
    expect(() => q.push([item('b'), item('poison'), item('d')])).toThrow(
      `queue file ${path}: storing new items failed: ${INJECTED}`,
    );
    expect(q.stats()).toMatchObject({ records: 1, items: 1, bytes: 1 });
    fault.heal();
    q.push([item('e')]);
    q.close();
    expect(payloadsIn(path)).toEqual(['a', 'e']);
  });

  it('a push whose eviction fails stores and evicts nothing', () => {
    const path = tempPath();
    const q = new SqliteQueue({ path, maxBytes: 4, now: () => 0 });
    q.push([item('r1'), item('A1', 'alarm')]);
    const fault = sqliteFault(path).failDeletes();
    expect(() => q.push([item('A2', 'alarm')])).toThrow(`queue file ${path}: storing new items failed`);
    expect(q.stats()).toMatchObject({ records: 2, bytes: 4, evicted: { raw: 0, score: 0, part: 0, alarm: 0 } });
    fault.heal();
    q.push([item('A2', 'alarm')]);
    expect(q.stats().evicted.raw).toBe(1);
    q.close();
    expect(payloadsIn(path)).toEqual(['A1', 'A2']);
  });

  it('a take or a look at the oldest item that cannot read names the file, and nothing is in flight', () => {
    const path = tempPath();
    const q = new SqliteQueue({ path, maxBytes: 1 << 20 });
    q.push([item('a')]);
    const fault = sqliteFault(path).hideTable();
    expect(() => q.take(10)).toThrow(`queue file ${path}: reading the oldest items failed: no such table: queue`);
    expect(() => q.stats()).toThrow(
      `queue file ${path}: reading the age of the oldest item failed: no such table: queue`,
    );
    fault.heal();
    const batch = q.take(10)!;
    expect(batch.items.map((i) => i.payload)).toEqual(['a']);
    q.accept(batch);
    q.close();
  });
});
