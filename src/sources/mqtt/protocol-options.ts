/**
 * The MQTT source's client options that depend on the MQTT version (pure), and the largest packet it takes: the bound
 * that keeps a publisher or broker from making the gateway read hundreds of MB before refusing a message.
 */
import type { IClientOptions } from 'mqtt';
import type { MqttSourceConfig } from './schema.js';

/** MQTT's longest topic (a 16-bit length), and room for a publish packet's fixed header, id and properties. */
const LONGEST_TOPIC_BYTES = 65_535;
const HEADER_BYTES = 1024;
/** 0xFFFFFFFF: the session does not expire (as 3.1.1 keeps it). */
const SESSION_KEPT_S = 0xffffffff;

/**
 * The largest packet this client takes: a message's max_payload_bytes and the longest topic MQTT allows, with room for
 * the headers. A larger one closes the connection before it is read whole, whatever the MQTT version (the client's
 * incoming bound), so a publisher or broker cannot make the gateway read hundreds of MB before refusing it; a message
 * a little over max_payload_bytes still arrives and is refused and counted here.
 */
export function maxPacketBytes(config: MqttSourceConfig): number {
  return config.max_payload_bytes + LONGEST_TOPIC_BYTES + HEADER_BYTES;
}

/**
 * The MQTT version's options. With MQTT 5 the broker is told the largest packet this client takes (the connection's
 * incoming bound, maxPacketBytes: core/mqtt-connection.ts sets it) and drops a larger one unsent, so the connection
 * stays. A persistent session is kept until the broker's own limit (MQTT 5 ends a session at the disconnect unless
 * told otherwise; 3.1.1 keeps it).
 */
export function protocolOptions(config: MqttSourceConfig, clean: boolean): Partial<IClientOptions> {
  if (config.protocol_version === 4) return { protocolVersion: 4 };
  return { protocolVersion: 5, properties: clean ? {} : { sessionExpiryInterval: SESSION_KEPT_S } };
}
