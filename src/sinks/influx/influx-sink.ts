/**
 * InfluxDB 1.x sink (line protocol over HTTP /write; also served by 1.8+/2.x's v1 API). Points
 * are buffered in memory up to `max_buffer_points` and written in batches of `batch_size` every
 * `flush_interval_ms`. A 4xx answer drops only that batch (logged, counted: retrying cannot
 * help); a 5xx or network error keeps it at the head and retries with backoff. When the buffer
 * is full, the oldest raw samples are dropped first, then the oldest of anything (counted).
 * The durable disk queue of the storage issue replaces the memory buffer.
 */
import { gzipSync } from 'node:zlib';
import type { Sink, SinkRecords } from '../../core/components.js';
import type { InfluxConfig } from '../../config/schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { alarmLine, sampleLine, scoreLine, type SeriesTags } from './line-protocol.js';

interface Point {
  readonly line: string;
  readonly raw: boolean;
}

export class InfluxSink implements Sink {
  readonly name = 'influxdb';
  private buffer: Point[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private databaseReady = false;
  private failures = 0;
  private retryAt = 0;
  private lastError: string | undefined;
  private closed = false;

  constructor(
    private readonly config: InfluxConfig,
    private readonly tags: SeriesTags,
    private readonly deps: { logger: Logger; metrics: GatewayMetrics; now?: () => number },
  ) {}

  get buffered(): number {
    return this.buffer.length;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.config.flush_interval_ms);
    this.timer.unref();
  }

  write(records: SinkRecords): void {
    if (this.closed) return;
    if (this.config.write_raw_samples) for (const s of records.samples) this.push(sampleLine(s, this.tags), true);
    for (const r of records.scores) this.push(scoreLine(r, this.tags), false);
    for (const a of records.alarms) this.push(alarmLine(a, this.tags), false);
    this.enforceBound();
    this.deps.metrics.sinkBufferedPoints.set({ sink: this.name }, this.buffer.length);
    if (this.buffer.length >= this.config.batch_size) void this.flush().catch(() => undefined);
  }

  private push(line: string | undefined, raw: boolean): void {
    if (line) this.buffer.push({ line, raw });
  }

  private enforceBound(): void {
    const excess = this.buffer.length - this.config.max_buffer_points;
    if (excess <= 0) return;
    let toDrop = excess;
    const kept: Point[] = [];
    for (const p of this.buffer) {
      if (toDrop > 0 && p.raw) toDrop--;
      else kept.push(p);
    }
    if (toDrop > 0) kept.splice(0, toDrop);
    this.buffer = kept;
    this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'buffer_full' }, excess);
    this.deps.logger.warn({ sink: this.name, dropped: excess }, `influxdb buffer full (${this.config.max_buffer_points} points): dropped the ${excess} oldest points, raw samples first`);
  }

  /** Writes everything buffered, batch by batch; stops at the first retryable failure. */
  flush(): Promise<void> {
    if (!this.flushing) this.flushing = this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    if (now < this.retryAt) return;
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.config.batch_size);
      const outcome = await this.send(batch.map((p) => p.line).join('\n'));
      if (outcome === 'retry') return;
      this.buffer.splice(0, batch.length);
      this.deps.metrics.sinkBufferedPoints.set({ sink: this.name }, this.buffer.length);
      if (outcome === 'ok') this.deps.metrics.sinkPointsWritten.inc({ sink: this.name }, batch.length);
      else this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'rejected' }, batch.length);
    }
  }

  private url(path: string, params: Record<string, string>): string {
    const u = new URL(path, this.config.url.endsWith('/') ? this.config.url : `${this.config.url}/`);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  }

  private headers(): Record<string, string> {
    if (!this.config.username) return {};
    return { authorization: `Basic ${Buffer.from(`${this.config.username}:${this.config.password ?? ''}`).toString('base64')}` };
  }

  private async ensureDatabase(): Promise<void> {
    if (this.databaseReady) return;
    const res = await fetch(this.url('query', { q: `CREATE DATABASE "${this.config.database.replace(/"/g, '\\"')}"` }), {
      method: 'POST',
      headers: this.headers(),
      signal: AbortSignal.timeout(this.config.timeout_ms),
    });
    if (!res.ok) throw new Error(`CREATE DATABASE answered ${res.status} ${(await res.text()).slice(0, 200)}`);
    this.databaseReady = true;
  }

  private async send(body: string): Promise<'ok' | 'rejected' | 'retry'> {
    try {
      await this.ensureDatabase();
      const res = await fetch(this.url('write', { db: this.config.database, precision: 'ms' }), {
        method: 'POST',
        headers: { ...this.headers(), 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' },
        body: gzipSync(body),
        signal: AbortSignal.timeout(this.config.timeout_ms),
      });
      if (res.ok) {
        if (this.failures > 0) this.deps.logger.info({ sink: this.name, after_failures: this.failures }, 'influxdb reachable again');
        this.failures = 0;
        this.lastError = undefined;
        return 'ok';
      }
      const text = (await res.text()).slice(0, 300);
      if (res.status >= 400 && res.status < 500) {
        this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: `http_${res.status}` });
        this.deps.logger.error({ sink: this.name, status: res.status }, `influxdb rejected a batch (dropped, retrying cannot help): ${text}`);
        return 'rejected';
      }
      return this.retryLater(`influxdb answered ${res.status}: ${text}`, `http_${res.status}`);
    } catch (err) {
      return this.retryLater(`influxdb ${this.config.url} unreachable: ${(err as Error).cause ? String(((err as Error).cause as Error).message ?? (err as Error).cause) : (err as Error).message}`, 'network');
    }
  }

  private retryLater(message: string, kind: string): 'retry' {
    this.failures++;
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind });
    if (message !== this.lastError) this.deps.logger.warn({ sink: this.name, buffered: this.buffer.length }, `${message}; keeping points and retrying`);
    this.lastError = message;
    this.retryAt = (this.deps.now ?? Date.now)() + Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
    return 'retry';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.retryAt = 0;
    await this.flush();
    if (this.buffer.length > 0) this.deps.logger.error({ sink: this.name, lost: this.buffer.length }, `influxdb unreachable at shutdown: ${this.buffer.length} points were not written`);
  }
}
