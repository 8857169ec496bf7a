/**
 * Edge–cloud sync over MQTT, as a sink behind the durable queue. What goes out (QoS 1, each
 * message with a schema and a stable id so consumers drop duplicates):
 *
 *   <prefix>/<gateway>/status          retained birth {state: online, versions, models}, once the models are chosen
 *                                      (announce); goodbye {state: offline,
 *                                      models}; last will {state: offline} (no models: it was set when the
 *                                      connection opened, and the models may have changed since). Each of models
 *                                      (status-models.ts): the model the asset runs, the version driving its
 *                                      alarms, a release on probation (in the goodbye, the model the next start
 *                                      runs where the stop ended a probation); published again at each update outcome
 *                                      but a refusal (applied, confirmed, rolled back)
 * <prefix>/<gateway>/summary/<asset> per asset and minute: score min/mean/max/p95, alarm counts and transitions,
 * parts and pass rate
 *   <prefix>/<gateway>/alarm/<asset>   every alarm transition
 *   <prefix>/<gateway>/part/<asset>    every part result
 *   <prefix>/<gateway>/health          the gateway's health points
 *   <prefix>/<gateway>/model/<asset>   model update outcomes (applied, rejected, rolled_back, confirmed)
 *
 * Messages are queued durably first; a pump publishes them in queue order (so in order per
 * asset), one batch at a time, accepting the batch when every message is acknowledged and
 * rejecting it (to be sent again) otherwise. While the broker is unreachable, everything waits in
 * the queue, within its byte bound. When the queue itself fails (its disk), the pump logs and counts
 * it and leaves the queue alone for a backoff; a batch whose removal failed is sent again.
 */
import type { MqttClient } from 'mqtt';
import { FLAP_RULE } from '../core/connection-flaps.js';
import { brokerErrorText, connectMqtt, protocolVersionHint } from '../core/mqtt-connection.js';
import { refusedPacketText } from '../core/mqtt-packet-bound.js';
import { refusalRetryText, type RefusalBackoff } from '../core/mqtt-refusals.js';
import { connackRefusalCode, connackRefusalText } from '../core/reconnect-pacing.js';
import type { DurableQueue, QueueInput } from '../buffer/queue.js';
import { acceptOrKeep, QueueFailures, queuedRecords } from '../buffer/queue-failures.js';
import type { Sink, SinkRecords } from '../core/components.js';
import type { MqttSyncConfig } from './schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { MinuteSummarizer } from './summaries.js';
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

interface Envelope {
  readonly topic: string;
  readonly message: Record<string, unknown>;
}

/**
 * A queued message is stored as `<topic>\n<JSON payload>`, ready to publish: the payload is
 * serialised once, when it is queued. JSON.stringify never emits a raw newline, so the last one
 * separates the two.
 */
function queued(priority: QueueInput['priority'], e: Envelope): QueueInput {
  return { priority, payload: `${e.topic}\n${JSON.stringify(e.message)}` };
}

function unqueued(payload: string): { topic: string; body: string } {
  const cut = payload.lastIndexOf('\n');
  return { topic: payload.slice(0, cut), body: payload.slice(cut + 1) };
}

