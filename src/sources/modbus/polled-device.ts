/**
 * One unit id on a Modbus connection as the source polls it: its poll groups, its own queue (a device's polls and
 * writes run one at a time), and its health: a failure is counted every time and logged once per distinct message,
 * backs the device off (its tags then come back bad without waiting on the line), and sets linewatch_device_up to 0;
 * the first answer after failures is logged and ends the backoff. A connection that cannot be made sets every device
 * on it to 0 too (regression: with the PLC or the serial port gone, its units read 1 for the whole outage), and its
 * first answer after that to 1 again. A request the device refuses with a Modbus exception is no failure of the
 * device, which answered: it is counted every time and logged once while it lasts.
 */
import { FailureStreak } from '../../core/backoff.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import type { ModbusDeviceConfig } from './devices.js';
import { BACKOFF_MAX_MS, BACKOFF_MIN_MS } from './modbus-connection.js';
import { pollGroups, type PollGroup, type Tag } from './poll-groups.js';
import type { ReadRequest } from './request-plan.js';

export interface PolledDeviceDeps {
  /** The source's name. */
  readonly source: string;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now: () => number;
  readonly random: () => number;
}

export class PolledDevice {
  readonly groups: PollGroup[];
  /** The device in messages: "device plc (10.0.0.5:502, unit 3)". */
  readonly label: string;
  readonly failures: FailureStreak;
  /** Until when the device is backed off (ms). */
  nextAttemptAt = 0;
  queuedWrites = 0;
  /** linewatch_device_up as last set: absent until the device answered or failed once. */
  private up: 0 | 1 | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The requests it refuses with a Modbus exception (a request of its plan), with the message logged. */
  private readonly refused = new Map<object, string>();
  /** The message of its last failure (onFailure). */
  private lastFailure: string | undefined;
  /** Its 64-bit integer tags read past 2^53, warned of once each (warnRounded). */
  private readonly roundedTags = new Set<Tag>();

  /** @param where the connection in messages: "10.0.0.5:502", "/dev/ttyUSB0 19200 8E1" */
  constructor(
    readonly config: ModbusDeviceConfig,
    where: string,
    private readonly deps: PolledDeviceDeps,
  ) {
    this.label = `device ${deps.source} (${where}, unit ${config.unitId})`;
    this.failures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, deps.random);
    this.groups = pollGroups(config);
  }

  /** Runs `fn` after every poll or write queued before it on this device. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A read of this device was answered; `request`, named `what` in messages, where it is one it refused before. */
  onAnswer(request?: object, what?: () => string): void {
    if (request !== undefined && this.refused.delete(request) && what)
      this.deps.logger.info(
        { source: this.deps.source, unit: this.config.unitId },
        `${this.label}: ${what()}: answered again`,
      );
    if (this.failures.count > 0) this.onRecovered();
    else if (this.up !== 1) this.setUp(1);
  }

  /**
   * The device refused `request` with a Modbus exception (`message`): it answered, so it is up and not backed off.
   * Counted every time, logged once while the refusal lasts (regression: a register the PLC refuses beside one it
   * serves logged the refusal and "answers again" at every poll).
   */
  onRefused(request: object, message: string): void {
    this.deps.metrics.sourceErrors.inc({ source: this.deps.source, kind: 'DEVICE_EXCEPTION' });
    this.onAnswer();
    if (this.refused.get(request) === message) return;
    this.refused.set(request, message);
    this.deps.logger.warn({ source: this.deps.source, unit: this.config.unitId }, message);
  }

  /**
   * Warns once per tag of `request` whose int64 or uint64 value in the answer's `data` a number cannot hold (past 2^53,
   * where a double stops holding every integer), naming the register, the value the device sent and the one delivered.
   */
  warnRounded(request: ReadRequest<Tag>, data: readonly number[]): void {
    for (const { tag, offset } of request.tags) {
      if (!tag.rounded || this.roundedTags.has(tag)) continue;
      const exact = tag.rounded(data, offset);
      if (exact === undefined) continue;
      this.roundedTags.add(tag);
      this.deps.logger.warn(
        { source: this.deps.source, unit: this.config.unitId, channel: tag.channel },
        `${this.label}: channel ${tag.channel} (${tag.type}, ${tag.table} register ${tag.address}): read ${exact}, ` +
          `past 2^53, delivered as ${Number(exact)}: a sample holds integers exactly up to 2^53 (9007199254740992); ` +
          'said once per register',
      );
    }
  }

  /**
   * Its connection could not be made: the device is down until it answers again. No failure of its own is counted and
   * it is not backed off: the connection's backoff paces the next tries.
   */
  onConnectionDown(): void {
    this.setUp(0);
  }

  /**
   * What keeps its tags from being delivered now, in the log's words (for /api/status): its last failure while it
   * is failing, and each refused request while it is refused.
   */
  issues(): string[] {
    return [...(this.failures.count > 0 && this.lastFailure ? [this.lastFailure] : []), ...this.refused.values()];
  }

  /** Logs a device failure (no answer, a bad one) once per distinct message, counts every one, and backs it off. */
  onFailure(message: string, kind: string): void {
    this.lastFailure = message;
    const fresh = this.failures.fail(message);
    this.deps.metrics.sourceErrors.inc({ source: this.deps.source, kind });
    this.setUp(0);
    if (fresh)
      this.deps.logger.warn(
        { source: this.deps.source, unit: this.config.unitId, failures: this.failures.count },
        message,
      );
    this.nextAttemptAt = this.deps.now() + this.failures.delayMs();
  }

  private onRecovered(): void {
    this.deps.logger.info(
      { source: this.deps.source, unit: this.config.unitId, after_failures: this.failures.end() },
      `${this.label}: answers again`,
    );
    this.nextAttemptAt = 0;
    this.setUp(1);
  }

  private setUp(up: 0 | 1): void {
    this.up = up;
    this.deps.metrics.deviceUp.set({ source: this.deps.source, unit: String(this.config.unitId) }, up);
  }
}
