/**
 * The MQTT side of remote configuration: one connection of its own to cloud.mqtt's broker (its settings, TLS included;
 * the local file's, which a remote configuration cannot change), subscribed QoS 1 to the gateway's two configuration
 * topics (topics.ts). Each message goes to `onMessage`, one at a time in the order they came (a retained message comes
 * again at each connection). Incoming packets are bounded by max_message_bytes and room for the topic: a larger one
 * closes the connection unread, and the log says so. Outcomes are published retained, QoS 1, on
 * `<prefix>/<gateway>/config/outcome` (the last one is what the cloud reads there).
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { brokerErrorText, connectMqtt } from '../core/mqtt-connection.js';
import { refusedPacketText } from '../core/mqtt-packet-bound.js';
import type { Logger } from '../telemetry/logger.js';
import { CLOUD_PROTOCOL_SETTING, type MqttSyncConfig } from '../sync/schema.js';
import { configTopics } from './topics.js';

const LOG = { component: 'remote-config' } as const;
/** Room for a PUBLISH packet's header and topic beyond the message itself. */
const TOPIC_ROOM = 1024;

export class ConfigReceiver {
  private client: MqttClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: MqttSyncConfig,
    private readonly gateway: string,
    private readonly maxMessageBytes: number,
    private readonly logger: Logger,
    private readonly onMessage: (bytes: Buffer, origin: string) => Promise<void>,
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
    });
    client.on('message', (topic, payload) => {
      this.queue = this.queue.then(() =>
        this.onMessage(payload, `mqtt ${topic}`).catch((err: unknown) =>
          this.logger.error(LOG, `remote configuration from ${topic}: ${(err as Error).message}`),
        ),
      );
    });
    client.on('error', (err) => {
      const text = `remote configuration: broker ${broker.url}: ${brokerErrorText(err, broker)}`;
      if (text !== lastError) this.logger.warn(LOG, text);
      lastError = text;
    });
    this.client = client;
  }

  /** Publishes an outcome (retained, QoS 1); kept by the client while the broker is away, not across a restart. */
  publishOutcome(outcome: object): void {
    this.client?.publish(this.outcomeTopic, JSON.stringify(outcome), { qos: 1, retain: true });
  }

  /** Waits for the message being handled, then closes the connection. Idempotent. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    await this.queue;
  }
}
