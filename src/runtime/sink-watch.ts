/**
 * Whether each sink delivers, as /api/status and /readyz show it (the walk: a two-minute InfluxDB outage left them all
 * 200 ok). A sink that says why its writes fail (`Sink.failing`: the local store, InfluxDB, the cloud broker) is
 * taken at its word. For one that does not, its queue says it: a batch rejected (not delivered, kept to be sent
 * again) makes it unreachable, one accepted reachable again; and where its write errors grow between two looks with
 * nothing delivered (a broker that went offline, so nothing is even taken from the queue), it is unreachable since
 * that look. Each look also exports the queue's depth, bytes and oldest age for every queued sink, whichever its type.
 *
 * /api/status says a failure at once. /readyz gives a sink whose failed writes wait in its queue to be sent again
 * (`Sink.retryCycleMs`: InfluxDB, the cloud broker) a grace of `graceRetries` of its retry cycles from the failure
 * (http.readyz_grace_retries, default 1), so one failed batch the next try delivers does not make a readiness probe
 * flap; a sink without a retry cycle (the local store, whose failure an operator's command already meets with 503)
 * counts from its first failure.
 */
import type { DurableQueue, QueueBatch, QueueInput, QueueStats } from '../buffer/queue.js';
import type { Sink, SinkCommandsDropped, SinkPacketLimit, SinkRefusedClients } from '../core/components.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

export interface SinkStatus {
  readonly name: string;
  /** false while its writes fail (InfluxDB or the broker down, the local store's disk full). */
  readonly reachable: boolean;
  /** Since when it has been unreachable, or reachable again (ms since the epoch); absent: since start. */
  readonly since?: number;
  /** Why, where the sink says (the API redacts credentials as the logs do). */
  readonly lastError?: string;
  /** What failed, where the sink does not say why: the kind of its last write errors (`network`, `http_503`...). */
  readonly lastErrorKind?: string;
  /**
   * Unreachable for less than its grace (`graceRetries` of its retry cycles from `since`): until when (ms since the
   * epoch) /readyz still counts it as delivering. Absent otherwise.
   */
  readonly readyzGraceUntil?: number;
  /** What waits in its queue, for a sink behind one. */
  readonly queued?: { readonly points: number; readonly bytes: number; readonly oldestAgeS: number };
  /**
   * For a sink that journals alarms: the transitions it dropped unjournaled since the gateway started, of how many
   * alarms, between which transition times (ms since the epoch); absent where none. Stays after the sink recovers:
   * the journal's history has a gap there (the local store records it, per alarm, in alarm_journal_gaps).
   */
  readonly journalGap?: {
    readonly dropped: number;
    readonly alarms: number;
    readonly from: number;
    readonly to: number;
  };
  /** For the cloud sync: what its broker's packet limit kept back (set aside, or the queue held); absent where none. */
  readonly packetLimit?: SinkPacketLimit;
  /** For a sink that takes commands (Sparkplug): those dropped undecoded since the start; absent where none. */
  readonly commandsDropped?: SinkCommandsDropped;
  /** For the OPC UA server: the client certificates it refused since the start; absent where none. */
  readonly refusedClients?: SinkRefusedClients;
}

/** A sink's queue, passed through, noting each batch delivered (accepted) or not (rejected). */
export class WatchedQueue implements DurableQueue {
  /** The outcome of the last batch and when; undefined before any. */
  last: { delivered: boolean; ts: number } | undefined;
  /** Batches accepted so far. */
  accepted = 0;

  constructor(
    private readonly queue: DurableQueue,
    private readonly now: () => number = Date.now,
  ) {}

  push(items: readonly QueueInput[]): void {
    this.queue.push(items);
  }
  take(maxRecords: number, maxBytes?: number): QueueBatch | undefined {
    return this.queue.take(maxRecords, maxBytes);
  }
  accept(batch: QueueBatch): void {
    this.queue.accept(batch);
    this.accepted++;
    this.note(true);
  }
  reject(batch: QueueBatch): void {
    this.queue.reject(batch);
    this.note(false);
  }
  stats(): QueueStats {
    return this.queue.stats();
  }
  close(): void {
    this.queue.close();
  }

