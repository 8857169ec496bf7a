/**
 * What an MQTT source says of a retained message too large to read (pure): on MQTT 3.1.1 the filters matching its
 * topic are left out of its subscriptions and looked at again later on a connection of their own
 * (core/oversize-retained.ts, core/retained-probe.ts). Said once in the log as an error, and in tagIssues
 * (/api/status) while it lasts, with when it is looked at next.
 */
import { clearRetainedCommand, shownTopic } from '../../core/mqtt-packet-bound.js';
import { retryApart, shownTime, type LeftOut, type LeftOutRetry } from '../../core/oversize-retained.js';

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
