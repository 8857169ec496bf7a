/**
 * A Modbus source (TCP, RTU over a serial line, or RTU over TCP): polls one device on a fixed interval with the
 * fewest read requests, decodes the register map and delivers one batch of samples per poll.
 * Polls never overlap. A failed poll delivers the affected tags as `bad` samples (so windows see
 * the gap) and the connection is re-opened with exponential backoff and jitter.
 *
 * Writes (alarm actions: stack lights, reject gates) use the same connection. Polls and writes
 * run one at a time through one lock, so a write waits at most for the poll in progress.
 */
import { backoffMs, jittered } from '../../core/backoff.js';
import ModbusSerial from 'modbus-serial';
import type { SampleHandler, Source } from '../../core/components.js';
import type { Sample } from '../../core/types.js';
import type { ModbusSourceConfig, RegisterConfig } from '../../config/schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { decodeRegisters, encodeRegisters, fromEngineering, registerCount, toEngineering, type ByteOrder, type RegisterType } from './encoding.js';
import { describeModbusError } from './errors.js';
import { planReads, type ReadRequest } from './request-plan.js';

type Tag = RegisterConfig;
/** modbus-serial is CommonJS; its `default` export is the client class itself. */
const ModbusClient = ModbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusClient>;

export interface ModbusSourceDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** A value to write: a coil, or a holding register value encoded like a read. */
export type ModbusWrite =
  | { readonly table: 'coil'; readonly address: number; readonly value: boolean }
  | { readonly table: 'holding'; readonly address: number; readonly value: number; readonly type: Exclude<RegisterType, 'bit'>; readonly byteOrder: ByteOrder; readonly scale: number; readonly offset: number };

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export class ModbusSource implements Source {
  readonly name: string;
  private readonly plan: ReadRequest<Tag>[];
  private readonly device: string;
  private client: ModbusClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private failures = 0;
  private nextConnectAt = 0;
  private lastError: string | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: ModbusSourceConfig,
    private readonly deps: ModbusSourceDeps,
  ) {
    this.name = config.name;
    this.plan = planReads(config.registers, config.max_gap_registers);
    const where = config.type === 'modbus_rtu' ? `${config.path} ${config.baud_rate} ${config.data_bits}${config.parity[0].toUpperCase()}${config.stop_bits}` : `${config.host}:${config.port}${config.type === 'modbus_rtu_tcp' ? ' RTU' : ''}`;
    this.device = `device ${config.name} (${where}, unit ${config.unit_id})`;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  /** Read requests per poll, after planning. */
  get requestCount(): number {
    return this.plan.length;
  }

  get connected(): boolean {
    return this.client?.isOpen ?? false;
  }

  async start(onBatch: SampleHandler): Promise<void> {
    this.running = true;
    const loop = async () => {
      if (!this.running) return;
      const started = this.now();
      const batch = await this.exclusive(() => this.poll());
      if (!this.running) return;
      if (batch.length > 0) onBatch(batch);
      const delay = Math.max(0, this.config.poll_interval_ms - (this.now() - started));
      this.timer = setTimeout(loop, delay);
    };
    this.timer = setTimeout(loop, 0);
  }

  async readOnce(): Promise<Sample[]> {
    try {
      await this.connect().catch((err: unknown) => {
        throw describeModbusError(this.device, 'connect', err);
      });
      return await this.readAll(this.now(), true);
    } finally {
      await this.close();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.close();
  }

  /** Runs `fn` when no other poll or write is in progress. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes a coil or holding register (function 5, 6 or 16), connecting first if needed.
   * Rejects with an error naming the device and address; the caller retries.
   */
  write(target: ModbusWrite): Promise<void> {
    return this.exclusive(async () => {
      const what = target.table === 'coil' ? `write coil ${target.address}` : `write holding register ${target.address}`;
      try {
        if (!this.connected) await this.connect();
        const client = this.client!;
        if (target.table === 'coil') await client.writeCoil(target.address, target.value);
        else {
          const words = encodeRegisters(fromEngineering(target.value, target.scale, target.offset), target.type, target.byteOrder);
          if (words.length === 1) await client.writeRegister(target.address, words[0]);
          else await client.writeRegisters(target.address, words);
        }
      } catch (err) {
        const error = describeModbusError(this.device, what, err);
        if (error.code !== 'DEVICE_EXCEPTION') await this.close();
        throw error;
      }
    });
  }

  private async poll(): Promise<Sample[]> {
    const ts = this.now();
    if (!this.connected) {
      if (ts < this.nextConnectAt) return this.badSamples(this.config.registers, ts);
      try {
        await this.connect();
      } catch (err) {
        this.onFailure(describeModbusError(this.device, 'connect', err).message, 'connect');
        return this.badSamples(this.config.registers, ts);
      }
    }
    const samples = await this.readAll(ts, false);
    this.deps.metrics.sourcePolls.inc({ source: this.name });
    return samples;
  }

  private async connect(): Promise<void> {
    await this.close();
    const client = new ModbusClient();
    this.deps.metrics.sourceReconnects.inc({ source: this.name });
    const c = this.config;
    if (c.type === 'modbus_tcp') await client.connectTCP(c.host, { port: c.port });
    else if (c.type === 'modbus_rtu_tcp') await client.connectTcpRTUBuffered(c.host, { port: c.port });
    else await client.connectRTUBuffered(c.path, { baudRate: c.baud_rate, parity: c.parity, dataBits: c.data_bits, stopBits: c.stop_bits });
    client.setID(this.config.unit_id);
    client.setTimeout(this.config.timeout_ms);
    this.client = client;
    this.deps.metrics.sourceConnected.set({ source: this.name }, 1);
    if (this.failures > 0) this.deps.logger.info({ source: this.name, after_failures: this.failures }, `${this.device}: connected again`);
    this.failures = 0;
    this.lastError = undefined;
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

  private async readAll(ts: number, throwOnError: boolean): Promise<Sample[]> {
    const out: Sample[] = [];
    for (const req of this.plan) {
      const what = `read ${req.table} registers ${req.address}..${req.address + req.count - 1}`;
      try {
        const client = this.client!;
        const res = req.table === 'holding' ? await client.readHoldingRegisters(req.address, req.count) : await client.readInputRegisters(req.address, req.count);
        const received = this.now();
        for (const { tag, offset } of req.tags) out.push({ ...this.decode(tag, res.data, offset, ts), received });
      } catch (err) {
        const error = describeModbusError(this.device, what, err);
        if (throwOnError) throw error;
        this.onFailure(error.message, error.code);
        out.push(...this.badSamples(req.tags.map((t) => t.tag), ts));
        if (error.code !== 'DEVICE_EXCEPTION') {
          await this.close();
          break;
        }
      }
    }
    for (const s of out) this.deps.metrics.samples.inc({ source: this.name, quality: s.quality });
    return out;
  }

  private decode(tag: Tag, words: readonly number[], offset: number, ts: number): Sample {
    const count = registerCount(tag.type);
    const raw = decodeRegisters(words.slice(offset, offset + count), tag.type, tag.byte_order, tag.bit);
    const value = toEngineering(raw, tag.scale, tag.offset);
    return { source: this.name, asset: this.config.asset, channel: tag.channel, ts, value, quality: Number.isFinite(value) ? 'good' : 'bad', unit: tag.unit };
  }

  private badSamples(tags: readonly Tag[], ts: number): Sample[] {
    return tags.map((t) => ({ source: this.name, asset: this.config.asset, channel: t.channel, ts, value: Number.NaN, quality: 'bad' as const, unit: t.unit }));
  }

  /** Logs a failure once per distinct message, counts every one, and schedules the reconnect. */
  private onFailure(message: string, kind: string): void {
    this.failures++;
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind });
    if (message !== this.lastError) this.deps.logger.warn({ source: this.name, failures: this.failures }, message);
    this.lastError = message;
    this.nextConnectAt = this.now() + jittered(backoffMs(this.failures, BACKOFF_MIN_MS, BACKOFF_MAX_MS), this.random);
  }
}
