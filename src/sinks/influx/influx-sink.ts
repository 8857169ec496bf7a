/**
 * InfluxDB sink (line protocol over HTTP /write: 1.x, and the v1-compatible API of 2.x and 3.x, with basic auth or
 * a token in `Authorization: Token …`), behind
 * the durable store-and-forward queue. write() puts lines in the queue (raw samples, scores and
 * alarm events in their eviction classes); a flush loop takes batches of `batch_size` lines and
 * settles each one:
 *   2xx                      accepted
 *   400, 422 (bad points)    accepted; the points InfluxDB says it dropped (`dropped=N`, else all)
 *                            are counted as dropped: retrying cannot help. InfluxDB writes the good
 *                            points of a partial write itself (1.x answers 400, 2.x 422). A 400 or 422
 *                            whose body is not a JSON object (a proxy's page) is not InfluxDB's: kept, as 404
 *   401, 403                 kept and retried with backoff: an expired password or token or a missing
 *                            grant is fixed by a person, one clear error says which user (or the token) and grant;
 *                            with token_file, the file is read again first, and where it holds a new token (a secret
 *                            rotated in place) the batch is sent again with it at once, once
 *   404                      kept and retried with backoff; where the body says the database is
 *                            missing, it is created again if create_database allows, else one
 *                            error names the database and the URL that answered 404 (a 2.x bucket
 *                            without a mapping, a proxy in front of something else)
 *   413 (batch too large)    split in halves, each sent on its own (one line too large: dropped; one line
 *                            refused by a page, not InfluxDB's JSON: a proxy's limit, kept and retried)
 *   3xx (a redirect)         not followed: kept and retried, one error names where it pointed
 *   any other answer         kept and retried, after the server's Retry-After where given (429,
 *   (408, 429, 5xx, ...)     503), else with backoff; so are network errors and timeouts.
 * Only the first ERROR_BODY_BYTES of an error answer are read. Points are idempotent in InfluxDB
 * (same series and timestamp overwrite), so a batch sent again after a lost answer does not count
 * twice. A failure of the queue itself is logged, counted and retried with backoff (queue-failures).
 * Before the first write, and after a write finds the database gone, the database is created where create_database
 * asks for it (database-setup.ts), on the same URL (its path kept: influx-http.ts) and credentials.
 */
import { backoffMs } from '../../core/backoff.js';
import { gzipSync } from 'node:zlib';
import type { DurableQueue, QueueStats } from '../../buffer/queue.js';
import { acceptOrKeep, QueueFailures, queuedRecords } from '../../buffer/queue-failures.js';
import { QueueEvictions } from '../../buffer/queue-evictions.js';
import { readBodyStart } from '../../core/http-body.js';
import type { Sink, SinkRecords } from '../../core/components.js';
import type { InfluxConfig } from './schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { ensureDatabase, refusalMessage } from './database-setup.js';
import { credentialHeaders, influxUrl } from './influx-http.js';
import { FileToken } from './token-file.js';
import type { SeriesTags } from './line-protocol.js';
import { queueItems, RawDecimator } from './queue-items.js';
import { RequestsUnderWay } from './requests-under-way.js';
import { ERROR_BODY_BYTES, judgeAnswer, retryAfterMs } from './write-answer.js';

export { retryAfterMs };

type Outcome = { kind: 'ok' } | { kind: 'rejected'; dropped: number } | { kind: 'retry' };

/**
 * The most a stop waits for InfluxDB (close: its last flush, a write already under way included): timeout_ms, or
 * STOP_FLUSH_MAX_MS where that is longer; then the write is aborted and what it held stays in the queue.
 */
export const STOP_FLUSH_MAX_MS = 5000;
export const stopFlushMs = (config: Pick<InfluxConfig, 'timeout_ms'>): number =>
  Math.min(config.timeout_ms, STOP_FLUSH_MAX_MS);

/** The wait before the next try after `failures` failed ones in a row: 500 ms after the first, doubling up to 30 s. */
const retryDelayMs = (failures: number): number => backoffMs(failures + 1, 250, 30_000);

export interface InfluxSinkDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly queue: DurableQueue;
  readonly now?: () => number;
}

