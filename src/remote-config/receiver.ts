/**
 * The MQTT side of remote configuration: one connection of its own to cloud.mqtt's broker (its settings, TLS included;
 * the local file's, which a remote configuration cannot change), subscribed QoS 1 to the gateway's two configuration
 * topics (topics.ts). Each message goes to `onMessage`, one at a time in the order they came (a retained message comes
 * again at each connection); while one is handled (an apply stops and starts a gateway: seconds), only the newest
 * message of each topic waits, as the broker retains only the newest: those it replaces are passed over, said once
 * with their count (every one was held whole, so a flood on the topic, signed or not, grew the memory without bound).
 * Incoming packets are bounded by max_message_bytes and room for the topic: a larger one closes the connection unread,
 * and the log says so. The latest outcome (latest-outcome.ts) is published retained,
 * QoS 1, on `<prefix>/<gateway>/config/outcome` (what the cloud reads there): at each connection while the broker has
 * not acknowledged it, and as each comes. One publication at a time: an outcome that comes while another is in flight
 * (or held by the client for the broker's return) is published once that one is acknowledged, so the broker never
 * keeps an older outcome after a newer one.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { brokerErrorText, connectMqtt } from '../core/mqtt-connection.js';
import { refusedPacketText } from '../core/mqtt-packet-bound.js';
import type { Logger } from '../telemetry/logger.js';
import { endWithin } from '../sync/client-deadlines.js';
import { SHUTDOWN_WAIT_MAX_MS } from '../sync/mqtt-sync.js';
import { CLOUD_PROTOCOL_SETTING, type MqttSyncConfig } from '../sync/schema.js';
import type { LatestOutcome } from './latest-outcome.js';
import { configTopics } from './topics.js';

const LOG = { component: 'remote-config' } as const;
/** Room for a PUBLISH packet's header and topic beyond the message itself. */
const TOPIC_ROOM = 1024;

export class ConfigReceiver {
  private client: MqttClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** An outcome publication is in flight (the client sends it again at a reconnection until it is acknowledged). */
  private publishing = false;
  /** The newest message of each topic not handled yet, oldest topic first, whether retained, how many it replaced. */
  private readonly waiting = new Map<string, { payload: Buffer; retain: boolean; replaced: number }>();
  private draining = false;

  constructor(
    private readonly broker: MqttSyncConfig,
    private readonly gateway: string,
    private readonly maxMessageBytes: number,
    private readonly logger: Logger,
    /** `retained`: delivered as the topic's retained message (at a subscription), not as it was published. */
    private readonly onMessage: (bytes: Buffer, origin: string, retained: boolean) => Promise<void>,
    private readonly outcomes: LatestOutcome,
  ) {}

  /** The topic outcomes are published on. */
  get outcomeTopic(): string {
    return `${this.broker.topic_prefix}/${this.gateway}/config/outcome`;
  }

  start(): void {
    const broker = this.broker;
    const topics = configTopics(broker.topic_prefix, this.gateway);
    const client = connectMqtt(broker, {
      role: 'remote configuration',
      defaultClientId: `linewatch-config-${randomBytes(4).toString('hex')}`,
      idSuffix: '-config',
      options: { protocolVersion: broker.protocol_version, reconnectPeriod: 1000, clean: true },
      protocolSetting: CLOUD_PROTOCOL_SETTING,
      incoming: {
        maxPacketBytes: this.maxMessageBytes + TOPIC_ROOM,
        onRefused: (packet, retry) => {
          if (retry.count === 1)
            this.logger.error(
              LOG,
              `remote configuration: broker ${broker.url} sent ${refusedPacketText(packet)}, over cloud.remote_config.max_message_bytes ${this.maxMessageBytes}: refused unread, the connection closed`,
            );
        },
      },
    });
    let lastError: string | undefined;
    client.on('connect', () => {
      lastError = undefined;
      client.subscribe(topics, { qos: 1 });
      this.publishOutcome();
    });
    client.on('message', (topic, payload, packet) => {
      const before = this.waiting.get(topic);
      this.waiting.delete(topic); // to the end: the topics are handled in the order of their newest message
      this.waiting.set(topic, { payload, retain: packet.retain, replaced: before ? before.replaced + 1 : 0 });
      this.drain();
    });
    client.on('error', (err) => {
      const text = `remote configuration: broker ${broker.url}: ${brokerErrorText(err, broker)}`;
      if (text !== lastError) this.logger.warn(LOG, text);
      lastError = text;
    });
    this.client = client;
  }

  /** Hands the waiting messages to onMessage, one at a time, until none waits. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.queue = this.queue.then(async () => {
      for (let next = this.waiting.entries().next(); !next.done; next = this.waiting.entries().next()) {
        const [topic, { payload, retain, replaced }] = next.value;
        this.waiting.delete(topic);
        if (replaced > 0)
          this.logger.warn(
            LOG,
            `remote configuration: ${replaced} message${replaced === 1 ? '' : 's'} on ${topic} passed over for a newer one that came while another was handled (only the newest waits, as the broker retains only the newest)`,
          );
        try {
          await this.onMessage(payload, `mqtt ${topic}`, retain);
        } catch (err) {
          this.logger.error(LOG, `remote configuration from ${topic}: ${(err as Error).message}`);
        }
      }
      this.draining = false;
    });
  }

  /** Publishes the latest outcome (retained, QoS 1) where the broker has not acknowledged it, it is connected, and no
   * publication is in flight; again with the next latest once the broker acknowledges it. */
  publishOutcome(): void {
    const client = this.client;
    const outcome = this.outcomes.current;
    if (!client?.connected || this.publishing || !outcome || !this.outcomes.pending) return;
    this.publishing = true;
    const payload = JSON.stringify({ gateway: this.gateway, ...outcome });
    client.publish(this.outcomeTopic, payload, { qos: 1, retain: true }, (err) => {
      this.publishing = false;
      if (err) {
        // The client closed (a stop), or the broker refused it: published again at the next connection or start.
        if (this.client) this.logger.warn(LOG, `remote configuration outcome on ${this.outcomeTopic}: ${err.message}`);
        return;
      }
      void this.outcomes.published(outcome).then(() => this.publishOutcome());
    });
  }

  /**
   * Waits for the message being handled, then closes the connection: an outcome in flight gets the broker's
   * cloud.mqtt.publish_timeout_ms (at most SHUTDOWN_WAIT_MAX_MS) to be acknowledged, none while the broker is away (a
   * plain end waited for it for good, and the stop with it); it is kept on disk and published at the next start.
   * Idempotent.
   */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await endWithin(client, client.connected ? Math.min(this.broker.publish_timeout_ms, SHUTDOWN_WAIT_MAX_MS) : 0);
    await this.queue;
  }
}
