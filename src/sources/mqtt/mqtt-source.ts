/**
 * An MQTT source: subscribes to its tags' topics on a broker and turns each message into one
 * batch of samples, one for every tag whose topic filter matches (payload.ts reads them).
 *
 * Hostile input never stops it: a message over `max_payload_bytes`, not JSON, or with a tag's
 * value or timestamp unreadable gives those tags `bad` samples (NaN, with the reason), as a
 * failed read does in the other sources; it is counted in linewatch_source_errors_total (kind
 * too_large, not_json or bad_value) and logged at most once a minute with how many went unlogged
 * (message-samples.ts). A packet larger than the bound of protocol-options.ts is not read at all.
 * A tag's value missing or null in a message is no sample of it (kind missing_value; said once per topic and field
 * while it lasts, and listed in tagIssues meanwhile): its last reading stands as its asset's window allows.
 * Samples already delivered are never touched. A tag published on change (`hold_ms`) keeps its last value fresh
 * while the source is connected, for up to its hold_ms (held-values.ts).
 *
 * Connection: core/mqtt-connection.ts builds the client (TLS, credentials, client id); the
 * client's own reconnection is off, and a lost or refused connection (or a refused
 * subscription) is rebuilt here after core/backoff.ts's exponential, jittered delay, each
 * distinct failure logged once; each subscription is logged ("again" after failures).
 * `connected` is true while the subscriptions stand. With a client_id, another client taking the id over is said once
 * (client-id-takeovers.ts).
 * readOnce (`run --once`) uses a client of its own with a clean session, so a running gateway's persistent session is
 * left alone.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient, Packet } from 'mqtt';
import { FailureStreak, pause } from '../../core/backoff.js';
import { ConnectionSince } from '../../core/connection-since.js';
import type { SampleHandler, Source } from '../../core/components.js';
import { MAX_TIMER_MS } from '../../core/config-primitives.js';
import {
  brokerErrorText,
  closedUnacceptedText,
  connectMqtt,
  flappingText,
  protocolVersionHint,
} from '../../core/mqtt-connection.js';
import { shownTopic, type RefusedPacket } from '../../core/mqtt-packet-bound.js';
import { acceptedCloseHint, closedAcceptedText } from '../../core/mqtt-accepted-close.js';
import type { Sample } from '../../core/types.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { ClientIdTakeovers } from '../../core/client-id-takeovers.js';
import { HeldValues } from './held-values.js';
import { MessageSamples, type TagSample } from './message-samples.js';
import { maxPacketBytes, protocolOptions } from './protocol-options.js';
import type { MqttSourceConfig } from './schema.js';
import { subscribeFilters } from './subscription.js';
import { LEFT_OUT_RETRY, type LeftOut, type LeftOutRetry } from '../../core/oversize-retained.js';
import type { LeftOutLooks } from '../../core/left-out-looks.js';
import { leftOutText, sourceLeftOutLooks } from './oversize-retained.js';

export { maxPacketBytes } from './protocol-options.js';

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;

export interface MqttSourceDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Where the source is configured (`sources[2]`): a broker's refusal of MQTT 5 names its protocol_version so. */
  readonly where?: string;
  /** How soon a topic left out for a retained message too large to read is looked at again (oversize-retained.ts). */
  readonly leftOutRetry?: LeftOutRetry;
}

/** A message's samples, made when `decode` is called with when it was received; `retained` the broker's copy. */
type MessageHandler = (decode: (received: number) => TagSample[], retained: boolean) => void;

/** Ends a client at once (no wait for anything in flight). */
async function end(client: MqttClient | undefined): Promise<void> {
  await client?.endAsync(true).catch(() => undefined);
}

