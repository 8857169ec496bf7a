/** The configuration of the edge–cloud sync (cloud.mqtt) and of signed model updates (cloud.model_updates). */
import { z } from 'zod';
import { bufferSchema } from '../buffer/schema.js';

export const mqttSyncSchema = z.strictObject({
  /** mqtt://host:1883 or mqtts://host:8883 */
  url: z.string().regex(/^mqtts?:\/\/.+/, 'expected mqtt://host:port or mqtts://host:port'),
  topic_prefix: z.string().min(1).default('linewatch'),
  client_id: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** TLS: CA bundle to trust, and a client certificate and key (PEM files). */
  ca_file: z.string().optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  publish_alarms: z.boolean().default(true),
  publish_parts: z.boolean().default(true),
  publish_health: z.boolean().default(true),
  /** How often the gateway's health point is published (0: never). */
  health_interval_ms: z.number().int().min(0).default(60_000),
  batch_size: z.number().int().min(1).default(200),
  publish_timeout_ms: z.number().int().min(100).default(10_000),
  buffer: bufferSchema.default({ type: 'disk', max_bytes: 256 * 1024 * 1024, sync: 'normal' }),
});

export const modelUpdatesSchema = z.strictObject({
  /** ed25519 public key (PEM) that releases must be signed with. */
  public_key_file: z.string().min(1),
  /**
   * Release notices: a retained MQTT message on `<topic_prefix>/releases/<model name>` (uses
   * cloud.mqtt's broker), and/or an HTTPS URL polled for the same JSON notice.
   */
  mqtt: z.boolean().default(true),
  poll_url: z.url().optional(),
  poll_interval_s: z.number().positive().default(300),
  /** Where releases are downloaded and kept; default `<data_dir>/models`. */
  store_dir: z.string().optional(),
  /** After a swap, the new model is watched this long and rolled back if it misbehaves. */
  probation_s: z.number().min(0).default(600),
  /** Misbehaving: more than this share of scoring runs failed... */
  max_error_rate: z.number().min(0).max(1).default(0.01),
  /** ...or more than this share of its windows judged anomalous (a healthy line is mostly normal). */
  max_anomalous_fraction: z.number().min(0).max(1).default(0.5),
  /** Windows scored before the anomalous share is judged. */
  min_windows: z.number().int().min(1).default(30),
});

export type MqttSyncConfig = z.infer<typeof mqttSyncSchema>;
export type ModelUpdatesConfig = z.infer<typeof modelUpdatesSchema>;
