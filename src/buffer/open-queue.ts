/**
 * Opens the queue a sink's `buffer` configuration asks for. A disk queue whose file is corrupt or
 * not a database (a power cut mid-write, a stray file) must not stop the gateway: detection and
 * PLC actions do not depend on a secondary sink. The file (and its WAL and shared-memory files)
 * is moved aside as `<path>.corrupt-<time>`, reported once through `onCorrupt`, and a fresh queue
 * opens in its place. Other errors (permissions, a full disk) name the file and stop the start.
 */
import { existsSync, renameSync, statSync } from 'node:fs';
import type { BufferConfig } from './schema.js';
import { MemoryQueue } from './memory-queue.js';
import type { DurableQueue } from './queue.js';
import { SqliteQueue } from './sqlite-queue.js';

/** What was set aside when a queue file could not be read. */
export interface CorruptQueue {
  readonly path: string;
  readonly movedTo: string;
  /** Bytes set aside (the file, its WAL and shared-memory files). */
  readonly bytes: number;
  readonly reason: string;
}

/** SQLite's answers for a file that is damaged or not a database at all. */
const CORRUPTION = new Set([
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT_INDEX',
  'SQLITE_CORRUPT_SEQUENCE',
  'SQLITE_CORRUPT_VTAB',
]);

export function openQueue(
  config: BufferConfig,
  now: () => number = Date.now,
  onCorrupt?: (c: CorruptQueue) => void,
): DurableQueue {
  if (config.type === 'memory') return new MemoryQueue(config.max_bytes, now);
  if (!config.path) throw new Error('buffer.path is required for a disk queue (the config loader sets a default)');
  const options = { path: config.path, maxBytes: config.max_bytes, sync: config.sync, now };
  try {
    return new SqliteQueue(options);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!CORRUPTION.has(code)) throw new Error(`queue file ${config.path}: ${(err as Error).message}`, { cause: err });
    const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
    const movedTo = `${config.path}.corrupt-${stamp}`;
    let bytes = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      if (!existsSync(config.path + suffix)) continue;
      bytes += statSync(config.path + suffix).size;
      renameSync(config.path + suffix, movedTo + suffix);
    }
    onCorrupt?.({ path: config.path, movedTo, bytes, reason: (err as Error).message });
    return new SqliteQueue(options);
  }
}