export class MqttSource implements Source {
  readonly name: string;
  private readonly label: string;
  private readonly messages: MessageSamples;
  private readonly filters: readonly string[];
  private readonly defaultClientId: string;
  /** The setting that picks its MQTT version, in hints (`sources[2].protocol_version`). */
  private readonly protocolSetting: string;
  private readonly failures: FailureStreak;
  private running = false;
  private isConnected = false;
  /** Since when it is subscribed or not, and why not (Source.connectionState). */
  private readonly since: ConnectionSince;
  private client: MqttClient | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Another client taking the id over: with a client_id only (a random id is nobody else's). */
  private readonly takeovers: ClientIdTakeovers | undefined;
  /** Tags published on change (hold_ms): their last values, sent again every publish interval while connected. */
  private readonly held: HeldValues;
  private resendTimer: NodeJS.Timeout | undefined;
  /** Filters left out of the subscriptions for a retained message too large to read (oversize-retained.ts). */
  private readonly oversizeRetained: LeftOutLooks;
  private readonly leftOutRetry: LeftOutRetry;
  /** Where the source is configured, in texts naming its settings (`sources[2]`). */
  private readonly where: string;

  constructor(
    private readonly config: MqttSourceConfig,
    private readonly deps: MqttSourceDeps,
  ) {
    this.name = config.name;
    this.label = `mqtt ${config.name} (${config.url})`;
    this.messages = new MessageSamples(config, this.label, { ...deps, now: () => this.now() });
    this.filters = [...new Set(config.tags.map((t) => t.topic))];
    this.defaultClientId = `linewatch-source-${config.name}-${randomBytes(4).toString('hex')}`;
    this.protocolSetting = deps.where !== undefined ? `${deps.where}.protocol_version` : 'protocol_version';
    this.where = deps.where ?? `source ${config.name}`;
    this.leftOutRetry = deps.leftOutRetry ?? LEFT_OUT_RETRY;
    this.oversizeRetained = sourceLeftOutLooks({
      config,
      name: config.name,
      label: this.label,
      defaultClientId: this.defaultClientId,
      protocolSetting: this.protocolSetting,
      logger: deps.logger,
      now: () => this.now(),
      retry: this.leftOutRetry,
      filters: this.filters,
      subscribeBack: (filters) => this.subscribeBack(filters),
    });
    this.failures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, deps.random);
    this.since = new ConnectionSince(() => this.now());
    this.takeovers =
      config.client_id !== undefined
        ? new ClientIdTakeovers({ takenOver: () => this.takenOver(), holds: () => this.holds() })
        : undefined;
    this.held = new HeldValues(
      config.tags.map((t) => t.hold_ms),
      config.publish_interval_ms,
    );
  }

  get connected(): boolean {
    return this.isConnected;
  }

  connectionState(): { since?: number; lastError?: string } {
    return this.since.state(this.isConnected);
  }

  /** The values its messages leave out (missing, null) while it lasts: their tags get no new samples. */
  tagIssues(): readonly string[] {
    const packetBytes = maxPacketBytes(this.config);
    return [
      ...this.messages.issues(),
      ...this.oversizeRetained.leftOut.issues().map((left) => this.leftOutText(left, packetBytes)),
    ];
  }

