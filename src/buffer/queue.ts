/**
 * The store-and-forward queue in front of every sink that leaves the box. Transactional, like
 * Telegraf's output buffer: a batch is taken, then accepted (gone) or rejected (back at the
 * head, in order); what is neither stays queued, across restarts for the disk queue.
 *
 * Bounded in bytes. When a push goes over the bound, the oldest items of the least valuable
 * class are evicted first: raw samples, then scores, then part results, then alarms; each
 * eviction is counted per class. Items in the batch being sent are never evicted.
 */

/** Eviction classes, least valuable first. */
export const PRIORITIES = ['raw', 'score', 'part', 'alarm'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface QueueInput {
  readonly priority: Priority;
  /** Opaque payload, e.g. lines of line protocol. */
  readonly payload: string;
  /** How many records the payload holds (e.g. lines); 1 when omitted. Batches are sized by it. */
  readonly count?: number;
}

export interface QueueItem extends QueueInput {
  /** Position in the queue: strictly increasing in push order. */
  readonly seq: number;
  readonly enqueuedAt: number;
}

export interface QueueBatch {
  readonly items: readonly QueueItem[];
  readonly bytes: number;
  /** Records in the batch (sum of the items' counts). */
  readonly count: number;
}

export interface QueueStats {
  /** Records queued (sum of counts). */
  readonly records: number;
  /** Queue entries (one per pushed item). */
  readonly items: number;
  readonly bytes: number;
  /** Age of the oldest queued item in ms (0 when empty). */
  readonly oldestAgeMs: number;
  /** Records evicted by the byte bound since the queue was opened, per class. */
  readonly evicted: Readonly<Record<Priority, number>>;
}

export interface DurableQueue {
  /** Appends items in order. Durable when it returns (for the disk queue). May evict (see above). */
  push(items: readonly QueueInput[]): void;
  /**
   * Takes the oldest items, up to `maxRecords` records and `maxBytes` (at least one item if any),
   * as the one batch in flight. Returns undefined when empty or while a batch is in flight.
   */
  take(maxRecords: number, maxBytes?: number): QueueBatch | undefined;
  /**
   * The batch was delivered: its items leave the queue. When the store cannot remove them
   * (QueueStoreError), the batch stays in flight: reject it to send it again later.
   */
  accept(batch: QueueBatch): void;
  /** The batch was not delivered: its items stay at the head, in order, for the next take. */
  reject(batch: QueueBatch): void;
  stats(): QueueStats;
  /** Closes the store; items not accepted remain (disk) or are lost (memory). Idempotent. */
  close(): void;
}

export function payloadBytes(payload: string): number {
  return Buffer.byteLength(payload, 'utf8');
}

export function countOf(input: QueueInput): number {
  return input.count ?? 1;
}

export function emptyEvictions(): Record<Priority, number> {
  return { raw: 0, score: 0, part: 0, alarm: 0 };
}

export class QueueStateError extends Error {}

/**
 * The store under a queue failed at run time (a full disk, an I/O error, a file damaged after it
 * was opened). The message names the file and what failed; the queue is left as it was before the
 * call (a batch in flight stays in flight), so the caller can keep it and try again later.
 */
export class QueueStoreError extends Error {
  constructor(
    readonly path: string,
    what: string,
    cause: unknown,
  ) {
    super(`queue file ${path}: ${what} failed: ${(cause as Error).message}`, { cause });
    this.name = 'QueueStoreError';
  }
}
