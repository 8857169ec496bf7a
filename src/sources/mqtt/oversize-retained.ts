/**
 * Retained messages too large to read, on an MQTT 3.1.1 source (pure). A broker keeps a retained message and sends it
 * at each subscription to a filter that matches its topic; one over the source's packet bound (protocol-options.ts)
 * closes the connection before it is read (core/mqtt-packet-bound.ts), so the source would connect, subscribe and be
 * closed again without end, and no message on any of its topics would come through. With MQTT 5 the broker is told
 * the bound and keeps the message back; 3.1.1 has no way to say it, nor to subscribe without the retained messages.
 * So the filters matching the topic are left out of the next subscriptions (until the source is restarted): the other
 * topics' messages come, and the retained message, someone else's data, is left on the broker untouched. Their tags
 * are listed in tagIssues meanwhile.
 */
import { clearRetainedCommand, shownTopic, type RefusedPacket } from '../../core/mqtt-packet-bound.js';
import { topicMatches } from './payload.js';

/** A retained message that closed the connection, and the filters left out for it. */
export interface LeftOut {
  readonly topic: string;
  readonly bytes: number;
  readonly filters: readonly string[];
}

export class OversizeRetained {
  private readonly leftOut = new Map<string, LeftOut>();

  constructor(
    /** The source's filters, deduplicated. */
    private readonly filters: readonly string[],
    /** Whether the version is 3.1.1 (with MQTT 5 the broker keeps such messages back). */
    private readonly v311: boolean,
  ) {}

  /** A packet over the bound closed the connection: where it is a retained publish, what is left out now for it. */
  refused(packet: RefusedPacket): LeftOut | undefined {
    const topic = packet.topic;
    if (!this.v311 || packet.retained !== true || topic === undefined || topic === '') return undefined;
    const filters = this.filters.filter((f) => topicMatches(f, topic) && !this.isLeftOut(f));
    if (filters.length === 0) return undefined;
    const left = { topic, bytes: packet.bytes, filters };
    this.leftOut.set(topic, left);
    return left;
  }

  /** The filters to subscribe to: all but those left out. */
  subscribed(): string[] {
    return this.filters.filter((f) => !this.isLeftOut(f));
  }

  /** The filters left out and why, for tagIssues. */
  issues(): LeftOut[] {
    return [...this.leftOut.values()];
  }

  private isLeftOut(filter: string): boolean {
    return [...this.leftOut.values()].some((l) => l.filters.includes(filter));
  }
}

/**
 * What the log says once and tagIssues keeps: the topic, its size, the filters left out, and what to do. `where` is
 * the source's configuration path (`sources[2]`), `packetBytes` its bound.
 */
export function leftOutText(left: LeftOut, where: string, packetBytes: number): string {
  const command = clearRetainedCommand(left.topic);
  const clear = command ? ` (${command})` : '';
  return (
    `the broker holds a retained message on ${shownTopic(left.topic)} of ${left.bytes} bytes, over the ${packetBytes} ` +
    `bytes a packet may take (${where}.max_payload_bytes and the longest topic), which MQTT 3.1.1 sends again at each ` +
    `subscription and which closes the connection unread: ${left.filters.join(', ')} no longer subscribed, so the ` +
    `other topics' messages come; their tags get no samples until the source is restarted. Raise ` +
    `${where}.max_payload_bytes, have the message cleared${clear}, or set ${where}.protocol_version: 5 (the broker then ` +
    'keeps such messages back)'
  );
}