  private leftOutText(left: LeftOut, packetBytes = maxPacketBytes(this.config)): string {
    return leftOutText(left, this.where, packetBytes, this.leftOutRetry);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async start(onBatch: SampleHandler): Promise<void> {
    this.running = true;
    this.loop = this.run(onBatch);
  }

  /** Connect, subscribe, wait until the connection is lost, clean up, back off, again. */
  private async run(onBatch: SampleHandler): Promise<void> {
    const onMessage: MessageHandler = (decode, retained) => {
      if (!this.running) return;
      const received = this.now();
      const out = decode(received);
      for (const { tag, sample } of out)
        this.held.note(tag, sample, received, {
          retained,
          stamped: this.config.tags[tag].timestamp_field !== undefined,
        });
      const batch = out.map((r) => r.sample);
      if (batch.length === 0) return;
      this.deps.metrics.sourcePolls.inc({ source: this.name });
      onBatch(batch);
    };
    while (this.running) {
      let reason: string;
      let opened = false;
      try {
        const client = this.open(onMessage, { clean: !this.config.persistent_session });
        this.client = client;
        const lost = new Promise<string>((resolve) => {
          client.once('close', () => resolve(`${this.label}: connection lost`));
          this.wake = () => resolve('stopped');
        });
        const { sessionPresent, acceptedAt } = await this.connected$(client);
        // A session the broker lost (restarted, expired, taken by a copied client_id) lost the changes sent meanwhile.
        if (!sessionPresent) this.held.clear();
        await this.subscribe(client, acceptedAt);
        this.isConnected = true;
        this.since.connected();
        this.deps.metrics.sourceConnected.set({ source: this.name }, 1);
        opened = true;
        if (!this.takeovers?.opened()) this.subscribed(this.failures.end());
        if (this.held.any) this.resendTimer = setInterval(() => this.resend(onBatch), this.config.publish_interval_ms);
        reason = await lost;
      } catch (err) {
        reason = (err as Error).message;
      }
      this.takeovers?.dropped();
      clearInterval(this.resendTimer);
      // Messages sent while away are missed, unless the broker keeps them for a persistent session.
      if (!this.config.persistent_session) this.held.clear();
      this.isConnected = false;
      this.deps.metrics.sourceConnected.set({ source: this.name }, 0);
      await this.close();
      if (!this.running) break;
      // A connect the broker refused or that never came (the broker down) is no takeover: said as any failure.
      this.takeovers?.failed(opened);
      this.onFailure(reason);
      const backoff = pause(this.failures.delayMs());
      this.wake = backoff.wake;
      await backoff.done;
    }
  }

  /**
   * A client for the broker (not yet connected), its messages going to `onMessage`; throws when a
   * TLS file cannot be read.
   */
  private open(onMessage: MessageHandler, session: { clean: boolean }, idSuffix?: string): MqttClient {
    const client = connectMqtt(this.config, {
      role: this.label,
      defaultClientId: `${this.defaultClientId}${idSuffix ?? ''}`,
      idSuffix,
      protocolSetting: this.protocolSetting,
      options: {
        reconnectPeriod: 0,
        connectTimeout: this.config.timeout_ms,
        resubscribe: false,
        ...session,
        ...protocolOptions(this.config, session.clean),
      },
      incoming: { maxPacketBytes: maxPacketBytes(this.config), onRefused: (p) => this.refused(p, onMessage) },
    });
    // An 'error' without a listener would throw; connected$() reports the ones that matter.
    client.on('error', () => undefined);
    client.on('message', (topic, payload, packet) =>
      onMessage((received) => this.messages.of(topic, payload, received), packet.retain === true),
    );
    return client;
  }

  /**
   * Resolves once the broker accepted the connection, with whether it kept a session for this client and when its
   * CONNACK came (performance.now()); rejects with why not (errors here name the source): a close after the CONNACK,
   * before mqtt.js's 'connect', is no "no CONNACK" (mqtt-accepted-close.ts).
   */
  private connected$(client: MqttClient): Promise<{ sessionPresent: boolean; acceptedAt: number }> {
    return new Promise((resolve, reject) => {
      let sessionPresent = false;
      let acceptedAt: number | undefined;
      const settle = (err?: Error) => {
        client.off('connect', onConnect);
        client.off('error', onError);
        client.off('close', onClose);
        client.off('packetreceive', onPacket);
        if (err) reject(err);
        else resolve({ sessionPresent, acceptedAt: acceptedAt ?? performance.now() });
      };
      const onPacket = (packet: Packet) => {
        if (packet.cmd === 'connack' && (packet.reasonCode ?? packet.returnCode ?? 0) === 0)
          acceptedAt = performance.now();
      };
      const onConnect = (connack: { sessionPresent?: boolean }) => {
        sessionPresent = connack.sessionPresent === true;
        settle();
      };
      const onError = (err: Error) =>
        settle(
          new Error(
            `${this.label}: ${brokerErrorText(err, this.config)}${protocolVersionHint(err, this.config.protocol_version, this.protocolSetting)}${acceptedCloseHint(err)}`,
          ),
        );
      const onClose = () =>
        settle(
          new Error(
            `${this.label}: ${
              acceptedAt !== undefined
                ? this.closedAccepted(acceptedAt, 'before the client could use it')
                : closedUnacceptedText(this.config.protocol_version, this.protocolSetting)
            }`,
          ),
        );
      client.on('packetreceive', onPacket);
      client.on('connect', onConnect);
      client.on('error', onError);
      client.on('close', onClose);
    });
  }

  /** Why the broker closed a connection it accepted at `acceptedAt` (performance.now()), before what. */
  private closedAccepted(acceptedAt: number, before: string): string {
    // Another client may hold a configured client_id; the random one is nobody else's.
    return closedAcceptedText({ afterMs: performance.now() - acceptedAt, clientId: this.config.client_id, before });
  }

  /**
   * Subscribes to every tag's topic filter but those left out for an oversize retained message (subscription.ts); the
   * connection was accepted at `acceptedAt`.
   */
  private async subscribe(client: MqttClient, acceptedAt: number): Promise<void> {
    const { qos, timeout_ms: timeoutMs } = this.config;
    const filters = this.oversizeRetained.leftOut.subscribed();
    if (filters.length === 0) return;
    return subscribeFilters(client, { label: this.label, filters, qos, timeoutMs }, () =>
      this.closedAccepted(acceptedAt, 'before it answered the subscription'),
    );
  }

  /** Ends the running client (a connect in flight fails with it). */
  private async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await end(client);
  }

