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
 */
import { FailureStreak } from '../../core/backoff.js';
import ModbusSerial from 'modbus-serial';
import type { SampleHandler, Source } from '../../core/components.js';
import { LinewatchError } from '../../core/errors.js';
import type { Sample } from '../../core/types.js';
import type { ModbusSourceConfig, RegisterConfig } from './schema.js';
import { modbusDevices, type ModbusDeviceConfig } from './devices.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import {
  compileDecoder,
  decodeText,
  encodeRegisters,
  encodeText,
  fitText,
  fromEngineering,
  type ByteOrder,
  type RegisterDecoder,
  type RegisterType,
  type TagType,
} from './encoding.js';
import { describeModbusError } from './errors.js';
import { isBitTable, planReads, type ReadRequest } from './request-plan.js';

/** modbus-serial is CommonJS; its `default` export is the client class itself. */
const ModbusClient = ModbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusClient>;

export interface ModbusSourceDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** A value to write: a coil (several consecutive coils: function 15), a holding register value encoded like a read, or
 * text over `length` registers. */
export type ModbusWrite =
  | { readonly table: 'coil'; readonly address: number; readonly value: boolean | readonly boolean[] }
  | {
      readonly table: 'holding';
      readonly address: number;
      readonly text: string;
      readonly length: number;
      readonly byteOrder: ByteOrder;
    }
  | {
      readonly table: 'holding';
      readonly address: number;
      readonly value: number;
      readonly type: Exclude<RegisterType, 'bit'>;
      readonly byteOrder: ByteOrder;
      readonly scale: number;
      readonly offset: number;
    };

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** The PLC-manual (Modicon) numbers of a read, counted from 1: 0xxxx coils, 1xxxx discrete inputs, 3xxxx input and
 * 4xxxx holding registers (six digits past 9999). */
export function modiconRange(table: RegisterConfig['table'], address: number, count: number): string {
  const six = address + count > 9999;
  const prefix = { coil: 0, discrete: 1, input: 3, holding: 4 }[table] * (six ? 100_000 : 10_000);
  const n = (a: number) => String(prefix + a + 1).padStart(six ? 6 : 5, '0');
  return `${n(address)}..${n(address + count - 1)}`;
}

/**
 * A tag with its decoder built once. A class, not `{ ...register, decode }`: V8 gives an object
 * literal holding a distinct closure its own hidden class, so 2,000 tags had 2,000 shapes and
 * every property read in the polling loop went megamorphic (≈0.5 µs per register, measured).
 */
class Tag {
  readonly channel: string;
  readonly table: RegisterConfig['table'];
  readonly address: number;
  readonly type: TagType;
  readonly length: number | undefined;
  readonly unit: string | undefined;
  readonly scale: number;
  readonly offset: number;
  readonly decode: RegisterDecoder;
  /** Set for `string` tags, whose samples carry text (value NaN). */
  readonly decodeText: ((words: readonly number[], offset: number) => string) | undefined;
  readonly pollIntervalMs: number | undefined;

  constructor(register: RegisterConfig) {
    this.channel = register.channel;
    this.table = register.table;
    this.address = register.address;
    this.type = register.type;
    this.length = register.length;
    this.unit = register.unit;
    this.scale = register.scale;
    this.offset = register.offset;
    const type = register.type;
    if (type === 'string') {
      const length = register.length ?? 1;
      this.decode = () => Number.NaN;
      this.decodeText = (w, o) => decodeText(w, o, length, register.byte_order);
    } else {
      this.decode = isBitTable(register.table)
        ? (w, o) => (w[o] ? 1 : 0)
        : compileDecoder(type, register.byte_order, register.bit);
      this.decodeText = undefined;
    }
    this.pollIntervalMs = register.poll_interval_ms;
  }
}

interface PollGroup {
  readonly intervalMs: number;
  readonly tags: readonly Tag[];
  readonly requests: readonly ReadRequest<Tag>[];
}

