/**
 * Where release notices come from: retained MQTT messages on `<prefix>/releases/<model name>` (the cloud broker's
 * settings, TLS included, under a client id of its own) and a JSON document polled over HTTP(S) at `poll_url` (one
 * notice, or a list; no redirect, at most max_manifest_bytes). Each notice's text goes to `onText` with where it came
 * from; what a notice is, and what follows, is the updater's (model-updater.ts).
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { brokerErrorText, connectMqtt, protocolVersionHint } from '../core/mqtt-connection.js';
import { acceptedCloseHint } from '../core/mqtt-accepted-close.js';
import { clearRetainedCommand, refusedPacketText, type RefusedPacket } from '../core/mqtt-packet-bound.js';
import { refusalRetryText, type RefusalRetry } from '../core/mqtt-refusals.js';
import { LeftOutLooks } from '../core/left-out-looks.js';
import {
  backText,
  LEFT_OUT_RETRY,
  stillLeftOutText,
  type LeftOut,
  type LeftOutRetry,
} from '../core/oversize-retained.js';
import { leftOutNoticesText, noticeFilters, subscribedNotices } from './notice-filters.js';
import { connackRefusalText } from '../core/reconnect-pacing.js';
import type { Logger } from '../telemetry/logger.js';
import { getCapped } from './release-download.js';
import { namingSetting } from './release-reader.js';
import { CLOUD_PROTOCOL_SETTING, type ModelUpdatesConfig, type MqttSyncConfig } from './schema.js';

const LOG = { component: 'model-updates' } as const;
/** The most a look at a left-out notice topic waits for the broker (connect, then each answer). */
const LOOK_TIMEOUT_MS = 5000;

/** The models this gateway runs (a notice topic each, subscribed to while every model's is left out), and how soon a
 * left-out topic is looked at again. */
export interface LeftOutNotices {
  readonly models: () => readonly string[];
  readonly retry?: LeftOutRetry;
}

export class NoticeSources {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Notice topics left out for a retained notice too large to read (MQTT 3.1.1), looked at again later. */
  private looks: LeftOutLooks | undefined;
  /** The filters the connection standing is subscribed to. */
  private current: string[] = [];

  constructor(
    private readonly config: ModelUpdatesConfig,
    private readonly mqttConfig: MqttSyncConfig | undefined,
    private readonly logger: Logger,
    /** `published`: published anew while subscribed, not delivered again (a retained message, a poll). */
    private readonly onText: (text: string, origin: string, published: boolean) => void,
    /** A message on `topic` refused unread (over max_incoming_bytes), and why: at the first of an episode. */
    private readonly onRefused: (topic: string, reason: string) => void = () => {},
    private readonly leftOut: LeftOutNotices = { models: () => [] },
  ) {}

  start(): void {
    const broker = this.mqttConfig;
    if (this.config.mqtt && broker) {
      const looks = this.leftOutLooks(broker);
      this.looks = looks;
      /** An unaccepted close was said since the last connect (the client tries again each second). */
      let unacceptedSaid = false;
      const client = connectMqtt(broker, {
        role: 'release notices',
        defaultClientId: `linewatch-updates-${randomBytes(4).toString('hex')}`,
        idSuffix: '-updates',
        // Subscribed at each connect below, to what is not left out (mqtt.js would subscribe to what it had again).
        options: { protocolVersion: broker.protocol_version, reconnectPeriod: 1000, clean: true, resubscribe: false },
        // A client id of its own (random) cannot be taken over; a configured client_id can.
        ...(broker.client_id !== undefined ? { onFlapping: (message: string) => this.logger.error(LOG, message) } : {}),
        protocolSetting: CLOUD_PROTOCOL_SETTING,
        onClosedUnaccepted: (reason) => {
          if (!unacceptedSaid) this.logger.warn(LOG, `release notices: broker ${broker.url}: ${reason}`);
          unacceptedSaid = true;
        },
        incoming: {
          maxPacketBytes: broker.max_incoming_bytes,
          onRefused: (packet, retry) => this.refused(packet, retry, broker),
        },
        onHeld: (failures) =>
          this.logger.info(
            LOG,
            `release notices: broker ${broker.url}: connected again, and the connection holds (${failures} connections refused or closed before)`,
          ),
      });
      /** The error last said since the last connect: one the broker repeats at each connect is said once. */
      let lastError: string | undefined;
      client.on('connect', () => {
        unacceptedSaid = false;
        lastError = undefined;
        this.current = this.toSubscribe(broker);
        if (this.current.length > 0) client.subscribe(this.current, { qos: 1 });
      });
      // A message published while subscribed comes without the retain flag (MQTT 3.3.1.3), a retained one with it.
      client.on('message', (t, payload, packet) => this.onText(payload.toString('utf8'), `mqtt ${t}`, !packet.retain));
      client.on('error', (err) => {
        const text = `release notices: broker ${broker.url}: ${brokerErrorText(err, broker)}${protocolVersionHint(err, broker.protocol_version, CLOUD_PROTOCOL_SETTING)}${acceptedCloseHint(err)}${connackRefusalText(err)}`;
        if (text !== lastError) this.logger.warn(LOG, text);
        lastError = text;
      });
      this.client = client;
    }
    if (this.config.poll_url) {
      const poll = () => void this.poll(this.config.poll_url!);
      poll();
      this.timer = setInterval(poll, this.config.poll_interval_s * 1000);
      this.timer.unref();
    }
  }