  private subscribed(failures: number): void {
    this.deps.logger.info(
      { source: this.name, after_failures: failures },
      `${this.label}: subscribed to ${this.oversizeRetained.leftOut.subscribed().join(', ') || 'nothing (every filter left out)'}${failures > 0 ? ` again, after ${failures} failed attempt(s)` : ''}`,
    );
  }

  /** The values of tags published on change, sent again while they hold (held-values.ts). */
  private resend(onBatch: SampleHandler): void {
    if (!this.running) return;
    const batch = this.held.due(this.now());
    if (batch.length === 0) return;
    // Counted apart from the readings that came (linewatch_samples_total): a reader can tell them from fresh ones.
    this.deps.metrics.heldSamples.inc({ source: this.name }, batch.length);
    onBatch(batch);
  }

  /** Another client keeps taking the client id (client-id-takeovers.ts): said once, as an error naming the id. */
  private takenOver(): void {
    const role = { role: `mqtt source ${this.name}`, defaultClientId: this.defaultClientId };
    this.deps.logger.error({ source: this.name }, flappingText(this.config, role, this.config.client_id!));
  }

  /** A connection held for FLAP_RULE.shortMs after takeovers were said: said, and the backoff starts afresh. */
  private holds(): void {
    this.deps.logger.info({ source: this.name }, `${this.label}: the connection holds again`);
    this.subscribed(this.failures.end());
  }

  private onFailure(message: string): void {
    const fresh = this.failures.fail(message);
    this.since.down(message);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'connection' });
    this.deps.metrics.sourceReconnects.inc({ source: this.name });
    // While taken over, each drop is the same news as the error that said so.
    if (fresh && !this.takeovers?.quiet)
      this.deps.logger.warn({ source: this.name, failures: this.failures.count }, `${message}; connecting again`);
  }

  /** A packet over maxPacketBytes (message-samples.ts): its tags' bad samples go the way of a message's. */
  private refused(packet: RefusedPacket, onMessage: MessageHandler): void {
    const decode = this.messages.ofRefused(packet);
    if (decode) onMessage(decode, false);
    // Left out while it runs (readOnce's one subscription has nothing after it to leave it out of).
    const left = this.running ? this.oversizeRetained.refused(packet) : undefined;
    if (!left) return;
    this.deps.logger.error(
      { source: this.name, topic: shownTopic(left.topic), bytes: left.bytes },
      `${this.label}: ${this.leftOutText(left)}`,
    );
  }

  /**
   * Subscribes to filters found readable again on the connection standing (without one, the next connection
   * subscribes to them); where that fails the connection is closed, and the next one subscribes to all.
   */
  private async subscribeBack(filters: readonly string[]): Promise<void> {
    const client = this.client;
    if (!client?.connected || !this.isConnected) return;
    const { qos, timeout_ms: timeoutMs } = this.config;
    await subscribeFilters(
      client,
      { label: this.label, filters, qos, timeoutMs },
      () => 'the broker closed the connection',
    ).then(
      () => this.deps.logger.info({ source: this.name }, `${this.label}: subscribed to ${filters.join(', ')} again`),
      (err: Error) => {
        this.deps.logger.warn({ source: this.name }, `${err.message}; connecting again`);
        client.end(true);
      },
    );
  }

  /**
   * Subscribes once and waits for a message for every tag, at most a publish interval and the
   * timeout (retained messages come at once; the two together at most a timer's longest wait); a tag without one comes
   * back bad with the reason. Only a failure of the connection or the subscription rejects.
   */
  async readOnce(): Promise<Sample[]> {
    const latest = new Map<number, Sample>();
    let allIn: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    const waitMs = Math.min(this.config.publish_interval_ms + this.config.timeout_ms, MAX_TIMER_MS);
    let timer: NodeJS.Timeout | undefined;
    // A client of its own (a clean session, its own id), so a running gateway's session is left alone.
    const client = this.open(
      (decode) => {
        for (const { tag, sample } of decode(this.now())) latest.set(tag, sample);
        if (latest.size === this.config.tags.length) allIn();
      },
      { clean: true },
      '-once',
    );
    try {
      const { acceptedAt } = await this.connected$(client);
      await this.subscribe(client, acceptedAt);
      await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    } finally {
      clearTimeout(timer);
      await end(client);
    }
    const now = this.now();
    return this.config.tags.map((_, i) => latest.get(i) ?? this.messages.missing(i, now, waitMs));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.oversizeRetained.stop();
    this.wake?.();
    // A connect in flight ends with its client.
    await this.close();
    await this.loop;
    this.isConnected = false;
  }
}
