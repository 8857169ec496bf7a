/**
 * What the MQTT source makes of a message: one sample per tag its topic feeds (payload.ts decodes it), counted in
 * linewatch_samples_total; a bad message (over max_payload_bytes, not JSON, a value or timestamp unreadable) gives
 * those tags bad samples with the reason (an unreadable value: its own tag only), is counted in
 * linewatch_source_errors_total by kind, and is logged at most once a minute with how many went unlogged. A tag whose
 * value the message leaves out (missing or null) gets no sample from it, so its last reading stands as the asset's
 * window allows (max_sample_age_ms): counted (kind missing_value), said once per (topic, field) while it lasts
 * (absent-values.ts), and an issue in /api/status meanwhile.
 */
import type { RefusedPacket } from '../../core/mqtt-packet-bound.js';
import { refusedPacketText, shownTopic } from '../../core/mqtt-packet-bound.js';
import type { Sample } from '../../core/types.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { AbsentValues } from './absent-values.js';
import { LogThrottle } from '../../core/log-throttle.js';
import {
  decodeMessage,
  fieldName,
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
/** An absent value that starts again within this long of the last line for its (topic, field) is only counted. */
const ABSENT_VALUE_LOG_MS = 10 * 60_000;

/** Absences named in one line; more are counted ("and 34 more"). */
const NAMED_ABSENCES = 4;

/** A value missing or null whose absence a message started, to be said. */
interface AbsenceStart {
  readonly field: string;
  readonly how: 'missing' | 'null';
  readonly channel: string;
  /** How many times it started unsaid since its last line. */
  readonly unsaid: number;
}

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
  private readonly absent = new AbsentValues(ABSENT_VALUE_LOG_MS);

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
    const decoded = decodeMessage(topic, payload, this.tags, received, this.config.max_payload_bytes);
    return this.counted(this.withoutAbsent(topic, decoded, received), received);
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

  /**
   * The bad sample of tag `index` that readOnce found no message for within `waitMs`, or only messages without its
   * value.
   */
  missing(index: number, now: number, waitMs: number): Sample {
    const tag = this.config.tags[index];
    const absent = this.absent.lasting().find((a) => a.tag === index);
    return {
      source: this.name,
      asset: this.config.asset,
      channel: tag.channel,
      ts: now,
      value: Number.NaN,
      quality: 'bad',
      ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
      reason: absent
        ? `${this.label}: ${shownTopic(absent.topic)}: ${absent.field} ${absent.how} in every message within ${waitMs} ms`
        : `${this.label}: no message on ${tag.topic} within ${waitMs} ms`,
    };
  }

  /** The values messages leave out while it lasts, in words naming topic, field and channel (/api/status). */
  issues(): string[] {
    return this.absent
      .lasting()
      .map(
        (a) =>
          `${shownTopic(a.topic)}: ${a.field} ${a.how} in ${a.messages} message(s) since ${new Date(a.since).toISOString()}: channel ${this.config.tags[a.tag].channel} has no new sample`,
      );
  }

  /**
   * A decoded message without the readings of the values it leaves out (missing, null): counted once per message,
   * each (topic, field) said when its absence starts; a value that came ends its absence.
   */
  private withoutAbsent(topic: string, decoded: DecodedMessage, received: number): DecodedMessage {
    const starts: AbsenceStart[] = [];
    for (const r of decoded.readings) {
      if (r.absent === undefined) {
        if (decoded.kind !== 'too_large' && decoded.kind !== 'not_json')
          this.absent.present(topic, fieldName(this.tags[r.tag].field));
        continue;
      }
      const say = this.absent.absent(topic, r.absent.field, r.tag, r.absent.how, received);
      if (say) starts.push({ ...r.absent, channel: this.config.tags[r.tag].channel, unsaid: say.unsaid });
    }
    if (starts.length > 0) this.onAbsentValues(topic, starts);
    if (!decoded.readings.some((r) => r.absent !== undefined)) return decoded;
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'missing_value' });
    return { ...decoded, readings: decoded.readings.filter((r) => r.absent === undefined) };
  }

  /** The absences a message on `topic` started, in one line (a message without most of its fields is one line). */
  private onAbsentValues(topic: string, starts: readonly AbsenceStart[]): void {
    const shown = starts
      .slice(0, NAMED_ABSENCES)
      .map((a) => `${a.field} ${a.how === 'null' ? 'is null' : 'is missing'}`);
    const more = starts.length > NAMED_ABSENCES ? ` and ${starts.length - NAMED_ABSENCES} more` : '';
    const channels = starts.map((a) => a.channel);
    const unsaid = starts.reduce((n, a) => n + a.unsaid, 0);
    const one = starts.length === 1;
    const where = shownTopic(topic);
    this.deps.logger.warn(
      { source: this.name, topic: where, fields: starts.map((a) => a.field), channels, unsaid },
      `${this.label}: ${where}: ${shown.join(', ')}${more}: no sample of ${one ? `channel ${channels[0]}` : `channels ${channels.slice(0, NAMED_ABSENCES).join(', ')}${more}`} from these messages, the others are read (${one ? 'its last reading is' : 'their last readings are'} held up to the asset's window.max_sample_age_ms); said again when it starts again${unsaid > 0 ? ` (and ${unsaid} more times it did since the last of these lines, said at most once every 10 minutes)` : ''}`,
    );
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
      `${this.label}: bad message: ${problem}; ${kind === 'bad_value' ? "the sample of each tag whose value or timestamp is unreadable is bad, the others' are read" : "its tags' samples are bad"}${unlogged > 0 ? ` (and ${unlogged} more bad messages since the last of these lines, logged at most once a minute)` : ''}`,
    );
  }
}