export class InfluxSink implements Sink {
  readonly name = 'influxdb';
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private databaseReady = false;
  private failures = 0;
  /** Whether a write was accepted since start (the first is logged). */
  private written = false;
  private retryAt = 0;
  private lastError: string | undefined;
  /** The last refusal of database setup warned of: the same one is not warned of again. */
  private setupWarning: string | undefined;
  /** Since when writes have been kept for later (ms since the epoch); undefined while they are delivered. */
  private failingSince: number | undefined;
  private closed = false;
  /** Its requests, aborted when a stop's bound (stopFlushMs) passes: every one under way or to come ends at once. */
  private readonly requests = new RequestsUnderWay();
  /** The queue's evictions at its byte bound, counted and told once. */
  private readonly evictions: QueueEvictions;
  /** Raw samples kept per channel, for downsampling (raw_interval_ms). */
  private readonly decimator: RawDecimator;
  private readonly queueFailures: QueueFailures;
  /** The token writes send: token, or token_file's, read again when InfluxDB refuses it. */
  private readonly token: FileToken;
  /** The last error reading token_file again: the same one is not logged again. */
  private tokenFileError: string | undefined;

  constructor(
    private readonly config: InfluxConfig,
    private readonly tags: SeriesTags,
    private readonly deps: InfluxSinkDeps,
  ) {
    this.queueFailures = new QueueFailures(this.name, deps);
    this.evictions = new QueueEvictions(
      this.name,
      config.buffer.max_bytes,
      'raw samples first, then scores, part results, alarms',
      deps,
    );
    this.decimator = new RawDecimator(config.raw_interval_ms);
    this.token = new FileToken(config.token, config.token_file);
  }

