/**
 * What the MQTT source makes of a message: one sample per tag its topic feeds (payload.ts decodes it), counted in
 * linewatch_samples_total; a bad message (over max_payload_bytes, not JSON, a value or timestamp unreadable) gives
 * those tags bad samples with the reason, is counted in linewatch_source_errors_total by kind, and is logged at most
 * once a minute with how many went unlogged.
 */
import type { RefusedPacket } from '../../core/mqtt-packet-bound.js';
import { refusedPacketText } from '../../core/mqtt-packet-bound.js';
import type { Sample } from '../../core/types.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { LogThrottle } from './log-throttle.js';
import {
  decodeMessage,
  refusedMessage,
  type DecodedMessage,
  type MessageProblem,
  type TagPaths,
  type TagReading,
} from './payload.js';
import { maxPacketBytes } from './protocol-options.js';
import type { MqttSourceConfig } from './schema.js';

/** Bad messages are logged at most this often (every one is counted). */
const BAD_MESSAGE_LOG_MS = 60_000;

/** A tag's sample, with the tag's place in the source's tags. */
export type TagSample = { tag: number; sample: Sample };

export interface MessageSamplesDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now: () => number;
}

export class MessageSamples {
  private readonly name: string;
  private readonly tags: readonly TagPaths[];
  private readonly badLog = new LogThrottle(BAD_MESSAGE_LOG_MS);

  /** @param label the source in messages: "mqtt broker (mqtt://host:1883)" */
  constructor(
    private readonly config: MqttSourceConfig,
    private readonly label: string,
    private readonly deps: MessageSamplesDeps,
  ) {
    this.name = config.name;
    this.tags = config.tags.map((t) => ({
      topic: t.topic,
      field: t.field?.split('.'),
      timestampField: t.timestamp_field?.split('.'),
    }));
  }

  /**
   * A message's samples with their tags' places (none when it is for no tag), counted; a bad
   * message counted and logged now and then.
   */
  of(topic: string, payload: Buffer, received: number): TagSample[] {
    return this.counted(decodeMessage(topic, payload, this.tags, received, this.config.max_payload_bytes), received);
  }

  /**
   * A packet over maxPacketBytes, its connection closed before it was read (the connection is then lost as any): a
   * message gives the tags its topic feeds bad samples, as one over max_payload_bytes does; counted and logged alike.
   * Returns how to make its samples, or undefined where the packet named no topic (then counted and logged here).
   */
  ofRefused(packet: RefusedPacket): ((received: number) => TagSample[]) | undefined {
    const problem = `${refusedPacketText(packet)} is over the ${maxPacketBytes(this.config)} bytes a packet may take (max_payload_bytes and the longest topic): not read, the connection closed`;
    const topic = packet.topic;
    if (topic === undefined) {
      this.onBadMessage('too_large', problem);
      return undefined;
    }
    return (received) => this.counted(refusedMessage(topic, this.tags, received, 'too_large', problem), received);
  }

  /** The bad sample of tag `index` that readOnce found no message for within `waitMs`. */
  missing(index: number, now: number, waitMs: number): Sample {
    const tag = this.config.tags[index];
    return {
      source: this.name,
      asset: this.config.asset,
      channel: tag.channel,
      ts: now,
      value: Number.NaN,
      quality: 'bad',
      ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
      reason: `${this.label}: no message on ${tag.topic} within ${waitMs} ms`,
    };
  }

  private counted(decoded: DecodedMessage, received: number): TagSample[] {
    if (decoded.kind) this.onBadMessage(decoded.kind, decoded.problem ?? 'a bad message');
    const out = decoded.readings.map((r) => ({ tag: r.tag, sample: this.sample(r, received) }));
    let good = 0;
    for (const { sample } of out) if (sample.quality === 'good') good++;
    if (good > 0) this.deps.metrics.samples.inc({ source: this.name, quality: 'good' }, good);
    if (out.length > good) this.deps.metrics.samples.inc({ source: this.name, quality: 'bad' }, out.length - good);
    return out;
  }

  private sample(r: TagReading, received: number): Sample {
    const tag = this.config.tags[r.tag];
    return {
      source: this.name,
      asset: this.config.asset,
      channel: tag.channel,
      ts: r.ts,
      received,
      value: r.value,
      quality: r.problem === undefined ? 'good' : 'bad',
      ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
      ...(r.problem !== undefined ? { reason: `${this.label}: ${r.problem}` } : {}),
    };
  }

  private onBadMessage(kind: MessageProblem, problem: string): void {
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind });
    const unlogged = this.badLog.take(this.deps.now());
    if (unlogged === undefined) return;
    this.deps.logger.warn(
      { source: this.name, kind, unlogged },
      `${this.label}: bad message: ${problem}; its tags' samples are bad${unlogged > 0 ? ` (and ${unlogged} more bad messages since the last of these lines, logged at most once a minute)` : ''}`,
    );
  }
}
