/**
 * What an MQTT source does of a retained message too large to read: on MQTT 3.1.1 the filters matching its topic are
 * left out of its subscriptions and looked at again later on a connection of their own (core/oversize-retained.ts,
 * core/left-out-looks.ts, core/retained-probe.ts). Said once in the log as an error, and in tagIssues (/api/status)
 * while it lasts, with when it is looked at next; each look at info.
 */
import { clearRetainedCommand, shownTopic } from '../../core/mqtt-packet-bound.js';
import { LeftOutLooks } from '../../core/left-out-looks.js';
import {
  backText,
  retryApart,
  shownTime,
  stillLeftOutText,
  type LeftOut,
  type LeftOutRetry,
} from '../../core/oversize-retained.js';
import type { Logger } from '../../telemetry/logger.js';
import { maxPacketBytes, protocolOptions } from './protocol-options.js';
import type { MqttSourceConfig } from './schema.js';

/**
 * What the log says once and tagIssues keeps: the topic, its size, the filters left out, when it is looked at next,
 * and what to do. `where` is the source's configuration path (`sources[2]`), `packetBytes` its bound.
 */
export function leftOutText(left: LeftOut, where: string, packetBytes: number, retry: LeftOutRetry): string {
  const command = clearRetainedCommand(left.topic);
  const clear = command ? ` (${command})` : '';
  return (
    `the broker holds a retained message on ${shownTopic(left.topic)} of ${left.bytes} bytes, over the ${packetBytes} ` +
    `bytes a packet may take (${where}.max_payload_bytes and the longest topic), which MQTT 3.1.1 sends again at each ` +
    `subscription and which closes the connection unread: ${left.filters.join(', ')} no longer subscribed, so the ` +
    `other topics' messages come; their tags get no samples until it is cleared or small enough: looked at again on a ` +
    `connection of its own at ${shownTime(left.nextTryAt)} (${triesText(left.tries)}later each time it is still ` +
    `there, up to ${retryApart(retry)} apart), and subscribed again then. Raise ` +
    `${where}.max_payload_bytes, have the message cleared${clear}, or set ${where}.protocol_version: 5 (the broker then ` +
    'keeps such messages back)'
  );
}

const triesText = (tries: number): string => (tries > 0 ? `still there at ${tries} look(s) so far; ` : '');

/** What a source's looks at its left-out topics need of it. */
export interface SourceLeftOut {
  readonly config: MqttSourceConfig;
  readonly name: string;
  /** The source in the log: "mqtt broker (mqtt://host:1883)". */
  readonly label: string;
  /** Its client id where none is configured (a look's gets -probe appended, as a configured one does). */
  readonly defaultClientId: string;
  readonly protocolSetting: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly retry: LeftOutRetry;
  readonly filters: readonly string[];
  /** Subscribes the connection standing to filters found readable again. */
  readonly subscribeBack: (filters: readonly string[]) => Promise<void>;
}

/**
 * A source's topics left out for a retained message too large to read (MQTT 3.1.1), looked at again on a connection
 * of their own (core/left-out-looks.ts): a look that finds one still there is said at info; one gone is said and
 * subscribed to again.
 */
export function sourceLeftOutLooks(s: SourceLeftOut): LeftOutLooks {
  const log = (topic: string) => ({ source: s.name, topic: shownTopic(topic) });
  return new LeftOutLooks({
    broker: s.config,
    probe: {
      role: {
        role: s.label,
        defaultClientId: `${s.defaultClientId}-probe`,
        idSuffix: '-probe',
        protocolSetting: s.protocolSetting,
        options: protocolOptions(s.config, true),
      },
      maxPacketBytes: maxPacketBytes(s.config),
      timeoutMs: s.config.timeout_ms,
    },
    filters: s.filters,
    v311: s.config.protocol_version === 4,
    now: s.now,
    retry: s.retry,
    still: (left, why) => s.logger.info(log(left.topic), `${s.label}: ${stillLeftOutText(left, why)}`),
    back: async (topic, filters) => {
      s.logger.info(log(topic), `${s.label}: ${backText(topic, filters)}`);
      await s.subscribeBack(filters);
    },
  });
}
