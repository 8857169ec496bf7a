/**
 * A Modbus source: one connection (TCP, RTU over a serial line, or RTU over TCP) carrying one or
 * more devices (unit ids), each with its own asset, register map, poll interval, timeout, queue,
 * health and backoff. Each device's tags are grouped by poll interval (per-tag intervals) and
 * each group is read with the fewest requests the planner finds; every completed group poll is
 * delivered as one batch.
 *
 * Isolation: a device's polls and writes run one at a time in its own queue; a device that stops
 * answering goes into its own backoff (its tags are delivered as `bad` samples without waiting
 * on the line) while the others keep their rate. Over TCP the devices' requests run concurrently
 * on the shared socket (each request names its unit); on a serial line, or RTU over TCP to a
 * serial gateway, one request is on the line at a time.
 *
 * Bounded queues, explicit drop policy: a group poll that comes due while the previous one is
 * still running is not queued: it is dropped and counted (`linewatch_source_dropped_total`,
 * kind poll), and the next poll starts when the running one ends. Writes wait in the device's
 * queue up to `max_queued_writes`; beyond that a write is refused at once and counted (kind
 * write); the alarm action that asked retries it with backoff.
 *
 * Its parts: the connection and its backoff (modbus-connection.ts), each device's queue and health
 * (polled-device.ts), the poll groups (poll-groups.ts), a response's samples (register-samples.ts)
 * and a write's request (write-request.ts). This file runs the poll loops and reads a group.
 */
import type { SampleHandler, Source } from '../../core/components.js';
import { LinewatchError } from '../../core/errors.js';
import type { Sample } from '../../core/types.js';
import type { ModbusSourceConfig } from './schema.js';
import { modbusDevices } from './devices.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { describeModbusError, droppedUnderIt } from './errors.js';
import { ModbusConnection } from './modbus-connection.js';
import { PolledDevice } from './polled-device.js';
import { nextPoll } from './poll-schedule.js';
import type { PollGroup } from './poll-groups.js';
import { modiconHint, modiconLookalike, readName } from './register-names.js';
import { badSamples, responseSamples, shortAnswer, type SampleOrigin } from './register-samples.js';
import { writeName, writeRequest, type ModbusWrite } from './write-request.js';

export type { ModbusWrite } from './write-request.js';

export interface ModbusSourceDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now?: () => number;
  readonly random?: () => number;
}

export class ModbusSource implements Source {
  readonly name: string;
  private readonly devices: PolledDevice[];
  private readonly connection: ModbusConnection;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private readonly now: () => number;

  constructor(
    private readonly config: ModbusSourceConfig,
    private readonly deps: ModbusSourceDeps,
  ) {
    this.name = config.name;
    this.now = deps.now ?? Date.now;
    const random = deps.random ?? Math.random;
    const devices = modbusDevices(config);
    const shared = { logger: deps.logger, metrics: deps.metrics, now: this.now, random };
    this.connection = new ModbusConnection(
      config,
      devices.map((d) => d.unitId),
      shared,
    );
    this.devices = devices.map((d) => new PolledDevice(d, this.connection.where, { ...shared, source: config.name }));
  }

  /** Read requests per poll of every group, after planning. */
  get requestCount(): number {
    return this.devices.reduce((n, d) => n + d.groups.reduce((m, g) => m + g.requests.length, 0), 0);
  }

  /** How many times its connection was made (Source.connections). */
  get connections(): number {
    return this.connection.connections;
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  connectionState(): { since?: number; lastError?: string } {
    return this.connection.state();
  }

  /**
   * While connected, what keeps some of its tags bad (Source.tagIssues): each device that stopped answering, and each
   * register its device refuses, in the log's words. While it is not, connectionState's lastError says why.
   */
  tagIssues(): string[] {
    return this.connected ? this.devices.flatMap((d) => d.issues()) : [];
  }

  async start(onBatch: SampleHandler): Promise<void> {
    this.running = true;
    for (const device of this.devices) {
      for (const group of device.groups) {
        // The tick this poll belongs to (poll-schedule.ts: a fixed rate, so timer lateness does not add up).
        let due = this.now();
        const loop = async () => {
          if (!this.running) return;
          const batch = await device.exclusive(() => this.pollGroup(device, group));
          if (!this.running) return;
          // Counted as delivered, whichever way its samples were made (regression: the bad samples of a refused
          // connect or a backoff were stored, not counted).
          if (batch.length > 0) onBatch(this.counted(batch));
          const next = nextPoll(due, this.now(), group.intervalMs);
          due = next.due;
          if (next.skipped > 0)
            this.deps.metrics.sourceDropped.inc(
              { source: this.name, unit: String(device.config.unitId), kind: 'poll' },
              next.skipped,
            );
          this.schedule(loop, next.delayMs);
        };
        this.schedule(loop, 0);
      }
    }
  }

  private schedule(fn: () => Promise<void>, delayMs: number): void {
    // Due now (a poll that took its whole interval): next turn of the event loop, not a ≥1 ms timer.
    if (delayMs <= 0) {
      setImmediate(() => void fn());
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void fn();
    }, delayMs);
    this.timers.add(timer);
  }

