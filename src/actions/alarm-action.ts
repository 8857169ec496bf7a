/**
 * Alarm actions: what an alarm transition does outside the gateway (a stack light or reject
 * gate written on the PLC over Modbus or OPC UA, a webhook, an MQTT message). Each action has
 * its own serial queue, so a slow or dead
 * target delays only itself; dispatch() never blocks and never throws. Failed attempts are
 * retried with exponential backoff and jitter; an action that fails `max_attempts` times is
 * reported (log line, counter, status) and dropped. A PLC output follows the alarm state: only
 * the newest desired value is written, and only when it changes, or when reassert() asks (the gateway's start, the
 * source connected anew). An output given up on is not dropped: the gateway's tick calls retryUnwritten(), which tries
 * it once every LATE_RETRY_MS until it is written or a newer value replaces it (a stack light left dark after a PLC
 * that was busy for a minute, while its connection stayed up, is lit once the PLC takes the write). A write the device
 * refused for good (permanent-refusal.ts: an OPC UA BadTypeMismatch or BadNotWritable, a Modbus illegal data address)
 * is neither retried nor tried every 30 s: `refused` in its status says why, until a write passes.
 */
import { backoffMs, jittered } from '../core/backoff.js';
import type { AlarmEvent, PartResult } from '../core/types.js';
import type { ComponentDeps } from '../telemetry/component-deps.js';
import type { ActionDriver, ActionJob, ActionTrigger } from './action-type.js';
import { permanentRefusal } from './permanent-refusal.js';

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
  /** Events (webhook, mqtt_publish): how many may wait behind the one being sent; beyond it the oldest is dropped. */
  readonly max_queued?: number;
}

export interface ActionStatus {
  readonly name: string;
  /** Where it is configured (`assets[0].alarm.actions[1]`, `assets[0].part_actions[0]`). */
  readonly where?: string;
  readonly type: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  readonly lastError?: string;
  /** When lastError happened (ms since the epoch). */
  readonly lastErrorAt?: number;
  /** An output given up on: since when (ms since the epoch) its value waits to be written; tried every 30 s. */
  readonly notWrittenSince?: number;
  /**
   * A write the device refused for good (permanent-refusal.ts), why, not retried: tried again only when a new alarm
   * state is dispatched or its source connects anew; cleared by a later write that passes.
   */
  readonly refused?: string;
  /** Events dropped unsent, the oldest waiting, because max_queued were waiting (the target down or slow). */
  readonly dropped?: number;
}

const MAX_BACKOFF_MS = 30_000;
/** How often an output given up on is tried again (one attempt each time). */
export const LATE_RETRY_MS = MAX_BACKOFF_MS;

/** An output's value given up on after max_attempts: tried again from `nextAt` on. */
interface Unwritten {
  readonly job: ActionJob;
  readonly since: number;
  nextAt: number;
  tries: number;
}

