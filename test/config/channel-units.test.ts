/**
 * A channel's `unit` is written as an InfluxDB tag on each of its samples, which cannot hold a line break or another
 * control character. A unit with one (`unit: |` or `unit: >`, whose value keeps its last line break) was accepted, and
 * InfluxDB refused every batch holding that channel's samples. Refused in each source type, naming where.
 */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';

const MESSAGE = 'no line break or other control character (written as a tag on each sample)';
const sources = {
  modbus_tcp:
    '  - { name: plc, type: modbus_tcp, host: 10.0.0.5, asset: pump-1, registers: [{ channel: flow, address: 0, type: uint16, unit: "m3/h\\n" }] }\n',
  opcua:
    '  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: pump-1, nodes: [{ channel: flow, node_id: "ns=2;s=f", unit: "m3/h\\r" }] }\n',
  mqtt: '  - { name: mq, type: mqtt, url: "mqtt://broker:1883", asset: pump-1, tags: [{ channel: flow, topic: plant/flow, field: v, unit: "\\tm3/h" }] }\n',
};

describe("a channel's unit", () => {
  it.each([
    ['modbus_tcp', 'sources[0].registers[0].unit'],
    ['opcua', 'sources[0].nodes[0].unit'],
    ['mqtt', 'sources[0].tags[0].unit'],
  ] as const)('with a control character is refused in %s, naming %s', async (type, where) => {
    expect(await issuesOf(`sources:\n${sources[type]}`)).toContain(`${where}: ${MESSAGE}`);
  });

  it('of any other characters is taken as written', async () => {
    const yaml = sources.modbus_tcp.replace('m3/h\\n', 'm³/h, °C = x');
    const source = (await accepted(`sources:\n${yaml}`)).sources[0] as { registers: { unit?: string }[] };
    expect(source.registers[0].unit).toBe('m³/h, °C = x');
  });
});
