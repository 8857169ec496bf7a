/**
 * The cloud sync's messages over the packet limit its broker said (MQTT 5's CONNACK: core/mqtt-broker-limit.ts), found
 * before they are sent. A queued one is set aside: taken out of the queue alone (it would close the connection at each
 * connect, and hold every message behind it for good), said whole in an error line, and counted in
 * linewatch_sink_dropped_points_total{reason="over_broker_packet_limit"}. A status message is said, unsent.
 *
 * But a limit under MIN_SET_ASIDE_LIMIT_BYTES, which no cloud message is sure to fit (an alarm is about 350 bytes), is
 * the broker's misconfiguration (a figure meant in kilobytes), or a hostile broker's: setting aside each message over
 * it emptied the whole queue at the first connect. There nothing is set aside: the messages before the first over it
 * go, and it waits with those behind it, said once, until a connection's CONNACK says a larger limit.
 *
 * Both are kept for /api/status (the cloud sink's `packetLimit`: status()), as the log line scrolls away: how many were
 * set aside since the start and the last of them, and whether the queue is held now, since when.
 */
import type { MqttClient } from 'mqtt';
import { acceptOrKeep } from '../buffer/queue-failures.js';
import type { DurableQueue, QueueBatch } from '../buffer/queue.js';
import type { SinkPacketLimit } from '../core/components.js';
import { overBrokerLimit, type OverBrokerLimit } from '../core/mqtt-broker-limit.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { unqueued } from './cloud-messages.js';

/** The smallest broker limit under which a message over it is set aside (taken out of the queue); under it, held. */
export const MIN_SET_ASIDE_LIMIT_BYTES = 1024;

export class CloudPacketLimit {
  /** Where the queue is held (said once while it holds, at that limit); undefined while messages go. */
  private held: { readonly over: OverBrokerLimit; readonly since: number } | undefined;
  private setAsideCount = 0;
  private lastSetAside: { readonly over: OverBrokerLimit; readonly at: number } | undefined;

  constructor(
    private readonly sink: string,
    private readonly url: string,
    private readonly deps: { readonly logger: Logger; readonly metrics: GatewayMetrics; readonly now: () => number },
  ) {}

  /** What the limit kept back (/api/status); undefined where it kept back nothing since the start. */
  status(): SinkPacketLimit | undefined {
    const { held, lastSetAside } = this;
    const latest = held ?? lastSetAside;
    if (!latest) return undefined;
    const shown = (over: OverBrokerLimit) => ({ topic: over.topic, bytes: over.bytes });
    return {
      limit: latest.over.limit,
      setAside: this.setAsideCount,
      ...(lastSetAside ? { lastSetAside: { ...shown(lastSetAside.over), at: lastSetAside.at } } : {}),
      ...(held ? { held: { ...shown(held.over), since: held.since } } : {}),
    };
  }

  /** Where a queued message (`<topic>\n<body>`) is over the broker's limit, why it is not sent. */
  over(client: MqttClient, payload: string): OverBrokerLimit | undefined {
    const { topic, body } = unqueued(payload);
    return overBrokerLimit(client, topic, body, 1);
  }

  /**
   * Takes the next batch to publish from `queue`, up to `maxRecords` messages that fit the broker's limit; a message
   * over it, first in the queue, is set aside (accepted alone: a QueueStoreError is thrown on, the message kept) and
   * the next batch taken. Undefined when the queue is empty or a batch is in flight.
   */
  take(client: MqttClient, queue: DurableQueue, maxRecords: number): QueueBatch | undefined {
    for (;;) {
      const batch = queue.take(maxRecords);
      if (!batch) return undefined;
      const first = batch.items.findIndex((item) => this.over(client, item.payload) !== undefined);
      if (first < 0) {
        this.held = undefined;
        return batch;
      }
      queue.reject(batch);
      // Cloud messages count 1 each: the messages before it, or it alone.
      if (first > 0) return queue.take(first);
      const over = this.over(client, batch.items[0]!.payload)!;
      if (over.limit < MIN_SET_ASIDE_LIMIT_BYTES) return this.hold(queue, over);
      const alone = queue.take(1)!;
      this.setAside(queue, alone, this.over(client, alone.items[0]!.payload)!);
    }
  }

  /** Keeps the queue whole under a limit too small to trust (MIN_SET_ASIDE_LIMIT_BYTES), said once per limit. */
  private hold(queue: DurableQueue, over: OverBrokerLimit): undefined {
    if (this.held?.over.limit === over.limit) return undefined;
    this.held = { over, since: this.held?.since ?? this.deps.now() };
    const behind = queue.stats().records - 1;
    this.deps.logger.error(
      { sink: this.sink, topic: over.topic, bytes: over.bytes, limit: over.limit },
      `cloud broker ${this.url}: its packet limit, ${over.limit} bytes (its CONNACK's Maximum Packet Size; mosquitto: ` +
        `max_packet_size), is under ${MIN_SET_ASIDE_LIMIT_BYTES} bytes, which no cloud message is sure to fit: the ` +
        `message on ${over.topic} (${over.bytes} bytes as a publish packet) and the ${behind} queued behind it wait, ` +
        "nothing set aside; raise the broker's limit",
    );
    return undefined;
  }

  private setAside(queue: DurableQueue, batch: QueueBatch, over: OverBrokerLimit): void {
    acceptOrKeep(queue, batch);
    this.setAsideCount += batch.count;
    this.lastSetAside = { over, at: this.deps.now() };
    const { body } = unqueued(batch.items[0]!.payload);
    this.deps.metrics.sinkDroppedPoints.inc({ sink: this.sink, reason: 'over_broker_packet_limit' }, batch.count);
    this.deps.logger.error(
      { sink: this.sink, topic: over.topic, bytes: over.bytes, limit: over.limit, message: body },
      `cloud broker ${this.url}: ${over.message}, set aside so the messages behind it go (it is this line's ` +
        "`message`); raise the broker's limit to have such messages delivered",
    );
  }

  /** Whether the gateway's status message fits the broker's limit; where it does not, it is said, unsent. */
  statusFits(client: MqttClient, topic: string, body: string): boolean {
    const over = overBrokerLimit(client, topic, body, 1);
    if (over)
      this.deps.logger.error(
        { sink: this.sink, topic: over.topic, bytes: over.bytes, limit: over.limit },
        `cloud broker ${this.url}: the gateway's status: ${over.message}`,
      );
    return over === undefined;
  }
}