/** One unit id on the connection, with its own queue and health. */
class Device {
  readonly groups: PollGroup[];
  readonly label: string;
  readonly failures: FailureStreak;
  nextAttemptAt = 0;
  queuedWrites = 0;
  /** Whether a read has been answered yet: linewatch_device_up is set to 1 at the first. */
  answered = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly config: ModbusDeviceConfig,
    source: string,
    where: string,
    random: () => number,
  ) {
    this.label = `device ${source} (${where}, unit ${config.unitId})`;
    this.failures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, random);
    const byInterval = new Map<number, Tag[]>();
    for (const register of config.registers) {
      const tag = new Tag(register);
      const interval = tag.pollIntervalMs ?? config.pollIntervalMs;
      byInterval.set(interval, [...(byInterval.get(interval) ?? []), tag]);
    }
    this.groups = [...byInterval]
      .sort(([a], [b]) => a - b)
      .map(([intervalMs, tags]) => ({ intervalMs, tags, requests: planReads(tags, config.maxGapRegisters) }));
  }

  /** Runs `fn` after every poll or write queued before it on this device. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

export class ModbusSource implements Source {
  readonly name: string;
  private readonly devices: Device[];
  private readonly where: string;
  /** The connection in messages: "device plc (10.0.0.5:502, unit 1)" or "(..., units 1, 2)". */
  private readonly label: string;
  private readonly oneAtATime: boolean;
  private client: ModbusClient | undefined;
  private connecting: Promise<void> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private readonly connectFailures: FailureStreak;
  private nextConnectAt = 0;
  private line: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly config: ModbusSourceConfig,
    private readonly deps: ModbusSourceDeps,
  ) {
    this.name = config.name;
    this.where =
      config.type === 'modbus_rtu'
        ? `${config.path} ${config.baud_rate} ${config.data_bits}${config.parity[0].toUpperCase()}${config.stop_bits}`
        : `${config.host}:${config.port}${config.type === 'modbus_rtu_tcp' ? ' RTU' : ''}`;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.connectFailures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, this.random);
    this.devices = modbusDevices(config).map((d) => new Device(d, config.name, this.where, this.random));
    const units = this.devices.map((d) => d.config.unitId);
    this.label = `device ${config.name} (${this.where}, unit${units.length > 1 ? 's' : ''} ${units.join(', ')})`;
    this.oneAtATime = config.type !== 'modbus_tcp';
  }

  /** Read requests per poll of every group, after planning. */
  get requestCount(): number {
    return this.devices.reduce((n, d) => n + d.groups.reduce((m, g) => m + g.requests.length, 0), 0);
  }

  private connectionCount = 0;
  private connectAttempts = 0;

  /** How many times its connection was made (Source.connections). */
  get connections(): number {
    return this.connectionCount;
  }

  get connected(): boolean {
    return this.client?.isOpen ?? false;
  }

  async start(onBatch: SampleHandler): Promise<void> {
    this.running = true;
    for (const device of this.devices) {
      for (const group of device.groups) {
        const loop = async () => {
          if (!this.running) return;
          const started = this.now();
          const batch = await device.exclusive(() => this.pollGroup(device, group));
          if (!this.running) return;
          if (batch.length > 0) onBatch(batch);
          const took = this.now() - started;
          const skipped = took > group.intervalMs ? Math.ceil(took / group.intervalMs) - 1 : 0;
          if (skipped > 0)
            this.deps.metrics.sourceDropped.inc(
              { source: this.name, unit: String(device.config.unitId), kind: 'poll' },
              skipped,
            );
          this.schedule(loop, Math.max(0, group.intervalMs - took));
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
      await this.connect().catch((err: unknown) => {
        throw describeModbusError(this.label, 'connect', err);
      });
      const out: Sample[] = [];
      for (const device of this.devices)
        for (const group of device.groups) out.push(...(await this.readGroup(device, group, this.now(), 'once')));
      return out;
    } finally {
      await this.close();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.close();
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
          `${this.label}: no unit ${unitId} on this connection (units: ${this.devices.map((d) => d.config.unitId).join(', ')})`,
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
        const coils = target.table === 'coil' && typeof target.value !== 'boolean' ? target.value : undefined;
        const what = coils
          ? `write coils ${target.address}..${target.address + coils.length - 1}`
          : `write ${target.table === 'coil' ? 'coil' : 'holding register'} ${target.address}`;
        try {
          if (!this.connected) await this.connect();
          const unit = device.config.unitId;
          if (coils) await this.request(device, (c, cb) => c.writeFC15(unit, target.address, [...coils], cb));
          else if (target.table === 'coil')
            await this.request(device, (c, cb) => c.writeFC5(unit, target.address, target.value as boolean, cb));
          else if ('text' in target) {
            const words = encodeText(fitText(target.text, target.length * 2), target.length, target.byteOrder);
            await this.request(device, (c, cb) => c.writeFC16(unit, target.address, words, cb));
          } else {
            const words = encodeRegisters(
              fromEngineering(target.value, target.scale, target.offset),
              target.type,
              target.byteOrder,
            );
            if (words.length === 1)
              await this.request(device, (c, cb) => c.writeFC6(unit, target.address, words[0], cb));
            else await this.request(device, (c, cb) => c.writeFC16(unit, target.address, words, cb));
          }
        } catch (err) {
          const error = describeModbusError(device.label, what, err);
          if (error.code === 'DEVICE_UNREACHABLE') await this.close();
          throw error;
        }
      })
      .finally(() => device.queuedWrites--);
  }

  /** One request on the line (one at a time on serial lines), with this device's timeout. */
  private request<T>(
    device: Device,
    send: (client: ModbusClient, cb: (err: unknown, res: T) => void) => void,
  ): Promise<T> {
    const run = () =>
      new Promise<T>((resolve, reject) => {
        const client = this.client;
        if (!client?.isOpen) return reject(Object.assign(new Error('Port Not Open'), { code: 'ECONNRESET' }));
        // The timeout is read when the request is sent (synchronously), so per-device values do not race.
        client.setTimeout(device.config.timeoutMs);
        send(client, (err, res) => (err ? reject(err) : resolve(res)));
      });
    if (!this.oneAtATime) return run();
    const done = this.line.then(run, run);
    this.line = done.catch(() => undefined);
    return done;
  }

  private async pollGroup(device: Device, group: PollGroup): Promise<Sample[]> {
    const ts = this.now();
    // A device in backoff costs the line nothing; its tags show the gap.
    if (ts < device.nextAttemptAt) return this.badSamples(device, group.tags, ts);
    if (!this.connected) {
      if (ts < this.nextConnectAt) return this.badSamples(device, group.tags, ts);
      try {
        await (this.connecting ??= this.connect().finally(() => (this.connecting = undefined)));
      } catch (err) {
        this.onConnectFailure(describeModbusError(this.label, 'connect', err).message);
        return this.badSamples(device, group.tags, ts);
      }
    }
    const samples = await this.readGroup(device, group, ts, 'poll');
    this.deps.metrics.sourcePolls.inc({ source: this.name });
    return samples;
  }

  private async connect(): Promise<void> {
    await this.close();
    const client = new ModbusClient();
    // The first attempt is a connect; every later one (after a refused or dropped connection) a reconnect.
    if (this.connectAttempts++ > 0) this.deps.metrics.sourceReconnects.inc({ source: this.name });
    const c = this.config;
    if (c.type === 'modbus_tcp') await client.connectTCP(c.host, { port: c.port });
    else if (c.type === 'modbus_rtu_tcp') await client.connectTcpRTUBuffered(c.host, { port: c.port });
    else
      await client.connectRTUBuffered(c.path, {
        baudRate: c.baud_rate,
        parity: c.parity,
        dataBits: c.data_bits,
        stopBits: c.stop_bits,
      });
    client.setID(this.devices[0].config.unitId);
    this.client = client;
    this.connectionCount++;
    this.deps.metrics.sourceConnected.set({ source: this.name }, 1);
    const failures = this.connectFailures.end();
    if (failures > 0)
      this.deps.logger.info({ source: this.name, after_failures: failures }, `${this.label}: connected again`);
  }

  /**
   * Drops the connection. destroy(), not close(): a close waits for the device to end its side,
   * and a device that has stopped answering never does (regression: a silent PLC hung the poll
   * loop for good).
   */
  private async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.deps.metrics.sourceConnected.set({ source: this.name }, 0);
    if (!client?.isOpen) return;
    // A serial port is closed (which releases its lock); a socket is destroyed.
    if (this.config.type === 'modbus_rtu') await new Promise<void>((resolve) => client.close(() => resolve()));
    else await new Promise<void>((resolve) => client.destroy(() => resolve()));
  }

  /**
   * Reads a poll group's requests. A failed request's tags come back bad; in `once` mode (readOnce) each carries the
   * reason, and the device is neither logged nor backed off.
   */
  private async readGroup(device: Device, group: PollGroup, ts: number, mode: 'poll' | 'once'): Promise<Sample[]> {
    const out: Sample[] = [];
    const unit = device.config.unitId;
    let good = 0;
    for (const req of group.requests) {
      const what = `read ${req.table === 'coil' ? 'coils' : req.table === 'discrete' ? 'discrete inputs' : `${req.table} registers`} ${req.address}..${req.address + req.count - 1} (${modiconRange(req.table, req.address, req.count)})`;
      try {
        const res = await this.request<{ data: readonly (number | boolean)[] }>(device, (c, cb) => {
          if (req.table === 'holding') c.writeFC3(unit, req.address, req.count, cb);
          else if (req.table === 'input') c.writeFC4(unit, req.address, req.count, cb);
          else if (req.table === 'coil') c.writeFC1(unit, req.address, req.count, cb as never);
          else c.writeFC2(unit, req.address, req.count, cb as never);
        });
        const received = this.now();
        const data = res.data as readonly number[];
        const tags = req.tags;
        // The hot path of polling: one typed sample per tag, no intermediate arrays.
        for (let i = 0; i < tags.length; i++) {
          const { tag, offset } = tags[i];
          if (tag.decodeText) {
            good++;
            out.push({
              source: this.name,
              asset: device.config.asset,
              channel: tag.channel,
              ts,
              received,
              value: Number.NaN,
              quality: 'good',
              unit: tag.unit,
              text: tag.decodeText(data, offset),
            });
            continue;
          }
          const value = tag.decode(data, offset) * tag.scale + tag.offset;
          const ok = value - value === 0; // finite
          if (ok) good++;
          out.push({
            source: this.name,
            asset: device.config.asset,
            channel: tag.channel,
            ts,
            received,
            value,
            quality: ok ? 'good' : 'bad',
            unit: tag.unit,
          });
        }
        if (device.failures.count > 0) this.onDeviceRecovered(device);
        else if (!device.answered) this.setDeviceUp(device, 1);
        device.answered = true;
      } catch (err) {
        const error = describeModbusError(device.label, what, err);
        const reason = mode === 'once' ? error.message : undefined;
        if (mode === 'poll') this.onDeviceFailure(device, error.message, error.code);
        for (const s of this.badSamples(
          device,
          req.tags.map((t) => t.tag),
          ts,
          reason,
        ))
          out.push(s);
        // A dropped connection is the connection's problem; anything else stays with this device,
        // unless no device on the connection answers any more (a half-open socket): then reconnect.
        if (
          error.code === 'DEVICE_UNREACHABLE' ||
          (error.code === 'DEVICE_TIMEOUT' && this.devices.every((d) => d.failures.count > 0))
        )
          await this.close();
        if (error.code !== 'DEVICE_EXCEPTION') {
          const done = new Set(out.map((s) => s.channel));
          for (const s of this.badSamples(
            device,
            group.tags.filter((t) => !done.has(t.channel)),
            ts,
            reason,
          ))
            out.push(s);
          break;
        }
      }
    }
    if (good > 0) this.deps.metrics.samples.inc({ source: this.name, quality: 'good' }, good);
    if (out.length > good) this.deps.metrics.samples.inc({ source: this.name, quality: 'bad' }, out.length - good);
    return out;
  }

  private badSamples(device: Device, tags: readonly Tag[], ts: number, reason?: string): Sample[] {
    return tags.map((t) => ({
      source: this.name,
      asset: device.config.asset,
      channel: t.channel,
      ts,
      value: Number.NaN,
      quality: 'bad' as const,
      unit: t.unit,
      ...(reason !== undefined ? { reason } : {}),
    }));
  }

  /** Logs a device failure once per distinct message, counts every one, and backs the device off. */
  private onDeviceFailure(device: Device, message: string, kind: string): void {
    const fresh = device.failures.fail(message);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind });
    this.setDeviceUp(device, 0);
    if (fresh)
      this.deps.logger.warn(
        { source: this.name, unit: device.config.unitId, failures: device.failures.count },
        message,
      );
    if (kind !== 'DEVICE_EXCEPTION') device.nextAttemptAt = this.now() + device.failures.delayMs();
  }

  private onDeviceRecovered(device: Device): void {
    this.deps.logger.info(
      { source: this.name, unit: device.config.unitId, after_failures: device.failures.end() },
      `${device.label}: answers again`,
    );
    device.nextAttemptAt = 0;
    this.setDeviceUp(device, 1);
  }

  private setDeviceUp(device: Device, up: 0 | 1): void {
    this.deps.metrics.deviceUp.set({ source: this.name, unit: String(device.config.unitId) }, up);
  }

  private onConnectFailure(message: string): void {
    const fresh = this.connectFailures.fail(message);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'connect' });
    if (fresh) this.deps.logger.warn({ source: this.name, failures: this.connectFailures.count }, message);
    this.nextConnectAt = this.now() + this.connectFailures.delayMs();
  }
}
