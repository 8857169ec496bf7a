/**
 * The broker settings every MQTT client of linewatch configures alike (cloud.mqtt, an mqtt_publish
 * action, an MQTT source): its URL, credentials, TLS files and MQTT version, as schema pieces, and the TLS files made
 * absolute.
 * Each user adds its own `client_id` (its default differs) and behaviour; core/mqtt-connection.ts
 * connects with them.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

/** MQTT's largest packet (3.1.1 §2.2.3, 5 §2.1.4: a remaining length of at most 268,435,455 bytes): no bound on what a
 * client takes means anything past it. */
export const MQTT_MAX_PACKET_BYTES = 268_435_455;

/** The error of a bound on packets (max_payload_bytes, max_incoming_bytes) over MQTT_MAX_PACKET_BYTES: why it stops. */
export const OVER_MQTT_MAX_PACKET =
  `Too big: expected at most ${MQTT_MAX_PACKET_BYTES} bytes, MQTT's largest packet (256 MiB minus one byte): ` +
  'no MQTT packet is larger, so a larger bound bounds nothing';

export const mqttUrlSchema = z
  .string()
  .regex(/^mqtts?:\/\/.+/, 'expected mqtt://host:port or mqtts://host:port')
  .describe('mqtt://host:1883 or mqtts://host:8883');

export const mqttCredentialFields = {
  username: z.string().optional().describe('User (with password).'),
  password: z.string().optional().describe('Password, best from the environment.'),
};

/** TLS to an MQTT broker (a private CA, a client certificate). */
export const mqttTlsFields = {
  ca_file: z.string().optional().describe('TLS: CA bundle to trust (PEM), relative to the config file.'),
  cert_file: z.string().optional().describe('Client certificate (PEM) for TLS client authentication.'),
  key_file: z.string().optional().describe('Private key (PEM) of cert_file.'),
};

/**
 * The MQTT version a client connects with, `protocol_version`: 5, the default of every linewatch MQTT client, or 4
 * (3.1.1, for a broker without MQTT 5). `description` says what it changes for that client.
 */
export function mqttProtocolVersionSchema(description: string) {
  return z.literal([4, 5]).default(5).describe(description);
}

/** Makes a broker's TLS files absolute, relative to the config file's folder. */
export function resolveMqttTlsPaths(
  broker: { ca_file?: string; cert_file?: string; key_file?: string },
  baseDir: string,
): void {
  for (const key of ['ca_file', 'cert_file', 'key_file'] as const)
    if (broker[key]) broker[key] = resolve(baseDir, broker[key]);
}
