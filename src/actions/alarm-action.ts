/**
 * Alarm actions: what an alarm transition does outside the gateway (a stack light or reject
 * gate written on the PLC over Modbus or OPC UA, a webhook, an MQTT message). Each action has
 * its own serial queue, so a slow or dead
 * target delays only itself; dispatch() never blocks and never throws. Failed attempts are
 * retried with exponential backoff and jitter; an action that fails `max_attempts` times is
 * reported (log line, counter, status) and dropped. A PLC output follows the alarm state: only
 * the newest desired value is written, and only when it changes, or when reassert() asks (the gateway's start, the
 * source connected anew).
 */
import { backoffMs, jittered } from '../core/backoff.js';
import type { AlarmEvent, PartResult } from '../core/types.js';
import type { ComponentDeps } from '../telemetry/component-deps.js';
import type { ActionDriver, ActionJob, ActionTrigger } from './action-type.js';

export interface ActionDeps extends ComponentDeps {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** The settings every action has, whatever its type. */
export interface ActionSettings {
  readonly type: string;
  readonly name?: string;
  readonly max_attempts: number;
  readonly retry_initial_ms: number;
}

export interface ActionStatus {
  readonly name: string;
  readonly type: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  readonly lastError?: string;
}

const MAX_BACKOFF_MS = 30_000;

export class AlarmAction {
  readonly name: string;
  private jobs: ActionJob[] = [];
  private running: Promise<void> | undefined;
  private succeeded = 0;
  private failed = 0;
  private lastError: string | undefined;
  private closed = false;
  private readonly driver: ActionDriver;

  /**
   * `makeDriver` builds the type's driver (src/registry/ finds it by `config.type`); `follows`:
   * an output that follows the alarm state (only the newest value matters), not an event.
   */
  constructor(
    readonly asset: string,
    private readonly config: ActionSettings,
    index: number,
    private readonly deps: ActionDeps,
    makeDriver: (name: string) => ActionDriver,
    private readonly follows: boolean,
  ) {
    this.name = config.name ?? `${asset}-${config.type}-${index}`;
    this.driver = makeDriver(this.name);
  }

  /** Queues what the alarm event asks of this action, if anything. Never blocks, never throws. */
  dispatch(event: AlarmEvent): void {
    this.trigger({ kind: 'alarm', event });
  }

  /** Queues what a part verdict asks of this (part) action. Never blocks, never throws. */
  dispatchPart(part: PartResult): void {
    this.trigger({ kind: 'part', part });
  }

  /**
   * An output that follows the alarm (a stack light, a lamp): writes the value for the alarm as it stands (`current`),
   * even where it was the last one written: at start, and when the device comes back (it may have lost it). Events
   * (webhooks, messages) are not sent again.
   */
  reassert(current: AlarmEvent): void {
    if (this.follows) this.trigger({ kind: 'alarm', event: current }, true);
  }

  private trigger(t: ActionTrigger, rewrite = false): void {
    if (this.closed) return;
    const job = this.driver.job(t, rewrite ? { rewrite } : undefined);
    if (!job) return;
    if (this.follows)
      this.jobs = [job]; // only the newest output value matters
    else this.jobs.push(job);
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    const random = this.deps.random ?? Math.random;
    while (this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      for (let attempt = 1; ; attempt++) {
        const stop = this.deps.metrics.actionSeconds.startTimer({ action: this.name });
        try {
          const outcome = await job.run();
          if (outcome === 'unchanged') {
            // Nothing was sent (the output holds the value): counted as such, and not timed as an attempt.
            this.deps.metrics.actions.inc({ action: this.name, outcome: 'unchanged' });
            break;
          }
          stop();
          this.succeeded++;
          this.deps.metrics.actions.inc({ action: this.name, outcome: 'ok' });
          if (attempt > 1)
            this.deps.logger.info(
              { action: this.name, attempt },
              `action ${this.name}: ${job.describe} succeeded on attempt ${attempt}`,
            );
          break;
        } catch (err) {
          const message = `action ${this.name}: ${job.describe} for ${job.what}: ${(err as Error).message}`;
          this.lastError = message;
          this.deps.metrics.actions.inc({ action: this.name, outcome: 'retry' });
          if (attempt >= this.config.max_attempts || this.closed) {
            this.failed++;
            this.deps.metrics.actions.inc({ action: this.name, outcome: 'failed' });
            this.deps.logger.error(
              { action: this.name, attempts: attempt },
              `${message}; gave up after ${attempt} attempts`,
            );
            break;
          }
          if (attempt === 1) this.deps.logger.warn({ action: this.name }, `${message}; retrying`);
          await sleep(jittered(backoffMs(attempt, this.config.retry_initial_ms, MAX_BACKOFF_MS), random));
          if (this.jobs.length > 0 && this.follows) break; // a newer value supersedes this one
        }
      }
    }
  }

  /** Resolves when every queued job has finished (succeeded or given up). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
  }

  status(): ActionStatus {
    return {
      name: this.name,
      type: this.config.type,
      succeeded: this.succeeded,
      failed: this.failed,
      pending: this.jobs.length,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}
