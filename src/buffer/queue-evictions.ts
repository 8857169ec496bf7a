/**
 * A sink's queue at its byte bound: each record the queue evicted is counted in linewatch_queue_evicted_total, per
 * class, and the first eviction since start is logged once (warn) with the bound and what goes first. The queue keeps
 * its totals since it was opened (QueueStats.evicted); a sink hands them over whenever it has read its queue's stats,
 * and what they grew by since the last look is counted. Every queued sink (InfluxDB, the cloud) counts through it.
 */
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { emptyEvictions, PRIORITIES, type QueueStats } from './queue.js';

export interface QueueEvictionsDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

export class QueueEvictions {
  /** The totals already counted, per class. */
  private readonly counted = emptyEvictions();
  private told = false;

  /**
   * @param sink the sink's name (its `sink` label)
   * @param maxBytes the queue's bound (buffer.max_bytes), for the log line
   * @param order what the sink's classes hold, least valuable first, as the log line says it
   */
  constructor(
    private readonly sink: string,
    private readonly maxBytes: number,
    private readonly order: string,
    private readonly deps: QueueEvictionsDeps,
  ) {}

  /** Counts what the queue evicted since the last look (its totals since it was opened). */
  note(evicted: QueueStats['evicted']): void {
    let grew = false;
    for (const priority of PRIORITIES) {
      const grown = evicted[priority] - this.counted[priority];
      if (grown <= 0) continue;
      this.deps.metrics.queueEvicted.inc({ sink: this.sink, class: priority }, grown);
      this.counted[priority] = evicted[priority];
      grew = true;
    }
    if (!grew || this.told) return;
    this.told = true;
    this.deps.logger.warn(
      { sink: this.sink, evicted },
      `${this.sink} queue reached its byte bound (${this.maxBytes} B): evicting the oldest ${this.order}`,
    );
  }
}
