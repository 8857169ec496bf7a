/**
 * Edge–cloud sync over MQTT, as a sink behind the durable queue: what goes out, and on which topics, is
 * cloud-messages.ts's; the connection, the retained status and the pump are here.
 *
 * Messages are queued durably first; a pump publishes them in queue order (so in order per
 * asset), one batch at a time, accepting the batch when every message is acknowledged and
 * rejecting it (to be sent again) otherwise. While the broker is unreachable, everything waits in
 * the queue, within its byte bound. When the queue itself fails (its disk), the pump logs and counts
 * it and leaves the queue alone for a backoff; a batch whose removal failed is sent again.
 */
import { performance } from 'node:perf_hooks';
import type { MqttClient } from 'mqtt';
import { ClientIdTakeovers } from '../core/client-id-takeovers.js';
import { brokerErrorText, connectMqtt, flappingText, protocolVersionHint } from '../core/mqtt-connection.js';
import { acceptedCloseHint } from '../core/mqtt-accepted-close.js';
import { refusedPacketText } from '../core/mqtt-packet-bound.js';
import { refusalRetryText, type RefusalBackoff } from '../core/mqtt-refusals.js';
import { connackRefusalCode, connackRefusalText } from '../core/reconnect-pacing.js';
import type { DurableQueue, QueueBatch, QueueInput } from '../buffer/queue.js';
import { CloudPacketLimit } from './cloud-packet-limit.js';
import { CloudReachability } from './cloud-reachability.js';
import { acceptOrKeep, QueueFailures, queuedRecords } from '../buffer/queue-failures.js';
import { QueueEvictions } from '../buffer/queue-evictions.js';
import type { Sink, SinkPacketLimit, SinkRecords } from '../core/components.js';
import { CLOUD_PROTOCOL_SETTING, type MqttSyncConfig } from './schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { OpenMinutesFile } from './open-minutes.js';
import { OpenMinutesKeeper } from './open-minutes-keeper.js';
import { recordMessages, statusPayload, summaryMessages, unqueued, willPayload } from './cloud-messages.js';
import { endWithin, publishWithin } from './client-deadlines.js';
import type { StatusModel } from './status-models.js';

export interface GatewayIdentity {
  readonly gateway: string;
  readonly site: string;
  readonly line: string;
  readonly version: string;
  /** The model each asset runs now, the one driving its alarms and a release on probation (read at each status
   * message: an update, a confirmation or a rollback changes them); undefined while the gateway has not chosen them yet
   * (no birth is published then; a goodbye names none). */
  readonly models: () => readonly StatusModel[] | undefined;
}

/** How soon the client connects again after a connection closed or failed (a broker's refusals slow it down). */
const RECONNECT_PERIOD_MS = 1000;
/** How long a connection may take to be accepted (CONNACK). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The most a stop waits for the cloud broker, all told (its last batches, the goodbye, the disconnect): with the
 * broker silent the rest of a stop (sources, models, the other sinks) still ends within docker stop's 10 s.
 */
export const SHUTDOWN_WAIT_MAX_MS = 5000;

/** The cloud sink's name: its `sink` label in every series (its queue's included) and in /api/status. */
export const CLOUD_SINK = 'cloud-mqtt';

export class MqttSync implements Sink {
  readonly name = CLOUD_SINK;
  private client: MqttClient | undefined;
  /** The minutes being summarised, kept against a crash (open-minutes-keeper.ts). */
  private readonly minutes: OpenMinutesKeeper;
  /** When this sync was made (ms): its run, named by its summaries' ids and its last will. */
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private closed = false;
  /** Aborted when a stop's time for the broker is up: a publish in flight waits no longer. */
  private readonly stopping = new AbortController();
  /**
   * Takeovers of the client id (another client with it: client-id-takeovers.ts): while they go on, connects and drops
   * are not logged one by one; said once, and once more when a connection holds.
   */
  private readonly takeovers = new ClientIdTakeovers({
    takenOver: () => this.takenOver(),
    holds: () =>
      this.deps.logger.info({ sink: this.name }, `cloud broker ${this.config.url}: the connection holds again`),
  });
  /** Connections opened so far (which one a check is for). */
  private connects = 0;
  /** Connections are being closed on the same packet over max_incoming_bytes, and none has held since. */
  private refusing = false;
  /** Whether the broker can be reached; if not, since when and why (cloud-reachability.ts). */
  private readonly reach: CloudReachability;
  private readonly prefix: string;
  private readonly queueFailures: QueueFailures;
  /** The queue's evictions at its byte bound (while the broker is offline), counted and told once. */
  private readonly evictions: QueueEvictions;
  /** Messages over the broker's packet limit (MQTT 5), found before they are sent (cloud-packet-limit.ts). */
  private readonly packetLimitGuard: CloudPacketLimit;

