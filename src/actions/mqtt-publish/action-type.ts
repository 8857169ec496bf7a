/** mqtt_publish: publishes the alarm event (or the part result) as JSON to an MQTT broker. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  mqttCredentialFields,
  mqttProtocolVersionSchema,
  mqttTlsFields,
  mqttUrlSchema,
  resolveMqttTlsPaths,
} from '../../core/mqtt-broker-schema.js';
import { timerMsSchema } from '../../core/config-primitives.js';
import { publishOnce } from '../../core/mqtt-publish-once.js';
import { ALARM_STATES } from '../../core/types.js';
import {
  actionName,
  actionRetry,
  defineAction,
  fillTemplate,
  isSelected,
  triggerLabel,
  triggerPayload,
  triggerVars,
  maxQueuedSchema,
} from '../action-type.js';

/**
 * The largest packet an action's connection takes from the broker: it is sent a CONNACK and a PUBACK, a few bytes (with
 * MQTT 5 properties, a few hundred). With MQTT 5 the broker is told it.
 */
export const ACTION_MAX_INCOMING_BYTES = 64 * 1024;

export const mqttPublishActionSchema = z
  .strictObject({
    type: z.literal('mqtt_publish'),
    name: actionName,
    url: mqttUrlSchema,
    topic: z
      .string()
      .min(1)
      .default('linewatch/alarms/{asset}/{alarm}')
      .describe('`{asset}`, `{alarm}` and `{state}` are replaced.'),
    qos: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .default(1)
      .describe('MQTT quality of service.'),
    retain: z.boolean().default(false).describe('Publish retained: a late subscriber gets the last state.'),
    ...mqttCredentialFields,
    client_id: z
      .string()
      .optional()
      .describe('MQTT client id; default linewatch-action-<name>-<8 hex digits drawn at start>.'),
    ...mqttTlsFields,
    on: z
      .array(z.enum(ALARM_STATES))
      .min(1)
      .default(['unack_active', 'ack_active', 'rtn_unack', 'normal'])
      .describe('Alarm states that trigger a message.'),
    timeout_ms: timerMsSchema(100).default(5000).describe('Connect and PUBACK timeout.'),
    protocol_version: mqttProtocolVersionSchema(
      'MQTT 5 (default) or 4 (3.1.1, for a broker without MQTT 5: it refuses the connection or closes it, and the error says to set this). With 5 the broker is told the largest packet the action takes (64 KiB: it is sent acknowledgements only).',
    ),
    max_queued: maxQueuedSchema,
    ...actionRetry,
  })
  .describe('Publishes the alarm event as JSON to an MQTT broker on the listed transitions.');

export type MqttPublishActionConfig = z.infer<typeof mqttPublishActionSchema>;

export const mqttPublishActionType = defineAction({
  type: 'mqtt_publish',
  schema: mqttPublishActionSchema,
  follows: false,
  resolvePaths: resolveMqttTlsPaths,
  sample: `# Every transition to the plant's broker, retained: a late subscriber sees the current state.
type: mqtt_publish
url: mqtts://broker.plant.local:8883
topic: plant/line-3/alarms/{asset}/{alarm}
qos: 1
retain: true
username: linewatch
password: \${MQTT_PASSWORD}
ca_file: certs/plant-ca.pem
`,
  driver: (c, { name, where }) => {
    // Drawn once per action at start, not the pid: two gateways in containers both run as pid 1, and one client id
    // shared makes the broker drop one's connection whenever both publish at once.
    const defaultClientId = `linewatch-action-${name}-${randomBytes(4).toString('hex')}`;
    return {
      job(t) {
        if (!isSelected(c, t, c.on)) return undefined;
        const topic = fillTemplate(c.topic, triggerVars(t));
        const body = triggerPayload(t);
        return {
          what: triggerLabel(t),
          describe: `publish ${topic} on ${c.url}`,
          run: async () => {
            // One connection per attempt (publishOnce): no hidden client-side queue that could resend later.
            await publishOnce(
              c,
              {
                role: `action ${name}`,
                defaultClientId,
                options: { protocolVersion: c.protocol_version },
                // A broker without MQTT 5 refusing it: the error names the setting that connects with 3.1.1.
                protocolSetting: where !== undefined ? `${where}.protocol_version` : 'protocol_version',
                maxIncomingBytes: ACTION_MAX_INCOMING_BYTES,
                boundOf: "an action's connection",
                timeoutMs: c.timeout_ms,
              },
              { topic, payload: body, qos: c.qos, retain: c.retain },
            );
          },
        };
      },
    };
  },
});
