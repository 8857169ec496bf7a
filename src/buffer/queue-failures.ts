/**
 * What a sink does when its queue fails at run time (a QueueStoreError: a full disk, an I/O
 * error, a file damaged after it was opened). The error never escapes the sink's fire-and-forget
 * flush: it is counted in linewatch_sink_write_errors_total{kind="queue"}, logged once per
 * distinct error with the queue file, and the sink leaves the queue alone for a backoff before it
 * tries again. Nothing queued is given up; detection and PLC actions do not depend on the sink.
 */
import { errorMessage } from '../core/errors.js';
import { FailureStreak } from '../core/backoff.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { QueueStoreError, type DurableQueue, type QueueBatch } from './queue.js';

export interface QueueFailuresDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now?: () => number;
}

export class QueueFailures {
  /** 1 s after the first failure, doubling up to a minute, jittered. */
  private readonly streak = new FailureStreak(1000, 60_000);
  private retryAt = 0;

  constructor(
    private readonly sink: string,
    private readonly deps: QueueFailuresDeps,
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** True during the backoff after a failure: the queue is not touched until it ends. */
  get waiting(): boolean {
    return this.now() < this.retryAt;
  }

  /** Counts the failure, logs it when its message is new, and starts the backoff. */
  failed(err: unknown): void {
    const message = errorMessage(err);
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.sink, kind: 'queue' });
    if (this.streak.fail(message))
      this.deps.logger.error(
        { sink: this.sink, ...(err instanceof QueueStoreError ? { path: err.path } : {}) },
        `sink ${this.sink}: ${message}; what is queued stays queued, retrying with backoff`,
      );
    this.retryAt = this.now() + this.streak.delayMs();
  }

  /** The queue worked (a batch was accepted): the next failure starts a new backoff. */
  worked(): void {
    this.retryAt = 0;
    const failures = this.streak.end();
    if (failures > 0)
      this.deps.logger.info({ sink: this.sink, after_failures: failures }, `sink ${this.sink}: its queue works again`);
  }

  /** Ends the backoff early: the last flush at shutdown tries once more. */
  retryNow(): void {
    this.retryAt = 0;
  }
}

/**
 * Accepts a delivered batch. When the store cannot remove it, the batch goes back to the head, to
 * be sent again after the backoff (MQTT consumers drop duplicates by id; InfluxDB overwrites the
 * same points), and the error is thrown on.
 */
export function acceptOrKeep(queue: DurableQueue, batch: QueueBatch): void {
  try {
    queue.accept(batch);
  } catch (err) {
    if (err instanceof QueueStoreError) queue.reject(batch);
    throw err;
  }
}

/** Records waiting, for a log line; undefined when the store cannot say (that failure is reported by the flush). */
export function queuedRecords(queue: DurableQueue): number | undefined {
  try {
    return queue.stats().records;
  } catch {
    return undefined;
  }
}
