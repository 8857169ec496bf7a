/** The configuration of the mqtt source type: a broker, the topics subscribed to and the tags read from their JSON. */
import { z } from 'zod';
import { nameSchema as name, timerMsSchema, unitSchema } from '../../core/config-primitives.js';
import {
  MQTT_MAX_PACKET_BYTES,
  OVER_MQTT_MAX_PACKET,
  mqttCredentialFields,
  mqttProtocolVersionSchema,
  mqttTlsFields,
  mqttUrlSchema,
} from '../../core/mqtt-broker-schema.js';
import { topicFilterProblem } from './payload.js';

/** A dotted path into a JSON payload: keys, list items by index; nothing to evaluate. */
const jsonPath = z
  .string()
  .regex(
    /^(?!\$(\.|$))[^.[\]*]+(\.[^.[\]*]+)*$/,
    'expected a dotted path such as "values.temperature" (list items by index: "values.0"; no brackets, wildcards or $)',
  );

export const mqttTagSchema = z.strictObject({
  channel: name.describe('The channel name the value is stored and scored under.'),
  topic: z
    .string()
    .refine(
      (t) => topicFilterProblem(t) === undefined,
      'expected a topic or topic filter such as "plant/+/pump-1/telemetry" ("+" a whole level, "#" the whole last level; no $share/)',
    )
    .describe('The topic, or a topic filter (`plant/+/pump-1/telemetry`, `plant/line-3/#`), whose messages carry it.'),
  field: jsonPath
    .optional()
    .describe(
      "Where the value is in the JSON payload: `values.temperature`, `values.0`. Omitted: the payload is the value (`41.5`). A number, a boolean (1/0) or a string that is a number. Missing or null in a message: no sample of the tag from it (the others are read; its last reading stands up to the window's max_sample_age_ms), said once per topic and field while it lasts.",
    ),
  timestamp_field: jsonPath
    .optional()
    .describe('Where its time is in the payload: epoch milliseconds or ISO 8601 with a zone. Omitted: when received.'),
  unit: unitSchema.optional(),
  hold_ms: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'The publisher sends this tag only when its value changes (report by exception, deadband): its last good value stands for up to this long after its message while the source is connected, sent again every publish_interval_ms, so the channel stays fresh. A publisher silent for longer is taken as gone (the channel goes stale). At least twice publish_interval_ms; needs qos 1 and align hold or linear. Lost with the connection unless persistent_session and the broker kept the session. A retained message is held only by its timestamp_field, from that time.',
    ),
});

export const mqttSourceSchema = z.strictObject({
  name,
  type: z.literal('mqtt').describe('The source type.'),
  url: mqttUrlSchema,
  client_id: z
    .string()
    .optional()
    .describe(
      'MQTT client id; default linewatch-source-<name>-<random>. Required with persistent_session. One id per broker: two sources with one client_id (a copied configuration) take the connection from each other, and the log says so.',
    ),
  ...mqttCredentialFields,
  ...mqttTlsFields,
  asset: name.describe("The asset the tags' channels belong to."),
  qos: z.literal([0, 1]).default(1).describe('MQTT quality of service of the subscriptions.'),
  persistent_session: z
    .boolean()
    .default(false)
    .describe(
      'Keep the session on the broker (clean session off): QoS 1 messages published while the source is disconnected are delivered when it is back. Needs client_id and qos 1.',
    ),
  publish_interval_ms: timerMsSchema(1)
    .default(1000)
    .describe(
      "How often the publishers send each tag. With an asset's window.align batch (one row per message) it must be the model's sample period; publishers at other or irregular rates: align hold or linear.",
    ),
  max_payload_bytes: z
    .number()
    .int()
    .min(1)
    .max(MQTT_MAX_PACKET_BYTES, OVER_MQTT_MAX_PACKET)
    .default(64 * 1024)
    .describe(
      'A larger message is not parsed: its tags get bad samples, and it is counted. One larger than this and the longest topic (64 KiB more) is not read at all: with protocol_version 5 the broker drops it unseen; otherwise (3.1.1, or a broker that does not keep to it) the source closes the connection at its first bytes and connects again. A retained one (3.1.1 sends it at each subscription) has the filters matching its topic left out, said once, until a look on a connection of its own finds it cleared (config-guide.md).',
    ),
  protocol_version: mqttProtocolVersionSchema(
    'MQTT 5 (default) or 4 (3.1.1, for a broker without MQTT 5). With 5 the broker is told the largest message the source takes (max_payload_bytes and the longest topic) and drops larger ones; with 4 the broker sends it anyway, and the source closes the connection at its first bytes (reconnecting), unread.',
  ),
  timeout_ms: timerMsSchema(100).default(5000).describe('Connect and subscribe timeout.'),
  tags: z.array(mqttTagSchema).min(1).describe('The values read from the messages, one channel each.'),
});

export type MqttSourceConfig = z.infer<typeof mqttSourceSchema>;
export type MqttTagConfig = z.infer<typeof mqttTagSchema>;
