/** The configuration of the edge–cloud sync (cloud.mqtt), of signed model updates (cloud.model_updates) and of signed
 * configurations (cloud.remote_config). */
import { z } from 'zod';
import { bufferSchema } from '../buffer/schema.js';
import { timerMsSchema, timerSecondsSchema } from '../core/config-primitives.js';
import {
  MQTT_MAX_PACKET_BYTES,
  OVER_MQTT_MAX_PACKET,
  mqttCredentialFields,
  mqttProtocolVersionSchema,
  mqttTlsFields,
  mqttUrlSchema,
} from '../core/mqtt-broker-schema.js';

/** The setting that picks the cloud clients' MQTT version, as their errors name it. */
export const CLOUD_PROTOCOL_SETTING = 'cloud.mqtt.protocol_version';

export const mqttSyncSchema = z.strictObject({
  url: mqttUrlSchema,
  topic_prefix: z
    .string()
    .min(1)
    .default('linewatch')
    .describe(
      'Topics start with this: <prefix>/<gateway name>/... (status, summary, alarm, part, model); release notices on <prefix>/releases/<model name>.',
    ),
  client_id: z
    .string()
    .optional()
    .describe(
      'MQTT client id; default linewatch-<gateway name>. One id per broker: two gateways with one name and no client_id take the connection from each other, and the log says so.',
    ),
  ...mqttCredentialFields,
  ...mqttTlsFields,
  publish_alarms: z.boolean().default(true).describe('Publish alarm transitions.'),
  publish_parts: z.boolean().default(true).describe('Publish part verdicts.'),
  publish_health: z.boolean().default(true).describe('Publish the gateway health point.'),
  health_interval_ms: timerMsSchema(0)
    .default(60_000)
    .describe("How often the gateway's health point is published (0: never)."),
  batch_size: z.number().int().min(1).default(200).describe('Records per published message.'),
  publish_timeout_ms: timerMsSchema(100)
    .default(10_000)
    .describe(
      'A publish without PUBACK in this time is retried. At shutdown the last batches, the goodbye and the disconnect together wait at most this long, and never over 5 s, then the connection is closed; what was not acknowledged stays queued.',
    ),
  max_incoming_bytes: z
    .number()
    .int()
    .min(1024)
    .max(MQTT_MAX_PACKET_BYTES, OVER_MQTT_MAX_PACKET)
    .default(64 * 1024)
    .describe(
      'The largest MQTT packet taken from this broker, in bytes (at most 268435455). What comes in is acknowledgements and release notices on <prefix>/releases/+ (a few hundred bytes each). With protocol_version 5 the broker is told this and drops a larger message unsent (its log says so). Otherwise a larger packet closes the connection before it is read whole, the log names its topic once, and the client connects again, later each time; a retained notice so has <prefix>/releases/+ left out for the topics of the models run here but its own until it is cleared (operations.md).',
    ),
  protocol_version: mqttProtocolVersionSchema(
    'MQTT 5 (default) or 4 (3.1.1, for a broker without MQTT 5: it refuses the connection, and the log says to set this). With 5 the broker is told max_incoming_bytes and keeps larger messages back; with 4 it sends them, and the gateway closes the connection at their first bytes.',
  ),
  buffer: bufferSchema
    .default({ type: 'disk', max_bytes: 256 * 1024 * 1024, sync: 'normal' })
    .describe('The durable queue in front of the broker.'),
});

