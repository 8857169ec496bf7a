/**
 * Retained commands too large to read (pure). Sparkplug 3.0 says a host publishes NCMD and DCMD with retain false
 * (tck-id-topics-ncmd-mqtt, tck-id-topics-dcmd-mqtt), but a broker keeps whatever a client retains and sends it again
 * at each subscription. One over the node's incoming bound on its command topics closes each connection before it is
 * read (mqtt-packet-bound.ts), so with MQTT 3.1.1 (no Maximum Packet Size for the broker to keep to) the node would die
 * and birth again for as long as it is there. The way MQTT gives to delete a retained message is an empty retained
 * publish on its topic: the node does that at the next connection, before it subscribes, for a retained publish
 * refused on its own command topics (never another topic the broker names). Where it comes back after that, the
 * broker did not take the clearing publish (its ACL: MQTT 3.1.1 drops a publish it does not allow without a word).
 */
import { clearRetainedCommand, type RefusedPacket } from '../../core/mqtt-packet-bound.js';
import { isCommandTopic, type EdgeNodeId } from './payloads.js';

/** The most topics kept to clear (a node has one NCMD and a DCMD per device; a broker cannot make it keep more). */
const MAX_TOPICS = 64;

/** What the node does about a refused packet: clear a retained command on it, or nothing (a refusal as any other). */
export type RefusedCommand = { readonly clear: string; readonly clearedBefore: boolean } | undefined;

export class RetainedCommands {
  /** Topics to clear at the next connection. */
  private readonly toClear = new Set<string>();
  /** Topics cleared once already (a refusal after that: the broker did not take the clear). */
  private readonly cleared = new Set<string>();

  constructor(private readonly id: EdgeNodeId) {}

  /** A packet over the bound closed the connection: a retained command of the node's is cleared at the next one. */
  refused(packet: RefusedPacket): RefusedCommand {
    const topic = packet.topic;
    if (packet.retained !== true || topic === undefined || !isCommandTopic(this.id, topic)) return undefined;
    if (this.toClear.size < MAX_TOPICS) this.toClear.add(topic);
    return { clear: topic, clearedBefore: this.cleared.has(topic) };
  }

  /** The topics to clear now (before subscribing), taken. */
  take(): string[] {
    const topics = [...this.toClear];
    this.toClear.clear();
    for (const t of topics) if (this.cleared.size < MAX_TOPICS) this.cleared.add(t);
    return topics;
  }
}

/** What the refusal's log line adds for a retained command: that the node clears it, or that the clear was refused. */
export function refusedCommandText(command: RefusedCommand): string {
  if (!command) return '';
  if (command.clearedBefore)
    return `; a retained command, back although the node cleared it: the broker does not let this node publish there (its ACL). Clear it as a user who may: ${clearCommand(command.clear)}`;
  return '; a retained command (Sparkplug commands are never retained), which the broker sends again at each connection: the node clears it (an empty retained message on its topic) at the next one';
}

/**
 * The command that deletes a retained message on `topic`, for a log line: the broker chose the topic's device level (up
 * to 64 KiB), so one longer than a line shows is not written out.
 */
export function clearCommand(topic: string): string {
  return clearRetainedCommand(topic) ?? `mosquitto_pub -r -n -t <the topic, ${topic.length} characters>`;
}
