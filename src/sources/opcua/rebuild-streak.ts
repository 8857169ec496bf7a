/**
 * An OPC UA source's run of failed subscriptions: each failure counted (linewatch_source_errors_total, kind too_large
 * for a message over max_message_bytes, else connection; linewatch_source_reconnects_total) and logged once per
 * distinct message, the backoff before the next try, and the line that says the subscription holds again (or, the
 * first time, that it was made). After a message over the bound the streak ends only once a publish response came
 * through, not with the subscription made: a server that sends the same one at every subscription is not asked again
 * at once.
 */
import { FailureStreak } from '../../core/backoff.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { isOversize } from './message-bound.js';

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;

export class RebuildStreak {
  private readonly failures: FailureStreak;
  /** Whether the last failure was a message over max_message_bytes (message-bound.ts). */
  private lastTooLarge = false;
  /** The streak ends at the next publish response rather than with the subscription made. */
  private endOnPublish = false;

  constructor(
    private readonly deps: {
      source: string;
      /** `device NAME (ENDPOINT)`, as its log lines name it. */
      device: string;
      logger: Logger;
      metrics: GatewayMetrics;
      random?: () => number;
    },
  ) {
    this.failures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, deps.random);
  }

  /** Whether the last failure was a message over max_message_bytes: the nodes over it alone are looked for. */
  get lastLossTooLarge(): boolean {
    return this.lastTooLarge;
  }

  /** A failed or lost subscription: counted, logged once per distinct message; the delay before the next try (ms). */
  failed(message: string): number {
    const fresh = this.failures.fail(message);
    this.lastTooLarge = isOversize(message);
    this.endOnPublish = false;
    const { source } = this.deps;
    this.deps.metrics.sourceErrors.inc({ source, kind: this.lastTooLarge ? 'too_large' : 'connection' });
    this.deps.metrics.sourceReconnects.inc({ source });
    if (fresh)
      this.deps.logger.warn({ source, failures: this.failures.count }, `${message}; rebuilding the connection`);
    return this.failures.delayMs();
  }

  /** The subscription is made (`connections` times so far): the streak ends now, or at the next publish response. */
  subscribed(connections: number): void {
    if (this.lastTooLarge) this.endOnPublish = true;
    else this.end(connections);
  }

  /** A publish response came through: a streak left open after a message over the bound ends. */
  published(connections: number): void {
    if (this.endOnPublish) this.end(connections);
  }

  /** A subscription that holds: the failure streak ends, said where there was one, and the first one is said. */
  private end(connections: number): void {
    this.endOnPublish = false;
    this.lastTooLarge = false;
    const failures = this.failures.end();
    const { source, device } = this.deps;
    if (failures > 0) this.deps.logger.info({ source, after_failures: failures }, `${device}: subscription rebuilt`);
    else if (connections === 1) this.deps.logger.info({ source }, `${device}: connected, subscribed`);
  }
}