  /** Notes the outcome; the time only where it changes (since when it has been so). */
  note(delivered: boolean, ts = this.now()): void {
    if (this.last?.delivered !== delivered) this.last = { delivered, ts };
  }
}

/** One sink's delivery, from its queue (if any) and its write errors. */
export class SinkWatch {
  private errors: Map<string, number> | undefined;
  private acceptedAtLook = 0;
  private errorKind: string | undefined;
  private queued: SinkStatus['queued'];

  constructor(
    readonly sink: Sink,
    private readonly queue: WatchedQueue | undefined,
    private readonly metrics: GatewayMetrics,
    private readonly now: () => number = Date.now,
    /** Retry cycles of the sink's a failure may last before /readyz counts it (0: none, from the first failure). */
    private readonly graceRetries = 0,
  ) {}

  /**
   * A look (each second): write errors that grew with nothing delivered since the last look make the sink
   * unreachable; the queue's gauges are exported. Never rejects (a queue that cannot answer keeps its last figures).
   */
  async look(): Promise<void> {
    const name = this.sink.name;
    const errors = new Map<string, number>();
    for (const v of (await this.metrics.sinkWriteErrors.get()).values)
      if (v.labels.sink === name) errors.set(String(v.labels.kind), v.value);
    const grown = [...errors].filter(([kind, n]) => n > (this.errors?.get(kind) ?? 0)).map(([kind]) => kind);
    if (grown.length > 0) this.errorKind = grown[0];
    if (this.queue && this.errors && grown.length > 0 && this.queue.accepted === this.acceptedAtLook)
      this.queue.note(false);
    this.errors = errors;
    if (this.queue) this.acceptedAtLook = this.queue.accepted;
    const queued = this.queueFigures();
    if (!queued) return;
    this.queued = queued;
    this.metrics.sinkBufferedPoints.set({ sink: name }, queued.points);
    this.metrics.queueBytes.set({ sink: name }, queued.bytes);
    this.metrics.queueOldestAge.set({ sink: name }, queued.oldestAgeS);
  }

  /** The queue's figures now; undefined without a queue, or where it cannot answer (the sink reports that itself). */
  private queueFigures(): SinkStatus['queued'] {
    try {
      const s = this.queue?.stats();
      return s && { points: s.records, bytes: s.bytes, oldestAgeS: s.oldestAgeMs / 1000 };
    } catch {
      return undefined;
    }
  }

  /** As it stands: the queue's figures now (the last known where it cannot answer), the errors' kind when looked. */
  status(): SinkStatus {
    this.queued = this.queueFigures() ?? this.queued;
    const gap = this.sink.journalGap?.();
    const packetLimit = this.sink.packetLimit?.();
    const commandsDropped = this.sink.commandsDropped?.();
    const refusedClients = this.sink.refusedClients?.();
    const base = {
      name: this.sink.name,
      ...(this.queued ? { queued: this.queued } : {}),
      ...(gap ? { journalGap: gap } : {}),
      ...(packetLimit ? { packetLimit } : {}),
      ...(commandsDropped ? { commandsDropped } : {}),
      ...(refusedClients ? { refusedClients } : {}),
    };
    if (this.sink.failing) {
      const failing = this.sink.failing();
      return failing
        ? { ...base, reachable: false, since: failing.since, ...this.grace(failing.since), lastError: failing.error }
        : { ...base, reachable: true };
    }
    const last = this.queue?.last;
    if (!last) return { ...base, reachable: true };
    return {
      ...base,
      reachable: last.delivered,
      since: last.ts,
      ...(!last.delivered ? this.grace(last.ts) : {}),
      ...(!last.delivered && this.errorKind ? { lastErrorKind: this.errorKind } : {}),
    };
  }

  /** For a sink unreachable since `since`: its readyzGraceUntil while that is still to come, else nothing. */
  private grace(since: number): Pick<SinkStatus, 'readyzGraceUntil'> {
    const cycle = this.sink.retryCycleMs?.() ?? 0;
    const until = since + this.graceRetries * cycle;
    return this.now() < until ? { readyzGraceUntil: until } : {};
  }
}
