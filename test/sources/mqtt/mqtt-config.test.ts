/**
 * The mqtt source's configuration through the whole config loader: defaults, paths resolved, and
 * every mistake reported with its path (the mqtt source is the third source here, after a Modbus
 * and an OPC UA one, so the paths say `sources[2]`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ROOT } from '../../helpers/cli.js';
import { OVER_MQTT_MAX_PACKET } from '../../../src/core/mqtt-broker-schema.js';
import { CONFIG_PATH, issuesOf } from '../../helpers/config-issues.js';

const MODEL = join(ROOT, 'models/pump-ae');
const CHANNELS = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'];

/**
 * A config whose third source is an mqtt source with `mqtt` (YAML lines at the source's
 * indentation), `tags` and `asset`; the Modbus source reads the model's channels but `flow` when
 * the mqtt source's asset is the model's, pump-1.
 */
function config(
  mqtt = '',
  tags = '      - { channel: level, topic: plant/+/tank-1/telemetry, field: values.level }',
  asset = 'tank-1',
): string {
  const modbus = asset === 'pump-1' ? CHANNELS.filter((c) => c !== 'flow') : CHANNELS;
  return `
sources:
  - name: plc
    type: modbus_tcp
    host: 127.0.0.1
    asset: pump-1
    poll_interval_ms: 200
    registers:
${modbus.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`).join('\n')}
  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, nodes: [{ channel: force, node_id: "ns=2;s=f" }] }
  - name: broker
    type: mqtt
    url: mqtt://127.0.0.1:1883
    asset: ${asset}
${mqtt}
    tags:
${tags}
assets:
  - name: pump-1
    model: ${MODEL}
    window: { type: sliding, align: hold }
