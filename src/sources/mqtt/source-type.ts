/** The mqtt source type: JSON messages from an MQTT broker's topics, one asset per source. */
import { resolveMqttTlsPaths } from '../../core/mqtt-broker-schema.js';
import { claimChannel, defineSource } from '../source-type.js';
import { MqttSource } from './mqtt-source.js';
import { MESSAGE_PROBLEMS } from './payload.js';
import { mqttSourceSchema } from './schema.js';

export const mqttSourceType = defineSource({
  type: 'mqtt',
  schema: mqttSourceSchema,
  // A lost or refused connection, then a bad message's problem (payload.ts).
  errorKinds: ['connection', ...MESSAGE_PROBLEMS],
  sample: `# JSON messages from a broker (devices, Telegraf, EdgeX): each tag a topic (MQTT wildcards allowed) and a field.
name: line-broker
type: mqtt
url: mqtts://broker.plant.local:8883
username: linewatch
password: \${MQTT_PASSWORD}          # from the environment, never in the file
ca_file: certs/plant-ca.pem
asset: pump-3
qos: 1
publish_interval_ms: 1000           # how often the pump's controller publishes
tags:
  # {"ts": "2025-03-07T10:15:00.250Z", "values": {"flow": 12.5, "pressure": 3.1}}
  - { channel: flow, topic: plant/line-3/pump-3/telemetry, field: values.flow, timestamp_field: ts, unit: m3/h }
  - { channel: pressure, topic: plant/line-3/pump-3/telemetry, field: values.pressure, timestamp_field: ts }
  # 41.5 on sensors/<sensor id>/pump-3/temperature: the payload is the value
  - { channel: temperature, topic: sensors/+/pump-3/temperature, unit: degC }
`,
  feeds: (source) => [
    {
      asset: source.asset,
      channels: source.tags.map((t) => t.channel),
      periodMs: source.publish_interval_ms,
      periodKey: '.publish_interval_ms',
      assetKey: '.asset',
      onChange: source.tags.flatMap((t, ti) =>
        t.hold_ms === undefined ? [] : [{ channel: t.channel, key: `.tags[${ti}].hold_ms` }],
      ),
    },
  ],
  channelUnits: (source) =>
    source.tags.flatMap((t) => (t.unit ? [{ asset: source.asset, channel: t.channel, unit: t.unit }] : [])),
  tagCount: (source) => source.tags.length,
  check(source, where, ctx) {
    const issues: string[] = [];
    for (const [ti, tag] of source.tags.entries()) {
      issues.push(...claimChannel(ctx, source.asset, tag.channel, `${where}.tags[${ti}]`));
      if (tag.hold_ms !== undefined && tag.hold_ms < 2 * source.publish_interval_ms)
        issues.push(
          `${where}.tags[${ti}].hold_ms: ${tag.hold_ms} ms holds the value for less than twice publish_interval_ms (${source.publish_interval_ms} ms), how often it is sent again: hold it for the longest time the publisher may stay silent while its value does not change`,
        );
      if (tag.hold_ms !== undefined && /[+#]/.test(tag.topic))
        issues.push(
          `${where}.tags[${ti}].hold_ms: topic ${tag.topic} is a filter, and one held value stands for whichever publisher sent last: hold a tag on one topic`,
        );
      if (tag.hold_ms !== undefined && source.qos === 0)
        issues.push(
          `${where}.tags[${ti}].hold_ms: with qos 0 a lost change would leave the value before it held as current: set qos 1`,
        );
    }
    if (source.persistent_session && source.client_id === undefined)
      issues.push(`${where}.client_id: required with persistent_session (the broker keeps the session under it)`);
    if (source.persistent_session && source.qos === 0)
      issues.push(`${where}.qos: persistent_session keeps only QoS 1 messages for the source: set qos 1`);
    if ((source.cert_file === undefined) !== (source.key_file === undefined))
      issues.push(`${where}: cert_file and key_file go together (a client certificate needs its key)`);
    return issues;
  },
  resolvePaths: (source, { baseDir }) => resolveMqttTlsPaths(source, baseDir),
  create: (source, deps) => new MqttSource(source, deps),
});
