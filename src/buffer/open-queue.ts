/** Opens the queue a sink's `buffer` configuration asks for. */
import type { BufferConfig } from '../config/schema.js';
import { MemoryQueue } from './memory-queue.js';
import type { DurableQueue } from './queue.js';
import { SqliteQueue } from './sqlite-queue.js';

export function openQueue(config: BufferConfig, now?: () => number): DurableQueue {
  if (config.type === 'memory') return new MemoryQueue(config.max_bytes, now);
  if (!config.path) throw new Error('buffer.path is required for a disk queue (the config loader sets a default)');
  return new SqliteQueue({ path: config.path, maxBytes: config.max_bytes, sync: config.sync, now });
}