  /** Points waiting in the queue. */
  get buffered(): number {
    return this.deps.queue.stats().records;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.flush(), this.config.flush_interval_ms);
    this.timer.unref();
    try {
      this.updateGauges();
    } catch (err) {
      this.queueFailures.failed(err);
    }
  }

  /** Queues the records' lines: one queue entry per class and call, durable when it returns. */
  write(records: SinkRecords): void {
    if (this.closed) return;
    const samples = this.config.write_raw_samples ? this.decimator.keep(records.samples) : undefined;
    const items = queueItems(records, samples, this.tags);
    if (items.length === 0) return;
    try {
      this.deps.queue.push(items);
    } catch (err) {
      // Disk full or the queue file unwritable: count and log, keep detecting.
      const lost = items.reduce((n, i) => n + (i.count ?? 1), 0);
      this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'queue_write_failed' }, lost);
      this.deps.logger.error(
        { sink: this.name, lost },
        `influxdb queue: cannot store ${lost} points: ${(err as Error).message}`,
      );
      return;
    }
    let stats: QueueStats;
    try {
      // One look at the queue per write (the disk queue answers with a query).
      stats = this.deps.queue.stats();
    } catch (err) {
      this.queueFailures.failed(err);
      return;
    }
    this.evictions.note(stats.evicted);
    if (stats.records >= this.config.batch_size) void this.flush();
  }

  private updateGauges(): void {
    const s = this.deps.queue.stats();
    this.deps.metrics.sinkBufferedPoints.set({ sink: this.name }, s.records);
    this.deps.metrics.queueBytes.set({ sink: this.name }, s.bytes);
    this.deps.metrics.queueOldestAge.set({ sink: this.name }, s.oldestAgeMs / 1000);
  }

  /**
   * Sends queued batches until the queue is empty or a batch must wait for a retry. Never rejects:
   * a failure of the queue is reported and retried with backoff.
   */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain()
        .then(() => this.updateGauges())
        .catch((err: unknown) => this.queueFailures.failed(err))
        .finally(() => (this.flushing = undefined));
    }
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    if (now < this.retryAt || this.queueFailures.waiting) return;
    const queue = this.deps.queue;
    for (let batch = queue.take(this.config.batch_size); batch; batch = queue.take(this.config.batch_size)) {
      const outcome = await this.send(batch.items.map((i) => i.payload).join('\n'), batch.count);
      if (outcome.kind === 'retry') {
        queue.reject(batch);
        return;
      }
      acceptOrKeep(queue, batch);
      this.queueFailures.worked();
      if (outcome.kind === 'ok') this.deps.metrics.sinkPointsWritten.inc({ sink: this.name }, batch.count);
      else {
        this.deps.metrics.sinkPointsWritten.inc({ sink: this.name }, batch.count - outcome.dropped);
        this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'rejected' }, outcome.dropped);
      }
    }
  }

  /**
   * Creates the database before a write, where create_database asks for it (never with a token: 2.x and 3.x make
   * theirs with their own tools). Undefined to go on writing; a retry where InfluxDB failed in a way that may pass.
   * A refusal (a user that may not, a server that does not: database-setup.ts) is warned of once, and writing goes on.
   */
  private async ensureDatabase(): Promise<Outcome | undefined> {
    if (this.databaseReady || !this.config.create_database || this.config.token) return undefined;
    const request = this.requests.begin(); // each statement has its own timeout_ms too
    const setup = await ensureDatabase(this.config, undefined, request.signal).finally(request.done);
    if (setup.kind === 'retry')
      return this.retryLater(
        `influxdb ${this.config.url}: ${setup.statement} failed (${setup.detail})`,
        `http_${setup.status}`,
      );
    if (setup.kind === 'refused') {
      const message = refusalMessage(this.config, setup);
      if (message !== this.setupWarning)
        this.deps.logger.warn({ sink: this.name, user: this.config.username }, message);
      this.setupWarning = message;
    }
    this.databaseReady = true;
    return undefined;
  }

  /** Sends one batch, splitting it while InfluxDB answers 413 (too large). */
  private async send(body: string, lines: number): Promise<Outcome> {
    const outcome = await this.sendOnce(body, lines);
    if (outcome.kind !== 'split') return outcome;
    const all = body.split('\n');
    if (all.length <= 1) {
      this.deps.logger.error(
        { sink: this.name },
        `influxdb ${this.config.url} refused a single point as too large (413): dropped: ${body.slice(0, 200)}`,
      );
      return { kind: 'rejected', dropped: 1 };
    }
    const half = Math.ceil(all.length / 2);
    let dropped = 0;
    for (const part of [all.slice(0, half), all.slice(half)]) {
      const r = await this.send(part.join('\n'), part.length);
      if (r.kind === 'retry') return r; // the whole batch is sent again later (points are idempotent)
      if (r.kind === 'rejected') dropped += r.dropped;
    }
    return dropped > 0 ? { kind: 'rejected', dropped } : { kind: 'ok' };
  }

  private async sendOnce(body: string, lines: number, tokenReread = false): Promise<Outcome | { kind: 'split' }> {
    const request = this.requests.begin(this.config.timeout_ms);
    try {
      const notReady = await this.ensureDatabase();
      if (notReady) return notReady;
      const res = await fetch(influxUrl(this.config.url, 'write', { db: this.config.database, precision: 'ms' }), {
        method: 'POST',
        headers: {
          ...credentialHeaders(this.config, this.token.current),
          'content-type': 'text/plain; charset=utf-8',
          ...(this.config.gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body: this.config.gzip ? gzipSync(body) : body,
        redirect: 'manual', // a redirect is judged, not followed (write-answer.ts)
        signal: request.signal,
      });
      if (res.ok) {
        await res.body?.cancel().catch(() => undefined); // a proxy's 200 may carry a page: not read
        if (this.failures > 0)
          this.deps.logger.info(
            { sink: this.name, after_failures: this.failures },
            `influxdb ${this.config.url} reachable again`, // user info and query redacted by the logger
          );
        else if (!this.written)
          this.deps.logger.info({ sink: this.name }, `influxdb ${this.config.url} reachable: first points written`);
        this.written = true;
        this.failures = 0;
        this.lastError = undefined;
        this.failingSince = undefined;
        return { kind: 'ok' };
      }
      if ((res.status === 401 || res.status === 403) && !tokenReread && this.tokenRotated(res.status)) {
        await res.body?.cancel().catch(() => undefined);
        return await this.sendOnce(body, lines, true);
      }
      return await this.answered(res, lines);
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      return this.retryLater(
        `influxdb ${this.config.url} unreachable: ${cause?.message ?? (err as Error).message}`,
        'network',
      );
    } finally {
      request.done();
    }
  }

  /**
   * After a 401 or 403, with token_file: reads the file again. True where it holds a new token (the answer is counted
   * and the write is to be sent again with it); false where there is no file, it holds the same token, or it cannot be
   * used now (logged once per distinct error; the token in use stays).
   */
  private tokenRotated(status: number): boolean {
    const reread = this.token.reread();
    if (!reread || reread.kind === 'same') return false;
    const answer = `influxdb ${this.config.url} answered ${status}`;
    if (reread.kind === 'unusable') {
      if (reread.message !== this.tokenFileError)
        this.deps.logger.error(
          { sink: this.name },
          `${reread.message} (read again after ${answer}): the token read before stays in use`,
        );
      this.tokenFileError = reread.message;
      return false;
    }
    this.tokenFileError = undefined;
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: `http_${status}` });
    this.deps.logger.info(
      { sink: this.name },
      `storage.influxdb.token_file ${this.token.path}: read again after ${answer}: it holds a new token, the write is sent again with it`,
    );
    return true;
  }

  /** What an answer other than 2xx means for the batch (see the table at the top; write-answer.ts). */
  private async answered(res: Response, lines: number): Promise<Outcome | { kind: 'split' }> {
    const { status } = res;
    const { text, truncated } = await readBodyStart(res, ERROR_BODY_BYTES);
    const now = (this.deps.now ?? Date.now)();
    const verdict = judgeAnswer(
      { status, text, truncated, retryAfter: res.headers.get('retry-after'), location: res.headers.get('location') },
      lines,
      this.config,
      now,
    );
    if (verdict.kind === 'rejected') {
      this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: `http_${status}` });
      this.deps.logger.error({ sink: this.name, status, dropped: verdict.dropped }, verdict.message);
      return { kind: 'rejected', dropped: verdict.dropped };
    }
    if (verdict.kind === 'split') {
      this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: 'http_413' });
      return verdict;
    }
    if (verdict.databaseMissing) this.databaseReady = false; // created again before the next attempt, where allowed
    return this.retryLater(verdict.message, verdict.errorKind, verdict.level, verdict.afterMs);
  }

  /** Keeps the batch for later: logged once per distinct message, counted every time. */
  private retryLater(message: string, kind: string, level: 'warn' | 'error' = 'warn', afterMs?: number): Outcome {
    this.failures++;
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind });
    if (message !== this.lastError)
      this.deps.logger[level](
        { sink: this.name, queued: queuedRecords(this.deps.queue) },
        `${message}; points stay queued, retrying`,
      );
    this.lastError = message;
    this.failingSince ??= (this.deps.now ?? Date.now)();
    // The server's Retry-After, else 500 ms after the first failure, doubling up to 30 s.
    this.retryAt = (this.deps.now ?? Date.now)() + (afterMs ?? retryDelayMs(this.failures));
    return { kind: 'retry' };
  }

  /** Where its writes are kept for later now: since when and why (/api/status, /readyz). */
  failing(): { since: number; error: string } | undefined {
    return this.failingSince !== undefined && this.lastError !== undefined
      ? { since: this.failingSince, error: this.lastError }
      : undefined;
  }

  /**
   * From a failed batch until the try after it has been answered, at most: the wait before that try, then the next
   * flush (each flush_interval_ms), then its timeout (timeout_ms). 6.5 s with the defaults.
   */
  retryCycleMs(): number {
    return retryDelayMs(1) + this.config.flush_interval_ms + this.config.timeout_ms;
  }

  /**
   * Tries once more to deliver, for stopFlushMs at most (a write under way included; then aborted, its batch kept),
   * then closes the queue (a disk queue keeps the rest for the next start; a memory queue loses it).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.retryAt = 0;
    this.queueFailures.retryNow();
    const boundMs = stopFlushMs(this.config);
    const bound = setTimeout(
      () => this.requests.abortAll(new Error(`no answer within ${boundMs} ms of the stop (the stop's bound)`)),
      boundMs,
    );
    await this.flush().finally(() => clearTimeout(bound));
    const left = queuedRecords(this.deps.queue) ?? 0;
    if (left > 0)
      this.deps.logger.warn(
        { sink: this.name, queued: left },
        `influxdb ${this.config.url} unreachable at shutdown: ${left} points stay queued for the next start`,
      );
    this.deps.queue.close();
  }
}