  async readOnce(): Promise<Sample[]> {
    try {
      await this.connection.connect().catch((err: unknown) => {
        throw describeModbusError(this.connection.label, 'connect', err, this.connection.serves);
      });
      const out: Sample[] = [];
      for (const device of this.devices)
        for (const group of device.groups) out.push(...(await this.readGroup(device, group, this.now(), 'once')));
      return this.counted(out);
    } finally {
      await this.connection.close();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.connection.end();
  }

  /**
   * Writes a coil, consecutive coils, or a holding register (function 5, 15, 6 or 16) on a device of this connection
   * (default the first), connecting first if needed. Rejects with an error naming the device and
   * address; the caller retries.
   */
  write(target: ModbusWrite, unitId?: number): Promise<void> {
    const device = unitId === undefined ? this.devices[0] : this.devices.find((d) => d.config.unitId === unitId);
    if (!device)
      return Promise.reject(
        new LinewatchError(
          'CONFIG_INVALID',
          `${this.connection.label}: no unit ${unitId} on this connection (units: ${this.devices.map((d) => d.config.unitId).join(', ')})`,
        ),
      );
    if (device.queuedWrites >= this.config.max_queued_writes) {
      this.deps.metrics.sourceDropped.inc({ source: this.name, unit: String(device.config.unitId), kind: 'write' });
      return Promise.reject(
        new LinewatchError(
          'QUEUE_FULL',
          `${device.label}: ${device.queuedWrites} writes already waiting (max_queued_writes); this one is refused`,
          { retryable: true },
        ),
      );
    }
    device.queuedWrites++;
    return device
      .exclusive(async () => {
        const what = writeName(target);
        let req: ReturnType<typeof writeRequest>;
        try {
          req = writeRequest(target);
        } catch (err) {
          // A value its type cannot hold: nothing is sent, and the connection is none of its business.
          throw new LinewatchError('CONFIG_INVALID', `${device.label}: ${what}: ${(err as Error).message}`);
        }
        try {
          if (!this.connected) await this.connection.connect();
          const unit = device.config.unitId;
          const timeoutMs = device.config.timeoutMs;
          await this.connection.request(timeoutMs, (c, cb) => {
            if (req.fc === 5) c.writeFC5(unit, req.address, req.value, cb);
            else if (req.fc === 15) c.writeFC15(unit, req.address, req.values, cb);
            else if (req.fc === 6) c.writeFC6(unit, req.address, req.value, cb);
            else c.writeFC16(unit, req.address, req.values, cb);
          });
        } catch (err) {
          const error = describeModbusError(device.label, what, err, this.connection.serves);
          if (error.code === 'DEVICE_UNREACHABLE' && !droppedUnderIt(err)) await this.connection.close(error.message);
          throw error;
        }
      })
      .finally(() => device.queuedWrites--);
  }

  private async pollGroup(device: PolledDevice, group: PollGroup): Promise<Sample[]> {
    const ts = this.now();
    // A device in backoff costs the line nothing; its tags show the gap.
    if (ts < device.nextAttemptAt) return badSamples(this.origin(device), group.tags, ts);
    if (!this.connected) {
      if (this.connection.backingOff(ts)) return badSamples(this.origin(device), group.tags, ts);
      try {
        await this.connection.connect();
      } catch (err) {
        // Stopped on the way: nothing to say, and nothing will be delivered.
        if (!this.running) return [];
        this.connection.onConnectFailure(
          describeModbusError(this.connection.label, 'connect', err, this.connection.serves).message,
        );
        for (const d of this.devices) d.onConnectionDown();
        return badSamples(this.origin(device), group.tags, ts);
      }
    }
    const samples = await this.readGroup(device, group, ts, 'poll');
    this.deps.metrics.sourcePolls.inc({ source: this.name });
    return samples;
  }

  /**
   * Reads a poll group's requests. A failed request's tags come back bad; in `once` mode (readOnce) each carries the
   * reason, and the device is neither logged nor backed off.
   */
  private async readGroup(
    device: PolledDevice,
    group: PollGroup,
    ts: number,
    mode: 'poll' | 'once',
  ): Promise<Sample[]> {
    const out: Sample[] = [];
    const unit = device.config.unitId;
    const origin = this.origin(device);
    for (const req of group.requests) {
      try {
        const res = await this.connection.request<{ data: readonly (number | boolean)[] }>(
          device.config.timeoutMs,
          (c, cb) => {
            if (req.table === 'holding') c.writeFC3(unit, req.address, req.count, cb);
            else if (req.table === 'input') c.writeFC4(unit, req.address, req.count, cb);
            else if (req.table === 'coil') c.writeFC1(unit, req.address, req.count, cb as never);
            else c.writeFC2(unit, req.address, req.count, cb as never);
          },
        );
        const short = shortAnswer(req, res.data.length);
        if (short !== undefined) throw new Error(short);
        responseSamples(origin, req, res.data as readonly number[], ts, this.now(), out);
        device.warnRounded(req, res.data as readonly number[]);
        device.onAnswer(req, () => readName(req.table, req.address, req.count));
      } catch (err) {
        const modicon = modiconLookalike(req.table, req.address);
        const error = describeModbusError(
          device.label,
          readName(req.table, req.address, req.count),
          err,
          this.connection.serves,
          modicon === undefined ? undefined : modiconHint(req.address, modicon),
        );
        const reason = mode === 'once' ? error.message : undefined;
        // A read cut by a drop that another unit's failure (or a stop) made is no failure of this device.
        const dropped = droppedUnderIt(err);
        if (mode === 'poll' && !dropped) {
          if (error.code === 'DEVICE_EXCEPTION') device.onRefused(req, error.message);
          else device.onFailure(error.message, error.code);
        }
        for (const s of badSamples(
          origin,
          req.tags.map((t) => t.tag),
          ts,
          reason,
        ))
          out.push(s);
        // A dropped connection is the connection's problem; anything else stays with this device,
        // unless no device on the connection answers any more (a half-open socket): then reconnect.
        if (
          !dropped &&
          (error.code === 'DEVICE_UNREACHABLE' ||
            (error.code === 'DEVICE_TIMEOUT' && this.devices.every((d) => d.failures.count > 0)))
        )
          await this.connection.close(error.message);
        if (error.code !== 'DEVICE_EXCEPTION') {
          // The group's later reads are not sent: each of their tags says so, naming its own read (regression: they
          // carried the failed read's reason, which names another register).
          const done = new Set(out.map((s) => s.channel));
          const failed = readName(req.table, req.address, req.count);
          const why = error.message.slice(`${device.label}: ${failed}: `.length);
          for (const later of group.requests.slice(group.requests.indexOf(req) + 1)) {
            const untried =
              mode === 'once'
                ? `${device.label}: ${readName(later.table, later.address, later.count)}: not sent, ` +
                  `since ${failed} before it failed: ${why}`
                : undefined;
            const tags = later.tags.map((t) => t.tag).filter((t) => !done.has(t.channel));
            for (const s of badSamples(origin, tags, ts, untried)) out.push(s);
          }
          break;
        }
      }
    }
    return out;
  }

  /** Counts samples in linewatch_samples_total by quality (good, else bad); returns them. */
  private counted(samples: Sample[]): Sample[] {
    const good = samples.reduce((n, s) => (s.quality === 'good' ? n + 1 : n), 0);
    if (good > 0) this.deps.metrics.samples.inc({ source: this.name, quality: 'good' }, good);
    if (samples.length > good)
      this.deps.metrics.samples.inc({ source: this.name, quality: 'bad' }, samples.length - good);
    return samples;
  }

  private origin(device: PolledDevice): SampleOrigin {
    return { source: this.name, asset: device.config.asset };
  }
}