  /**
   * A packet over cloud.mqtt.max_incoming_bytes closed the connection: said at the first of an episode (a retained
   * notice comes at every connection, and the client connects again later each time: mqtt-refusals.ts), with how to
   * end it.
   */
  private refused(packet: RefusedPacket, retry: RefusalRetry, broker: MqttSyncConfig): void {
    const left = this.looks?.refused(packet);
    if (left) return this.leftOutNotice(packet, left, broker);
    if (retry.count !== 1) return;
    const command = clearRetainedCommand(packet.topic);
    const clear = command ? ` (${command})` : '';
    const advice =
      packet.type !== 'publish'
        ? ''
        : `. A retained message is sent again at each connection, and no notice arrives meanwhile: clear it on the broker${clear}` +
          (broker.protocol_version === 4 ? ', or set cloud.mqtt.protocol_version: 5 if the broker speaks MQTT 5' : '');
    const refused = `${refusedPacketText(packet)}, over cloud.mqtt.max_incoming_bytes ${broker.max_incoming_bytes}: refused unread`;
    if (packet.type === 'publish' && packet.topic) this.onRefused(packet.topic, refused);
    this.logger.error(
      LOG,
      `release notices: broker ${broker.url} sent ${refused}, the connection closed; ${refusalRetryText(retry)}${advice}`,
    );
  }

  /** The filters to subscribe to now: every model's, or each model's but those left out. */
  private toSubscribe(broker: MqttSyncConfig): string[] {
    return subscribedNotices(broker.topic_prefix, this.looks?.leftOut.subscribed() ?? []);
  }

  /**
   * On MQTT 3.1.1, notice topics left out for a retained notice too large to read, and looked at again on a connection
   * of their own (core/left-out-looks.ts); a topic found cleared is subscribed again on the connection standing.
   */
  private leftOutLooks(broker: MqttSyncConfig): LeftOutLooks {
    const retry = this.leftOut.retry ?? LEFT_OUT_RETRY;
    return new LeftOutLooks({
      broker,
      probe: {
        role: {
          role: 'release notices',
          defaultClientId: `linewatch-updates-probe-${randomBytes(4).toString('hex')}`,
          idSuffix: '-updates-probe',
          protocolSetting: CLOUD_PROTOCOL_SETTING,
          options: { protocolVersion: broker.protocol_version },
        },
        maxPacketBytes: broker.max_incoming_bytes,
        timeoutMs: LOOK_TIMEOUT_MS,
      },
      filters: noticeFilters(broker.topic_prefix, this.leftOut.models()),
      v311: broker.protocol_version === 4,
      now: Date.now,
      retry,
      still: (left, why) => {
        const text = stillLeftOutText(left, why);
        this.logger.info(LOG, `release notices: ${text}`);
        this.onRefused(left.topic, text);
      },
      back: (topic, filters) => {
        this.logger.info(LOG, `release notices: ${backText(topic, filters)}`);
        this.resubscribe(broker);
      },
    });
  }

  /** Subscribes the connection standing to what it should now be (and unsubscribes the rest); none: at the next. */
  private resubscribe(broker: MqttSyncConfig): void {
    const client = this.client;
    if (!client?.connected) return;
    const next = this.toSubscribe(broker);
    const add = next.filter((f) => !this.current.includes(f));
    const drop = this.current.filter((f) => !next.includes(f));
    if (add.length > 0) client.subscribe(add, { qos: 1 });
    if (drop.length > 0) client.unsubscribe(drop);
    this.current = next;
  }

  /** A retained notice too large to read left topics out (MQTT 3.1.1): said as an error, and kept for /api/status. */
  private leftOutNotice(packet: RefusedPacket, left: LeftOut, broker: MqttSyncConfig): void {
    const command = clearRetainedCommand(packet.topic);
    const refused = `${refusedPacketText(packet)}, over cloud.mqtt.max_incoming_bytes ${broker.max_incoming_bytes}: refused unread`;
    const text = leftOutNoticesText(left, this.toSubscribe(broker), this.leftOut.retry ?? LEFT_OUT_RETRY);
    this.onRefused(left.topic, `${refused}; ${text}`);
    this.logger.error(
      LOG,
      `release notices: broker ${broker.url} sent ${refused}, the connection closed (MQTT 3.1.1 sends a retained ` +
        `message again at each subscription); ${text}. Clear it on the broker${command ? ` (${command})` : ''}, or set ` +
        'cloud.mqtt.protocol_version: 5 if the broker speaks MQTT 5',
    );
  }

  /** Fetches the notice document and hands on each notice in it (one, or a list). */
  private async poll(url: string): Promise<void> {
    try {
      const bytes = await getCapped(new URL(url), this.config.max_manifest_bytes, 'the notice document', 10_000).catch(
        (err: unknown) => {
          throw namingSetting(err, 'max_manifest_bytes');
        },
      );
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(bytes).toString('utf8'));
      } catch (err) {
        throw new Error(`not JSON: ${(err as Error).message}`);
      }
      for (const notice of Array.isArray(body) ? body : [body]) this.onText(JSON.stringify(notice), url, false);
    } catch (err) {
      this.logger.warn(LOG, `release notices: ${url}: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.looks?.stop();
    await this.client?.endAsync().catch(() => undefined);
  }
}
