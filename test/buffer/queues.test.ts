import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { SqliteQueue } from '../../src/buffer/sqlite-queue.js';
import { queueSuite } from './queue-suite.js';

const tempPath = () => join(mkdtempSync(join(tmpdir(), 'lw-queue-')), 'queue.db');

queueSuite('MemoryQueue', ({ maxBytes, now }) => new MemoryQueue(maxBytes, now));
queueSuite('SqliteQueue', ({ maxBytes, now }) => new SqliteQueue({ path: tempPath(), maxBytes, now }));

describe('SqliteQueue across restarts', () => {
  it('keeps what was pushed and not accepted, including a batch that was in flight', () => {
    const path = tempPath();
    const q = new SqliteQueue({ path, maxBytes: 1 << 20 });
    q.push([
      { payload: 'a', priority: 'raw' },
      { payload: 'b', priority: 'alarm' },
      { payload: 'c', priority: 'score' },
    ]);
    q.accept(q.take(1)!);
    q.take(1); // in flight when the process "dies"
    q.close();
    const reopened = new SqliteQueue({ path, maxBytes: 1 << 20 });
    expect(reopened.stats()).toMatchObject({ records: 2, items: 2, bytes: 2 });
    const batch = reopened.take(10)!;
    expect(batch.items.map((i) => [i.payload, i.priority])).toEqual([
      ['b', 'alarm'],
      ['c', 'score'],
    ]);
    reopened.close();
  });
});