export class MqttSync implements Sink {
  readonly name = 'cloud-mqtt';
  private client: MqttClient | undefined;
  private readonly summaries: MinuteSummarizer;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private closed = false;
  /** The client id is being taken over (another client with it): connects and drops are not logged one by one. */
  private taken = false;
  /** Connections opened so far (which one a check is for). */
  private connects = 0;
  private lastError: string | undefined;
  /** Why the connection closed, where it closed on a packet over max_incoming_bytes; undefined once it connects. */
  private refused: string | undefined;
  /**
   * Why the connection closed, where the broker did not accept it (closed it with no CONNACK, or refused it in its
   * CONNACK); undefined once it connects.
   */
  private unaccepted: string | undefined;
  /** Connections are being closed on the same packet over max_incoming_bytes, and none has held since. */
  private refusing = false;
  /**
   * The connection closing now was counted and said for its reason (a connect error, a CONNACK refusal, a close before
   * one, a refused packet: each told before the client's 'close', so before its 'offline'), which then adds nothing.
   */
  private closeCounted = false;
  /** Since when the broker has been unreachable (ms since the epoch); undefined while connected. */
  private failingSince: number | undefined;
  private readonly prefix: string;
  private readonly queueFailures: QueueFailures;

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
    },
  ) {
    this.summaries = new MinuteSummarizer(identity.gateway);
    this.prefix = `${config.topic_prefix}/${identity.gateway}`;
    this.queueFailures = new QueueFailures(this.name, deps);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The retained status; no `models` for the last will (set at connect, published whenever it drops). */
  private status(state: 'online' | 'offline', models?: readonly StatusModel[]): string {
    const { gateway, site, line, version } = this.identity;
    return JSON.stringify({
      schema: 'linewatch.status/1',
      state,
      gateway,
      site,
      line,
      version,
      ...(models ? { models } : {}),
      ts: new Date(this.now()).toISOString(),
    });
  }

  /**
   * Publishes the retained status (when connected): at each connect (the birth), after an asset's model changed, and
   * once the gateway has chosen each asset's model at start (a confirmed update may replace the configured one after
   * this sink connected). Not before the models are chosen: a dashboard reading the retained status then would see a
   * gateway running no model (the last status of the run before, or its last will, stays retained meanwhile).
   */
  announce(): void {
    const models = this.identity.models();
    if (this.client?.connected && models)
      this.client.publish(`${this.prefix}/status`, this.status('online', models), { qos: 1, retain: true });
  }

  async start(): Promise<void> {
    const c = this.config;
    const client = connectMqtt(c, {
      role: 'cloud sync',
      defaultClientId: `linewatch-${this.identity.gateway}`,
      options: {
        protocolVersion: c.protocol_version,
        clean: true,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
        will: {
          topic: `${this.prefix}/status`,
          payload: Buffer.from(this.status('offline')),
          qos: 1,
          retain: true,
        },
      },
      onFlapping: (message) => {
        this.taken = true;
        this.deps.logger.error({ sink: this.name }, message);
      },
      // Said as the connection's failure (and by 'offline' below, which follows it, at the first of an episode).
      onClosedUnaccepted: {
        protocolSetting: 'cloud.mqtt.protocol_version',
        tell: (reason) => {
          this.unaccepted = `cloud broker ${c.url}: ${reason}`;
          this.closeFailure(this.unaccepted);
        },
      },
      // It subscribes to nothing: acknowledgements come in, nothing larger.
      incoming: {
        maxPacketBytes: c.max_incoming_bytes,
        // Said once while the same packet comes at each connection (the status keeps the latest).
        onRefused: (packet, retry) => {
          this.refusing = true;
          this.refused = `cloud broker ${c.url} sent ${refusedPacketText(packet)}, over max_incoming_bytes ${c.max_incoming_bytes}: refused unread, the connection closed; ${refusalRetryText(retry, this.deps.refusalBackoff)}`;
          this.closeFailure(this.refused, retry.count === 1);
        },
      },
      onHeld: () => {
        if (!this.refusing) return;
        this.refusing = false;
        this.reachable(client, c.url);
      },
      ...(this.deps.refusalBackoff ? { backoff: this.deps.refusalBackoff } : {}),
    });
    this.client = client;
    client.on('connect', () => {
      this.connects++;
      // While the same packet is refused at each connection, a connect is no news: the failure stands until one holds.
      if (!this.refusing) this.reachable(client, c.url);
      this.announce();
      void this.pump();
    });
    // Said once while the same error comes at each connect (a refusal the broker repeats: the client tries again later
    // each time), and until a connection is accepted in /api/status.
    client.on('error', (err) => {
      const message = `cloud broker ${c.url}: ${brokerErrorText(err, c)}${protocolVersionHint(err, c.protocol_version, 'cloud.mqtt.protocol_version')}${connackRefusalText(err, this.deps.refusalBackoff)}`;
      if (connackRefusalCode(err) !== undefined) this.unaccepted = message;
      this.closeFailure(message);
    });
    // A connection closed on a refused packet, or unaccepted, is down for that reason, not for want of a broker. The
    // first close of an episode: counted here only where its reason was not (a connection that dropped).
    client.on('offline', () => {
      if (!this.closeCounted) this.failure(this.refused ?? this.unaccepted ?? `cloud broker ${c.url} unreachable`);
    });
    client.on('close', () => (this.closeCounted = false));
    this.timer = setInterval(() => {
      this.enqueueSummaries(false);
      void this.pump();
    }, 5000);
    this.timer.unref();
  }

  /** The broker accepted a connection: a failure is over (said, unless the client id is being taken over). */
  private reachable(client: MqttClient, url: string): void {
    // Where the id is taken over again and again, each connect and drop is no news: said once (onFlapping), and once
    // more when a connection holds.
    if (this.taken) this.steadyCheck(client, url);
    else if (this.lastError) this.deps.logger.info({ sink: this.name }, `cloud broker ${url} reachable again`);
    this.lastError = undefined;
    this.refused = undefined;
    this.unaccepted = undefined;
    this.failingSince = undefined;
  }

  /** Says, once a connection has held for FLAP_RULE.shortMs, that the takeovers are over. */
  private steadyCheck(client: MqttClient, url: string): void {
    const connection = this.connects;
    const timer = setTimeout(() => {
      if (this.connects !== connection || !client.connected || !this.taken || this.closed) return;
      this.taken = false;
      this.deps.logger.info({ sink: this.name }, `cloud broker ${url}: the connection holds again`);
    }, FLAP_RULE.shortMs);
    timer.unref();
  }

  /** Counts a failure; says it (`tell`: by default, when it differs from the last one) unless the id is taken over. */
  private failure(message: string, tell = message !== this.lastError): void {
    this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: 'network' });
    if (tell && !this.taken)
      this.deps.logger.warn(
        { sink: this.name, queued: queuedRecords(this.deps.queue) },
        `${message}; messages stay queued`,
      );
    this.lastError = message;
    this.failingSince ??= this.now();
  }

  /** A failure that closes the connection, said before the client's 'close' (see closeCounted). */
  private closeFailure(message: string, tell?: boolean): void {
    this.failure(message, tell);
    this.closeCounted = true;
  }

  /** Where the broker cannot be reached now: since when and why (/api/status, /readyz). */
  failing(): { since: number; error: string } | undefined {
    return this.failingSince !== undefined && this.lastError !== undefined
      ? { since: this.failingSince, error: this.lastError }
      : undefined;
  }

  write(records: SinkRecords): void {
    if (this.closed) return;
    const gw = this.identity.gateway;
    const items: QueueInput[] = [];
    const add = (priority: QueueInput['priority'], e: Envelope) => items.push(queued(priority, e));
    this.summaries.addScores(records.scores);
    this.summaries.addParts(records.parts ?? []);
    for (const a of records.alarms) {
      this.summaries.addAlarm(a);
      if (this.config.publish_alarms)
        add('alarm', {
          topic: `${this.prefix}/alarm/${a.asset}`,
          message: {
            schema: 'linewatch.alarm/1',
            id: `${gw}/${a.asset}/${a.alarm}/${a.ts}/${a.state}`,
            gateway: gw,
            ...a,
          },
        });
    }
    if (this.config.publish_parts)
      for (const p of records.parts ?? [])
        add('part', {
          topic: `${this.prefix}/part/${p.asset}`,
          message: { schema: 'linewatch.part/1', id: `${gw}/${p.asset}/${p.partId}/${p.ts}`, gateway: gw, ...p },
        });
    const updates = records.modelUpdates ?? [];
    // The status names the release on probation and the model driving the alarms: each of these changes them.
    if (updates.some((m) => m.outcome !== 'rejected')) this.announce();
    for (const m of updates)
      add('alarm', {
        topic: `${this.prefix}/model/${String(m.asset)}`,
        message: {
          schema: 'linewatch.model_update/1',
          id: `${gw}/${String(m.asset)}/model/${String(m.ts)}/${String(m.outcome)}`,
          gateway: gw,
          ...m,
        },
      });
    if (this.config.publish_health)
      for (const h of records.health ?? [])
        add('raw', {
          topic: `${this.prefix}/health`,
          message: { schema: 'linewatch.health/1', id: `${gw}/${h.source ?? 'gateway'}/${h.ts}`, gateway: gw, ...h },
        });
    this.push(items);
  }

  private enqueueSummaries(all: boolean): void {
    this.push(
      this.summaries
        .take(this.now(), all)
        .map((s) => queued('score', { topic: `${this.prefix}/summary/${s.asset}`, message: { ...s } })),
    );
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
      const batch = queue.take(this.config.batch_size);
      if (!batch) break;
      try {
        for (const item of batch.items) {
          const { topic, body } = unqueued(item.payload);
          await this.publish(client, topic, body, false);
        }
      } catch (err) {
        queue.reject(batch);
        this.failure(`cloud publish failed: ${(err as Error).message}`);
        break;
      }
      acceptOrKeep(queue, batch);
      this.queueFailures.worked();
      this.deps.metrics.sinkPointsWritten.inc({ sink: this.name }, batch.count);
    }
    const s = queue.stats();
    this.deps.metrics.sinkBufferedPoints.set({ sink: this.name }, s.records);
    this.deps.metrics.queueOldestAge.set({ sink: this.name }, s.oldestAgeMs / 1000);
  }

  /** Publishes at QoS 1; rejects when no PUBACK comes within publish_timeout_ms. */
  private async publish(client: MqttClient, topic: string, body: string, retain: boolean): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.publishAsync(topic, body, { qos: 1, retain }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no PUBACK within ${this.config.publish_timeout_ms} ms`)),
            this.config.publish_timeout_ms,
          );
          timer.unref();
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ends the client: a plain end (a DISCONNECT, so no last will) waits until every publish in flight is acknowledged,
   * which a broker gone silent never does; after publish_timeout_ms the client is ended at once.
   */
  private async end(client: MqttClient): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      client.endAsync().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.config.publish_timeout_ms))),
    ]);
    clearTimeout(timer);
    if (!ended) await client.endAsync(true).catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.pump();
  }

  /** Queues the current minute's summaries, publishes what it can, says goodbye, closes the queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.enqueueSummaries(true);
    this.queueFailures.retryNow();
    await this.pump();
    const client = this.client;
    // Each within publish_timeout_ms: a broker gone silent would keep the goodbye, and the stop, waiting for good.
    if (client?.connected)
      await this.publish(client, `${this.prefix}/status`, this.status('offline', this.identity.models()), true).catch(
        () => undefined,
      );
    if (client) await this.end(client);
    const left = queuedRecords(this.deps.queue);
    if ((left ?? 0) > 0)
      this.deps.logger.warn(
        { sink: this.name, queued: left },
        `cloud broker unreachable at shutdown: ${left} messages stay queued for the next start`,
      );
    this.deps.queue.close();
  }
}
