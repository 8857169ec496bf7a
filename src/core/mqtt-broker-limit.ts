/**
 * The largest packet a broker takes, and whether a message fits it, known before it is sent. An MQTT 5 broker says its
 * limit in its CONNACK (Maximum Packet Size, MQTT 5 §3.2.2.3.6); a publish over it is not delivered: at QoS 0 the
 * broker drops it (mosquitto closes the connection after it) and the sender, told nothing, would count it published;
 * at QoS 1 the connection closes before its PUBACK and a client that keeps it sends it again at each connect, each time
 * closed. A message over the limit is refused here instead, unsent, in words that name its topic, its size and the
 * limit. An MQTT 3.1.1 broker says no limit: nothing is refused here, and the broker decides (docs/operations.md).
 * Pure, but for reading the limit off a connected client.
 */
import type { IConnackPacket, MqttClient } from 'mqtt';

/** The bytes MQTT's Variable Byte Integer takes for `n` (a packet's remaining length). */
function varIntBytes(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/**
 * The whole size of the PUBLISH packet that carries a message as mqtt.js sends it (no properties): the fixed header,
 * the topic, the packet id (QoS 1 and 2), MQTT 5's empty property length, the payload.
 */
export function publishPacketBytes(
  topic: string,
  payloadBytes: number,
  qos: 0 | 1 | 2,
  protocolVersion: number,
): number {
  const remaining = 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + (protocolVersion === 5 ? 1 : 0) + payloadBytes;
  return 1 + varIntBytes(remaining) + remaining;
}

/** The largest packet the broker of a connected client takes: its CONNACK's, MQTT 5 only; undefined where none said. */
export function brokerMaxPacketBytes(client: MqttClient): number | undefined {
  if (client.options.protocolVersion !== 5) return undefined;
  // mqtt.js keeps the connection's CONNACK (set at each connect, before 'connect'); private in its types only.
  const { connackPacket } = client as unknown as { connackPacket?: IConnackPacket };
  return connackPacket?.properties?.maximumPacketSize;
}

/** A message refused unsent: over the broker's packet limit. */
export class OverBrokerLimit extends Error {
  constructor(
    readonly topic: string,
    /** The publish packet's whole size. */
    readonly bytes: number,
    /** The broker's Maximum Packet Size. */
    readonly limit: number,
  ) {
    super(
      `the message on ${topic} is ${bytes} bytes as a publish packet, over the ${limit} bytes the broker takes (its ` +
        `CONNACK's Maximum Packet Size; mosquitto: max_packet_size): not sent`,
    );
    this.name = 'OverBrokerLimit';
  }
}

/** The refusal of a message the broker of `client` would not take; undefined where it fits or no limit is known. */
export function overBrokerLimit(
  client: MqttClient,
  topic: string,
  payload: string | Buffer,
  qos: 0 | 1 | 2,
): OverBrokerLimit | undefined {
  const limit = brokerMaxPacketBytes(client);
  if (limit === undefined) return undefined;
  const bytes = publishPacketBytes(topic, Buffer.byteLength(payload), qos, 5);
  return bytes > limit ? new OverBrokerLimit(topic, bytes, limit) : undefined;
}