  constructor(
    private readonly config: MqttSyncConfig,
    private readonly identity: GatewayIdentity,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      queue: DurableQueue;
      now?: () => number;
      /** How reconnects slow down while the broker sends the same packet over the bound (mqtt-refusals.ts). */
      refusalBackoff?: RefusalBackoff;
      /** Where the minutes being summarised are kept against a crash (open-minutes.ts); none with a memory queue. */
      openMinutes?: OpenMinutesFile;
    },
  ) {
    // The run's start: it tells this run's summaries (and last will) from another's of the same minute.
    this.startedAt = this.now();
    this.prefix = `${config.topic_prefix}/${identity.gateway}`;
    this.queueFailures = new QueueFailures(this.name, deps);
    this.packetLimitGuard = new CloudPacketLimit(this.name, config.url, { ...deps, now: () => this.now() });
    this.reach = new CloudReachability(this.name, config.url, {
      ...deps,
      now: () => this.now(),
      quiet: () => this.takeovers.quiet,
    });
    this.evictions = new QueueEvictions(
      this.name,
      config.buffer.max_bytes,
      'health points first, then minute summaries, part results, alarm transitions and model updates',
      deps,
    );
    this.minutes = new OpenMinutesKeeper(identity.gateway, this.startedAt, {
      logger: deps.logger,
      sink: this.name,
      now: () => this.now(),
      queue: (summaries) => this.push(summaryMessages(summaries, this.prefix)),
      ...(deps.openMinutes ? { file: deps.openMinutes } : {}),
    });
    this.minutes.queueCrashed();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The retained status; no `models` for the last will (set at connect, published whenever it drops). */
  private status(state: 'online' | 'offline', models?: readonly StatusModel[]): string {
    return statusPayload(this.identity, state, this.now(), models);
  }

  /**
   * Publishes the retained status (when connected): at each connect (the birth), after an asset's model changed, and
   * once the gateway has chosen each asset's model at start (a confirmed update may replace the configured one after
   * this sink connected). Not before the models are chosen: a dashboard reading the retained status then would see a
   * gateway running no model (the last status of the run before, or its last will, stays retained meanwhile).
   */
  announce(): void {
    const models = this.identity.models();
    if (!this.client?.connected || !models) return;
    const body = this.status('online', models);
    if (this.packetLimitGuard.statusFits(this.client, `${this.prefix}/status`, body))
      this.client.publish(`${this.prefix}/status`, body, { qos: 1, retain: true });
  }

  async start(): Promise<void> {
    const c = this.config;
    const client = connectMqtt(c, {
      role: 'cloud sync',
      defaultClientId: `linewatch-${this.identity.gateway}`,
      options: {
        protocolVersion: c.protocol_version,
        clean: true,
        reconnectPeriod: RECONNECT_PERIOD_MS,
        connectTimeout: CONNECT_TIMEOUT_MS,
        will: {
          topic: `${this.prefix}/status`,
          payload: Buffer.from(willPayload(this.identity, this.startedAt)),
          qos: 1,
          retain: true,
        },
      },
      // Its id, made of gateway.name, is another gateway's where a configuration was copied (takeovers below).
      idShared: true,
      // Said as the connection's failure (and by 'offline' below, which follows it, at the first of an episode).
      protocolSetting: CLOUD_PROTOCOL_SETTING,
      onClosedUnaccepted: (reason) => {
        this.reach.unaccepted = `cloud broker ${c.url}: ${reason}`;
        this.reach.closeFailure(this.reach.unaccepted);
      },
      // It subscribes to nothing: acknowledgements come in, nothing larger.
      incoming: {
        maxPacketBytes: c.max_incoming_bytes,
        // Said once while the same packet comes at each connection (the status keeps the latest).
        onRefused: (packet, retry) => {
          closedOnRefusal = true;
          this.refusing = true;
          this.reach.refused = `cloud broker ${c.url} sent ${refusedPacketText(packet)}, over max_incoming_bytes ${c.max_incoming_bytes}: refused unread, the connection closed; ${refusalRetryText(retry, this.deps.refusalBackoff)}`;
          this.reach.closeFailure(this.reach.refused, retry.count === 1);
        },
      },
      onHeld: () => {
        if (!this.refusing) return;
        this.refusing = false;
        this.reach.reachable(this.takeovers.quiet, this.connects === 1);
      },
      ...(this.deps.refusalBackoff ? { backoff: this.deps.refusalBackoff } : {}),
    });
    this.client = client;
    /** The broker accepted the connection (a CONNACK with no refusal): its close may be a takeover. */
    let accepted = false;
    /** This client closed the connection on a packet over max_incoming_bytes: no sign of another client. */
    let closedOnRefusal = false;
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'connack' && (packet.reasonCode ?? packet.returnCode ?? 0) === 0) accepted = true;
    });
    client.on('connect', () => {
      this.connects++;
      const quiet = this.takeovers.opened();
      // While the same packet is refused at each connection, a connect is no news: the failure stands until one holds.
      if (!this.refusing) this.reach.reachable(quiet, this.connects === 1);
      this.announce();
      void this.pump();
    });
    // Said once while the same error comes at each connect (a refusal the broker repeats: the client tries again later
    // each time), and until a connection is accepted in /api/status.
    client.on('error', (err) => {
      const message = `cloud broker ${c.url}: ${brokerErrorText(err, c)}${protocolVersionHint(err, c.protocol_version, CLOUD_PROTOCOL_SETTING)}${acceptedCloseHint(err)}${connackRefusalText(err, this.deps.refusalBackoff)}`;
      if (connackRefusalCode(err) !== undefined) this.reach.unaccepted = message;
      this.reach.closeFailure(message);
    });
    // A connection closed on a refused packet, or unaccepted, is down for that reason, not for want of a broker. The
    // first close of an episode: counted here only where its reason was not (a connection that dropped).
    client.on('offline', () => this.reach.offline());
    // After mqtt.js's own 'close' listener, so after its 'offline': the close that makes the takeovers is said as a
    // drop.
    client.on('close', () => {
      this.reach.closed();
      const quiet = this.takeovers.quiet;
      if (closedOnRefusal) this.takeovers.dropped();
      else this.takeovers.failed(accepted);
      // A connect that failed (the broker refused it, or is down) ends the takeovers: its failure, kept quiet while
      // they lasted, is said now.
      if (quiet && !this.takeovers.quiet) this.reach.sayLast();
      accepted = false;
      closedOnRefusal = false;
    });
    this.timer = setInterval(() => {
      this.minutes.tick();
      void this.pump();
    }, 5000);
    this.timer.unref();
  }

  /** Another client keeps taking the client id: said once, as an error naming the id and the setting. */
  private takenOver(): void {
    const clientId = this.client?.options.clientId ?? `linewatch-${this.identity.gateway}`;
    const role = { role: 'cloud sync', defaultClientId: `linewatch-${this.identity.gateway}` };
    this.deps.logger.error({ sink: this.name }, flappingText(this.config, role, clientId));
  }

  /** What the broker's packet limit kept back: messages set aside, the queue held (/api/status). */
  packetLimit(): SinkPacketLimit | undefined {
    return this.packetLimitGuard.status();
  }

  /** Where the broker cannot be reached now: since when and why (/api/status, /readyz). */
  failing(): { since: number; error: string } | undefined {
    return this.reach.failing();
  }

  /**
   * From a connection lost until the next one has been accepted or has failed, at most: the wait before connecting
   * again, then the connect's timeout. 11 s: /readyz's grace (http.readyz_grace_retries) counts in these, so a broker
   * restart or one dropped connection does not flap a readiness probe.
   */
  retryCycleMs(): number {
    return RECONNECT_PERIOD_MS + CONNECT_TIMEOUT_MS;
  }

  write(records: SinkRecords): void {
    if (this.closed) return;
    this.minutes.add(records);
    // The status names the release on probation and the model driving the alarms: each of these changes them.
    if ((records.modelUpdates ?? []).some((m) => m.outcome !== 'rejected')) this.announce();
    this.push(recordMessages(records, { prefix: this.prefix, gateway: this.identity.gateway, config: this.config }));
  }

  private push(items: QueueInput[]): void {
    if (items.length === 0) return;
    try {
      this.deps.queue.push(items);
    } catch (err) {
      this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'queue_write_failed' }, items.length);
      this.deps.logger.error(
        { sink: this.name, lost: items.length },
        `cloud queue: cannot store ${items.length} messages: ${(err as Error).message}`,
      );
      return;
    }
    void this.pump();
  }

  /** Publishes queued messages in order while the broker is connected. Never rejects: queue failures are reported. */
  pump(): Promise<void> {
    if (!this.pumping)
      this.pumping = this.drain()
        .catch((err: unknown) => this.queueFailures.failed(err))
        .finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async drain(): Promise<void> {
    const client = this.client;
    const queue = this.deps.queue;
    if (this.queueFailures.waiting) return;
    while (client?.connected) {
      // A message over the broker's packet limit is set aside unsent: the messages before it go as a batch first.
      const batch = this.packetLimitGuard.take(client, queue, this.config.batch_size);
      if (!batch) break;
      /** The batch's messages acknowledged so far, in order. */
      let acknowledged = 0;
      try {
        for (const item of batch.items) {
          const { topic, body } = unqueued(item.payload);
          await publishWithin(client, topic, body, false, this.config.publish_timeout_ms, this.stopping.signal);
          acknowledged++;
        }
      } catch (err) {
        queue.reject(batch);
        this.reach.failure(`cloud publish failed: ${(err as Error).message}`);
        // Those acknowledged leave the queue: only the rest is sent again (it was the whole batch, up to batch_size
        // duplicates at each broker restart or publish timeout). Cloud messages count 1 each.
        if (acknowledged > 0) this.delivered(queue.take(acknowledged)!);
        break;
      }
      this.delivered(batch);
    }
    // Each push pumps: what it evicted is counted here, at once while the broker is offline (nothing is published).
    const s = queue.stats();
    this.evictions.note(s.evicted);
    this.deps.metrics.sinkBufferedPoints.set({ sink: this.name }, s.records);
    this.deps.metrics.queueOldestAge.set({ sink: this.name }, s.oldestAgeMs / 1000);
  }

  /** A batch the broker acknowledged: out of the queue (kept, to be sent again, where the store cannot remove it). */
  private delivered(batch: QueueBatch): void {
    acceptOrKeep(this.deps.queue, batch);
    this.queueFailures.worked();
    this.deps.metrics.sinkPointsWritten.inc({ sink: this.name }, batch.count);
  }

  async flush(): Promise<void> {
    await this.pump();
  }

  /**
   * Queues the current minute's summaries, publishes what it can, says goodbye, closes the queue. Its waits for the
   * broker (the last batches, the goodbye's PUBACK, the disconnect) share one bound, publish_timeout_ms or
   * SHUTDOWN_WAIT_MAX_MS where less: each waiting publish_timeout_ms in turn, a broker gone silent kept a stop 30 s,
   * past docker stop's 10 s. What it did not acknowledge by then stays queued.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.takeovers.dropped();
    if (this.timer) clearInterval(this.timer);
    const bound = Math.min(this.config.publish_timeout_ms, SHUTDOWN_WAIT_MAX_MS);
    const until = performance.now() + bound;
    const stop = setTimeout(() => this.stopping.abort(), bound);
    this.minutes.tick(true);
    this.queueFailures.retryNow();
    await this.pump();
    const client = this.client;
    const goodbye = this.status('offline', this.identity.models());
    if (
      !this.stopping.signal.aborted &&
      client?.connected &&
      this.packetLimitGuard.statusFits(client, `${this.prefix}/status`, goodbye)
    )
      await publishWithin(client, `${this.prefix}/status`, goodbye, true, bound, this.stopping.signal).catch(
        () => undefined,
      );
    clearTimeout(stop);
    if (client) await endWithin(client, this.stopping.signal.aborted ? 0 : until - performance.now());
    const left = queuedRecords(this.deps.queue);
    if ((left ?? 0) > 0)
      this.deps.logger.warn(
        { sink: this.name, queued: left },
        `cloud broker unreachable at shutdown: ${left} messages stay queued for the next start`,
      );
    this.deps.queue.close();
  }
}
