/** The in-memory queue: the same contract as the disk queue, without surviving a restart. */
import {
  countOf,
  emptyEvictions,
  payloadBytes,
  PRIORITIES,
  QueueStateError,
  type DurableQueue,
  type QueueBatch,
  type QueueInput,
  type QueueItem,
  type QueueStats,
} from './queue.js';

interface Stored extends QueueItem {
  readonly bytes: number;
  readonly records: number;
}

export class MemoryQueue implements DurableQueue {
  private items: Stored[] = [];
  private bytes = 0;
  private records = 0;
  private seq = 0;
  private inFlight: QueueBatch | undefined;
  private readonly evicted = emptyEvictions();

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  push(inputs: readonly QueueInput[]): void {
    const at = this.now();
    for (const input of inputs) {
      const bytes = payloadBytes(input.payload);
      const records = countOf(input);
      this.items.push({ ...input, seq: ++this.seq, enqueuedAt: at, bytes, records });
      this.bytes += bytes;
      this.records += records;
    }
    this.evict();
  }

  private evict(): void {
    if (this.bytes <= this.maxBytes) return;
    const protectedCount = this.inFlight?.items.length ?? 0;
    for (const priority of PRIORITIES) {
      if (this.bytes <= this.maxBytes) return;
      const kept: Stored[] = this.items.slice(0, protectedCount);
      for (const item of this.items.slice(protectedCount)) {
        if (this.bytes > this.maxBytes && item.priority === priority) {
          this.bytes -= item.bytes;
          this.records -= item.records;
          this.evicted[priority] += item.records;
        } else kept.push(item);
      }
      this.items = kept;
    }
  }

  take(maxRecords: number, maxBytes = Number.POSITIVE_INFINITY): QueueBatch | undefined {
    if (this.inFlight || this.items.length === 0) return undefined;
    const items: Stored[] = [];
    let bytes = 0;
    let count = 0;
    for (const item of this.items) {
      if (items.length > 0 && (count + item.records > maxRecords || bytes + item.bytes > maxBytes)) break;
      items.push(item);
      bytes += item.bytes;
      count += item.records;
    }
    this.inFlight = { items, bytes, count };
    return this.inFlight;
  }

  accept(batch: QueueBatch): void {
    this.settle(batch);
    this.items.splice(0, batch.items.length);
    this.bytes -= batch.bytes;
    this.records -= batch.count;
  }

  reject(batch: QueueBatch): void {
    this.settle(batch);
  }

  private settle(batch: QueueBatch): void {
    if (batch !== this.inFlight) throw new QueueStateError('batch is not the one in flight');
    this.inFlight = undefined;
  }

  stats(): QueueStats {
    const oldest = this.items[0];
    return {
      records: this.records,
      items: this.items.length,
      bytes: this.bytes,
      oldestAgeMs: oldest ? Math.max(0, this.now() - oldest.enqueuedAt) : 0,
      evicted: { ...this.evicted },
    };
  }

  close(): void {
    this.items = [];
    this.bytes = 0;
    this.records = 0;
    this.inFlight = undefined;
  }
}