export class AlarmAction {
  readonly name: string;
  /** The name, with where it is configured where known: "hmi-lamp (assets[0].alarm.actions[2])", for messages. */
  private readonly label: string;
  private jobs: ActionJob[] = [];
  private running: Promise<void> | undefined;
  private succeeded = 0;
  private failed = 0;
  private lastError: string | undefined;
  private lastErrorAt: number | undefined;
  private unwritten: Unwritten | undefined;
  private refused: string | undefined;
  private dropped = 0;
  /** The queued jobs made of alarm transitions (an output given up on is tried again only for those, not for a part's
   * verdict, which the next part replaces). */
  private readonly alarmJobs = new WeakSet<ActionJob>();
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
    /** Where it is configured (`assets[0].alarm.actions[1]`); absent for one made outside a configuration file. */
    private readonly where?: string,
  ) {
    this.name = config.name ?? `${asset}-${config.type}-${index}`;
    this.label = where !== undefined ? `${this.name} (${where})` : this.name;
    this.driver = makeDriver(this.name);
  }

  /** Queues what the alarm event asks of this action, if anything. Never blocks, never throws. */
  dispatch(event: AlarmEvent): void {
    this.trigger({ kind: 'alarm', event });
  }

  /** Whether it writes to a device (a PLC's output, an OPC UA node: its `source`), not a message (webhook, MQTT). */
  get writesToDevice(): boolean {
    return (this.config as { source?: string }).source !== undefined;
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
    if (t.kind === 'alarm') this.alarmJobs.add(job);
    if (this.follows) {
      this.jobs = [job]; // only the newest output value matters
      this.unwritten = undefined; // ...and it replaces one given up on
    } else {
      if (this.config.max_queued !== undefined && this.jobs.length >= this.config.max_queued) this.dropOldest();
      this.jobs.push(job);
    }
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
          this.refused = undefined;
          this.deps.metrics.actions.inc({ action: this.name, outcome: 'ok' });
          if (attempt > 1)
            this.deps.logger.info(
              { action: this.name, where: this.where, attempt },
              `action ${this.label}: ${job.describe} succeeded on attempt ${attempt}`,
            );
          break;
        } catch (err) {
          const message = this.failedAttempt(job, err);
          const refusal = permanentRefusal(err);
          if (refusal !== undefined) {
            this.refusedForGood(message, refusal, attempt);
            break;
          }
          if (attempt >= this.config.max_attempts || this.closed) {
            this.failed++;
            this.deps.metrics.actions.inc({ action: this.name, outcome: 'failed' });
            const late = this.follows && this.alarmJobs.has(job) && !this.closed && this.jobs.length === 0;
            if (late) {
              const now = this.now();
              this.unwritten = { job, since: now, nextAt: now + LATE_RETRY_MS, tries: 0 };
            }
            this.deps.logger.error(
              { action: this.name, where: this.where, attempts: attempt },
              `${message}; gave up after ${attempt} attempts${
                late
                  ? `; the output is tried again every ${LATE_RETRY_MS / 1000} s until it is written (or a new alarm state replaces its value)`
                  : ''
              }`,
            );
            break;
          }
          if (attempt === 1) this.deps.logger.warn({ action: this.name, where: this.where }, `${message}; retrying`);
          await sleep(jittered(backoffMs(attempt, this.config.retry_initial_ms, MAX_BACKOFF_MS), random));
          if (this.jobs.length > 0 && this.follows) break; // a newer value supersedes this one
        }
      }
    }
  }

  /**
   * A write refused for good: counted failed, logged once, kept in status; not retried, not tried every 30 s (the
   * device said no to this value). A new alarm state, or the source's next connection (reassert), tries again.
   */
  private refusedForGood(message: string, refusal: string, attempts: number, counted = false): void {
    if (!counted) {
      this.failed++; // a late attempt's value was counted failed when it was given up on
      this.deps.metrics.actions.inc({ action: this.name, outcome: 'failed' });
    }
    this.refused = `${refusal}; not retried (tried again at the alarm's next state or when the source connects anew)`;
    this.deps.logger.error(
      { action: this.name, where: this.where, attempts, refused: refusal },
      `${message}; refused for good (${refusal}): not retried until the alarm's next state or the source's next connection`,
    );
  }

  /** An event that would wait past max_queued: the oldest waiting is dropped, logged and counted. */
  private dropOldest(): void {
    const oldest = this.jobs.shift()!;
    this.dropped++;
    this.deps.metrics.actions.inc({ action: this.name, outcome: 'dropped' });
    this.deps.logger.warn(
      { action: this.name, where: this.where, dropped: this.dropped },
      `action ${this.label}: ${this.config.max_queued} messages already wait (max_queued; the target down or slow): ` +
        `the oldest, ${oldest.describe} for ${oldest.what}, is dropped unsent (${this.dropped} so far)`,
    );
  }

  /** Counts and keeps a failed attempt; returns it in words, naming the action, the target and the trigger. */
  private failedAttempt(job: ActionJob, err: unknown): string {
    const message = `action ${this.label}: ${job.describe} for ${job.what}: ${(err as Error).message}`;
    this.lastError = message;
    this.lastErrorAt = this.now();
    this.deps.metrics.actions.inc({ action: this.name, outcome: 'retry' });
    return message;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /**
   * An output given up on (max_attempts failed, nothing newer to write since): one more attempt where LATE_RETRY_MS
   * has passed since the last, and nothing else runs. The gateway calls it each second while the output's source is
   * connected. Its failures are counted (`retry`) and kept as lastError, not logged again; its success is logged.
   */
  retryUnwritten(): void {
    const u = this.unwritten;
    if (!u || this.closed || this.running || this.now() < u.nextAt) return;
    this.running = this.lateAttempt(u)
      .then(() => this.drain())
      .finally(() => (this.running = undefined));
  }

  private async lateAttempt(u: Unwritten): Promise<void> {
    u.tries++;
    const stop = this.deps.metrics.actionSeconds.startTimer({ action: this.name });
    try {
      const outcome = await u.job.run();
      if (this.unwritten !== u) return;
      this.unwritten = undefined;
      if (outcome === 'unchanged') return void this.deps.metrics.actions.inc({ action: this.name, outcome });
      stop();
      this.succeeded++;
      this.refused = undefined;
      this.deps.metrics.actions.inc({ action: this.name, outcome: 'ok' });
      this.deps.logger.info(
        { action: this.name, where: this.where, late_attempts: u.tries },
        `action ${this.label}: ${u.job.describe} for ${u.job.what} written at last, ${Math.round(
          (this.now() - u.since) / 1000,
        )} s after it was given up on (${u.tries} more attempt(s))`,
      );
    } catch (err) {
      const message = this.failedAttempt(u.job, err);
      const refusal = permanentRefusal(err);
      if (refusal !== undefined && this.unwritten === u) {
        this.unwritten = undefined; // the device said no to this value: not every 30 s
        this.refusedForGood(message, refusal, u.tries, true);
      } else if (this.unwritten === u) u.nextAt = this.now() + LATE_RETRY_MS;
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
      ...(this.where !== undefined ? { where: this.where } : {}),
      type: this.config.type,
      succeeded: this.succeeded,
      failed: this.failed,
      pending: this.jobs.length,
      ...(this.lastError ? { lastError: this.lastError, lastErrorAt: this.lastErrorAt } : {}),
      ...(this.unwritten ? { notWrittenSince: this.unwritten.since } : {}),
      ...(this.refused !== undefined ? { refused: this.refused } : {}),
      ...(this.dropped > 0 ? { dropped: this.dropped } : {}),
    };
  }
}