/** One ed25519 public key file, or a list (key rotation): what signed releases and configurations verify against. */
const publicKeyFiles = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const modelUpdatesSchema = z.strictObject({
  public_key_file: publicKeyFiles.describe(
    'ed25519 public key (PEM) that releases must be signed with, or a list of them (key rotation: a release signed by any listed key verifies; drop a retired key from the list).',
  ),
  mqtt: z
    .boolean()
    .default(true)
    .describe(
      "Release notices: a retained MQTT message on `<topic_prefix>/releases/<model name>` (uses cloud.mqtt's broker), and/or a URL (HTTPS; HTTP on a trusted network) polled for the same JSON notice.",
    ),
  poll_url: z
    .url()
    .optional()
    .describe(
      'A URL (HTTPS; HTTP on a trusted network: the signature still decides) polled for release notices (one notice or a list; no redirect followed, at most max_manifest_bytes).',
    ),
  release_url_prefixes: z
    .array(
      z
        .url({ protocol: /^https?$/ })
        .refine(
          (u) => u.endsWith('/'),
          'end the prefix with / (https://host/linewatch would also allow /linewatch-evil)',
        ),
    )
    .min(1)
    .optional()
    .describe(
      'Where releases may be fetched from: a notice whose release URL is not under one of these prefixes is refused (url_not_allowed) before anything is fetched. Default: any http(s) URL a notice names.',
    ),
  poll_interval_s: timerSecondsSchema().default(300).describe('How often poll_url is polled.'),
  store_dir: z.string().optional().describe('Where releases are downloaded and kept; default `<data_dir>/models`.'),
  probation_s: z
    .number()
    .min(0)
    .default(600)
    .describe('After a swap, the new model is watched this long and rolled back if it misbehaves.'),
  probation: z
    .enum(['shadow', 'live'])
    .default('shadow')
    .describe(
      'shadow: during probation the model before keeps raising alarms and driving outputs while the new one scores the same windows beside it, judged only (twice the scoring work for probation_s); live: the new model drives them at once.',
    ),
  max_error_rate: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe('Misbehaving: more than this share of scoring runs failed...'),
  max_anomalous_fraction: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('...or more than this share of its windows judged anomalous (a healthy line is mostly normal).'),
  min_windows: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe(
      'Windows judged before the anomalous share is judged, and before a release is confirmed: where probation_s ends with fewer, its probation goes on until they are (never confirmed unjudged).',
    ),
  max_manifest_bytes: z
    .number()
    .int()
    .min(1)
    .default(1 << 20)
    .describe("Size cap of a release's manifest.json, and of the notice document at poll_url, in bytes."),
  max_signature_bytes: z
    .number()
    .int()
    .min(1)
    .default(4096)
    .describe("Size cap of a release's manifest.sig, in bytes."),
  max_model_bytes: z
    .number()
    .int()
    .min(1)
    .default(64 << 20)
    .describe("Size cap of a release's model file, in bytes."),
});

/**
 * cloud.remote_config: signed configurations (src/remote-config). Its schema is here, with the other cloud blocks,
 * because config/schema.ts composes it and src/remote-config sits above src/config (it reads configurations).
 */
/** The largest signed configuration message taken by default: a configuration of hundreds of tags is tens of KiB. */
export const DEFAULT_MAX_CONFIG_BYTES = 256 * 1024;

export const remoteConfigSchema = z.strictObject({
  public_key_file: publicKeyFiles.describe(
    'ed25519 public key (PEM) that configurations must be signed with, or a list of them (key rotation). A key of its own, not the model-release key: a configuration changes what the gateway writes to machines and where it sends data, and whoever signs models need not be able to do that (the same file may be named where one team does both). Relative to the config file; only the local file sets it.',
  ),
  max_message_bytes: z
    .number()
    .int()
    .min(1024)
    .max(16 << 20)
    .default(DEFAULT_MAX_CONFIG_BYTES)
    .describe(
      'The largest signed configuration message taken, in bytes (signature line and signed body); a larger one is refused unread.',
    ),
  probation_s: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .optional()
    .describe(
      "How long an applied configuration's sources have to give a good sample, in seconds: each source that gave one under the configuration before (by name) must give one in this time, or the configuration is rolled back (probation_failed); once all have, it is confirmed. Default: 30 s plus three of the new configuration's slowest source interval (poll_interval_ms, publishing_interval_ms, publish_interval_ms), within 30 to 600 s.",
    ),
});

export type MqttSyncConfig = z.infer<typeof mqttSyncSchema>;
export type ModelUpdatesConfig = z.infer<typeof modelUpdatesSchema>;
export type RemoteConfigSettings = z.infer<typeof remoteConfigSchema>;