`;
}

const FLOW = '      - { channel: flow, topic: plant/pump-1, field: flow }';

describe('mqtt source configuration', () => {
  it('applies the defaults and resolves the TLS files next to the config file', async () => {
    const { config: c } = await parseConfig(
      config('    ca_file: certs/ca.pem\n    cert_file: /abs/client.pem\n    key_file: client.key', FLOW, 'pump-1'),
      CONFIG_PATH,
      {},
    );
    expect(c.sources[2]).toEqual({
      name: 'broker',
      type: 'mqtt',
      url: 'mqtt://127.0.0.1:1883',
      asset: 'pump-1',
      ca_file: '/etc/linewatch/certs/ca.pem',
      cert_file: '/abs/client.pem',
      key_file: '/etc/linewatch/client.key',
      qos: 1,
      persistent_session: false,
      publish_interval_ms: 1000,
      max_payload_bytes: 65536,
      protocol_version: 5,
      timeout_ms: 5000,
      tags: [{ channel: 'flow', topic: 'plant/pump-1', field: 'flow' }],
    });
  });

  it.each([
    ['values[0]', 'field'],
    ['$.values.level', 'field'],
    ['values..level', 'field'],
    ['values.*', 'field'],
    ['.values', 'field'],
    ['values.', 'timestamp_field'],
    ['$', 'timestamp_field'],
  ])('refuses the path %j of %s, naming the field', async (path, key) => {
    const tags = `      - { channel: level, topic: plant/tank-1, field: values.level }\n      - { channel: temp, topic: plant/tank-1, ${key}: "${path}" }`;
    expect(await issuesOf(config('', tags))).toEqual([
      `sources[2].tags[1].${key}: expected a dotted path such as "values.temperature" (list items by index: "values.0"; no brackets, wildcards or $)`,
    ]);
  });

  it.each(['plant/#/tank-1', 'plant/tank+', '', '$share/g/plant/tank-1'])(
    'refuses the topic filter %j, naming the tag',
    async (topic) => {
      expect(await issuesOf(config('', `      - { channel: level, topic: "${topic}" }`))).toEqual([
        'sources[2].tags[0].topic: expected a topic or topic filter such as "plant/+/pump-1/telemetry" ("+" a whole level, "#" the whole last level; no $share/)',
      ]);
    },
  );

  it('refuses a URL that is not MQTT, QoS 2, an empty tag list and unknown keys', async () => {
    expect(await issuesOf(config().replace('mqtt://127.0.0.1:1883', 'tcp://127.0.0.1:1883'))).toEqual([
      'sources[2].url: expected mqtt://host:port or mqtts://host:port',
    ]);
    expect(await issuesOf(config('    qos: 2'))).toEqual(['sources[2].qos: expected one of 0, 1']);
    expect(await issuesOf(config('', '      []'))).toEqual([
      'sources[2].tags: Too small: expected array to have >=1 items',
    ]);
    expect(await issuesOf(config('    max_payload_bytes: 0'))).toEqual([
      'sources[2].max_payload_bytes: Too small: expected number to be >=1',
    ]);
    // MQTT's largest packet (256 MB): past 4 GiB the CONNECT's Maximum Packet Size cannot be written, and the client
    // closed each connection before a byte was sent, saying nothing.
    expect(await issuesOf(config('    max_payload_bytes: 5000000000'))).toEqual([
      `sources[2].max_payload_bytes: ${OVER_MQTT_MAX_PACKET}`,
    ]);
    expect(
      await issuesOf(config('', '      - { channel: level, topic: plant/tank-1, feild: values.level, qos: 1 }')),
    ).toEqual(['sources[2].tags[0].feild: unknown key; did you mean field?', 'sources[2].tags[0].qos: unknown key']);
  });

  it('a persistent session needs a client id and QoS 1; a client certificate needs its key', async () => {
    expect(await issuesOf(config('    persistent_session: true\n    qos: 0\n    cert_file: c.pem'))).toEqual([
      'sources[2].client_id: required with persistent_session (the broker keeps the session under it)',
      'sources[2].qos: persistent_session keeps only QoS 1 messages for the source: set qos 1',
      'sources[2]: cert_file and key_file go together (a client certificate needs its key)',
    ]);
    expect(
      await issuesOf(config('    persistent_session: true\n    client_id: gw-1-broker\n    key_file: k.pem')),
    ).toEqual(['sources[2]: cert_file and key_file go together (a client certificate needs its key)']);
  });

  it("refuses a channel another source already reads, and a tag's channel twice", async () => {
    const tags = `${FLOW}\n      - { channel: pressure, topic: plant/pump-1, field: p }\n      - { channel: flow, topic: plant/pump-2 }`;
    expect(await issuesOf(config('', tags, 'pump-1'))).toEqual([
      'sources[2].tags[1].channel: channel "pressure" of asset "pump-1" is already read by sources[0].registers[4]',
      'sources[2].tags[2].channel: channel "flow" of asset "pump-1" is already read by sources[2].tags[0]',
    ]);
  });

  it("feeds its asset's model: a channel it provides counts, and with align batch its publish interval must be the model's period", async () => {
    const batch = config('    publish_interval_ms: 1000', FLOW, 'pump-1').replace('align: hold', 'align: batch');
    expect(await issuesOf(batch)).toEqual([
      'sources[2].publish_interval_ms: 1000 ms, but model pump-ae of asset pump-1 expects samples every 200 ms: poll ' +
        'every 200 ms, or train the model again with --period-ms 1000 where its CSV was recorded at 1000 ms (without ' +
        'it, train takes the median spacing of the rows)',
    ]);
    const { config: atRate } = await parseConfig(
      batch.replace('publish_interval_ms: 1000', 'publish_interval_ms: 200'),
      CONFIG_PATH,
      {},
    );
    expect(atRate.sources[2]).toMatchObject({ publish_interval_ms: 200, asset: 'pump-1' });
    // Without flow from the broker the model lacks it; what the broker provides is listed.
    expect(await issuesOf(config('', '      - { channel: level, topic: plant/tank-1 }', 'pump-1'))).toEqual([
      'assets[0].model: model pump-ae needs channel(s) flow of asset pump-1, which no source provides (provided: vibration_1, vibration_2, motor_current, voltage, pressure, temperature, level)',
    ]);
  });

  it('a tag published on change (hold_ms) holds at least two publish intervals, at qos 1, and only on a time grid', async () => {
    const held = '      - { channel: flow, topic: plant/pump-1, field: flow, hold_ms: 500 }';
    expect(await issuesOf(config('    publish_interval_ms: 1000', held, 'pump-1'))).toEqual([
      'sources[2].tags[0].hold_ms: 500 ms holds the value for less than twice publish_interval_ms (1000 ms), how often it is sent again: hold it for the longest time the publisher may stay silent while its value does not change',
    ]);
    expect(
      await issuesOf(config('    publish_interval_ms: 1000\n    qos: 0', held.replace('500', '2000'), 'pump-1')),
    ).toEqual([
      'sources[2].tags[0].hold_ms: with qos 0 a lost change would leave the value before it held as current: set qos 1',
    ]);
    const wildcard = '      - { channel: flow, topic: plant/+/pump-1, field: flow, hold_ms: 600000 }';
    expect(await issuesOf(config('    publish_interval_ms: 200', wildcard, 'pump-1'))).toEqual([
      'sources[2].tags[0].hold_ms: topic plant/+/pump-1 is a filter, and one held value stands for whichever publisher sent last: hold a tag on one topic',
    ]);
    const long = held.replace('500', '600000');
    const { config: onGrid } = await parseConfig(
      config('    publish_interval_ms: 200', long, 'pump-1'),
      CONFIG_PATH,
      {},
    );
    expect(onGrid.sources[2]).toMatchObject({ tags: [{ channel: 'flow', hold_ms: 600_000 }] });
    const batch = config('    publish_interval_ms: 200', long, 'pump-1').replace('align: hold', 'align: batch');
    expect(await issuesOf(batch)).toEqual([
      "sources[2].tags[0].hold_ms: channel flow of asset pump-1 is sent only when it changes, but the asset's window.align batch makes a row of each message: set align: hold (or linear) to put it on the model's time grid",
    ]);
  });
});
