/** cloud.mqtt settings' validation, through the whole loader (errors name the setting's path). */
import { describe, expect, it } from 'vitest';
import { OVER_MQTT_MAX_PACKET } from '../../src/core/mqtt-broker-schema.js';
import { issuesOf } from '../helpers/config-issues.js';

function config(extra: string): string {
  return `
cloud:
  mqtt:
    url: mqtt://broker:1883
${extra}
sources:
  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, nodes: [{ channel: force, node_id: "ns=2;s=f" }] }
`;
}

describe('cloud.mqtt.max_incoming_bytes', () => {
  it("is at most MQTT's largest packet: past 4 GiB the MQTT 5 CONNECT's Maximum Packet Size cannot be written", async () => {
    // mqtt.js then closed each connection before a byte was sent, seen only as "unreachable".
    expect(await issuesOf(config('    max_incoming_bytes: 5000000000'))).toEqual([
      `cloud.mqtt.max_incoming_bytes: ${OVER_MQTT_MAX_PACKET}`,
    ]);
    expect(await issuesOf(config('    max_incoming_bytes: 268435456'))).toEqual([
      `cloud.mqtt.max_incoming_bytes: ${OVER_MQTT_MAX_PACKET}`,
    ]);
  });
});
