/** The configuration of the Sparkplug B edge node (storage.sparkplug). */
import { z } from 'zod';
import { timerMsSchema } from '../../core/config-primitives.js';
import {
  mqttCredentialFields,
  mqttProtocolVersionSchema,
  mqttTlsFields,
  mqttUrlSchema,
} from '../../core/mqtt-broker-schema.js';

/** A Sparkplug group or edge node id: one topic level, so no MQTT separator or wildcard (Sparkplug 3.0 §4.1.1). */
const sparkplugId = z
  .string()
  .min(1)
  .regex(/^[^/+#]+$/, 'no "/", "+" or "#": a Sparkplug id is one topic level (MQTT separator and wildcards)');

export const sparkplugSchema = z.strictObject({
  url: mqttUrlSchema.describe("The SCADA's MQTT server (mqtt://host:1883 or mqtts://host:8883)."),
  client_id: z.string().optional().describe('MQTT client id; default linewatch-sparkplug-<gateway name>.'),
  ...mqttCredentialFields,
  ...mqttTlsFields,
  protocol_version: mqttProtocolVersionSchema('MQTT 5 (default) or 4 (3.1.1, for a broker without MQTT 5).'),
  group_id: sparkplugId
    .optional()
    .describe('Sparkplug group id (the second topic level); default <gateway.site>-<gateway.line>.'),
  edge_node_id: sparkplugId.optional().describe('Sparkplug edge node id; default gateway.name.'),
  primary_host_id: sparkplugId
    .optional()
    .describe(
      "The primary host application's id (Ignition MQTT Engine's Primary Host ID): the node births only while that host's spBv1.0/STATE/<id> says online, and publishes its NDEATH and disconnects when it says offline. Default: none, births as soon as the broker accepts it.",
    ),
  bdseq_file: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where the bdSeq of the last connection is kept, so a restarted gateway births with the next one (a host application tells the run before's late NDEATH by it); default <data_dir>/sparkplug-bdseq, relative to this file. A file that cannot be read or holds anything else is said in the log and left as it is: bdSeq then starts at 0 and is not kept.",
    ),
  publish: z
    .strictObject({
      values: z.boolean().default(true).describe('Each channel value, Double metric values/<channel>.'),
      scores: z
        .boolean()
        .default(true)
        .describe('Anomaly score (Double anomaly/score) and verdict (String anomaly/verdict: normal or anomalous).'),
      alarms: z
        .boolean()
        .default(true)
        .describe('Alarm state: Boolean alarm/<alarm>/active and String alarm/<alarm>/state.'),
      parts: z
        .boolean()
        .default(true)
        .describe('Part verdicts: String part/verdict (pass, fail, unknown) and part/id.'),
    })
    .default({ values: true, scores: true, alarms: true, parts: true })
    .describe('Which records become device metrics; every asset is a Sparkplug device.'),
  publish_interval_ms: timerMsSchema(0)
    .default(1000)
    .describe('Changed metrics are sent (one DDATA per device) at most this often; 0: at each write.'),
  deadband: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'A Double metric (a value, a score) is sent again only once it moved more than this from the value last sent (0: any change), in the units of each channel.',
    ),
});

export type SparkplugConfig = z.infer<typeof sparkplugSchema>;
