/**
 * Regression (alarms walk): pump-2's `flow` channel read the OPC UA node Pump1.alarm_lamp that pump-1's hmi-lamp
 * action writes; pump-2 scored 32 and stayed in alarm with a healthy plant, and nothing warned. An alarm output that a
 * source reads as a model's input is now a warning, in validate and at the gateway's start, naming both config paths.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionFeedbackNotes, modelInput } from '../../src/config/action-feedback-notes.js';
import { matchNodeIds } from '../../src/sources/opcua/node-id-match.js';
import { parseConfig } from '../../src/config/load.js';
import { addGatewayActions, type GatewayActions } from '../../src/runtime/gateway-actions.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { logLines } from '../helpers/log-lines.js';

const MODEL = join(ROOT, 'models/pump-hybrid');
const CHANNELS = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature'];
const NS = 'nsu=urn:linewatch:sim;s=Pump1';

/** The walker's configuration, cut down: pump-1 on Modbus with its actions, pump-2 on OPC UA. */
function walkConfig(o: { flowNode?: string; extraSource?: string; actions?: string } = {}): string {
  const registers = [...CHANNELS, 'flow']
    .map((c, i) => `      - { channel: ${c}, address: ${i}, type: uint16 }\n`)
    .join('');
  const nodes = CHANNELS.map((c) => `      - { channel: ${c}, node_id: "${NS}.${c}" }\n`).join('');
  return (
    'sources:\n' +
    '  - name: pump-plc\n    type: modbus_tcp\n    host: 127.0.0.1\n    port: 5020\n    unit_id: 1\n    asset: pump-1\n    poll_interval_ms: 200\n' +
    `    registers:\n${registers}` +
    '  - name: line-ua\n    type: opcua\n    endpoint: opc.tcp://127.0.0.1:4840/UA/linewatch-sim\n    asset: pump-2\n    publishing_interval_ms: 200\n' +
    `    nodes:\n${nodes}      - { channel: flow, node_id: "${o.flowNode ?? `${NS}.alarm_lamp`}" }\n` +
    (o.extraSource ?? '') +
    'assets:\n' +
    `  - name: pump-1\n    model: ${MODEL}\n    alarm:\n      actions:\n` +
    (o.actions ??
      '        - { type: modbus_write, name: lamp-coil, source: pump-plc, table: coil, address: 8 }\n' +
        '        - { type: modbus_write, name: code-reg, source: pump-plc, table: holding, address: 20 }\n' +
        `        - { type: opcua_write, name: hmi-lamp, source: line-ua, node_id: "${NS}.alarm_lamp" }\n`) +
    `  - name: pump-2\n    model: ${MODEL}\n` +
    'storage: {}\n'
  );
}

const notes = async (yaml: string) => {
  const loaded = await parseConfig(yaml, '/etc/linewatch/gw.yaml', {});
  return actionFeedbackNotes(loaded.config, modelInput(loaded.models));
};

const LAMP =
  `assets[0].alarm.actions[2] (hmi-lamp) writes ${NS}.alarm_lamp, which sources[1].nodes[6] reads as pump-2's ` +
  "channel flow: the alarm's output feeds a model's input (check the node or address; where the output is read " +
  'back on purpose, leave that channel out of the model)';

describe("an alarm output read as a model's input", () => {
  it("the walker's configuration: the lamp node read as pump-2's flow is named, with both config paths", async () => {
    expect(await notes(walkConfig())).toEqual([LAMP]);
  });

  it('mapped as meant (flow read from Pump1.flow): no warning', async () => {
    expect(await notes(walkConfig({ flowNode: `${NS}.flow` }))).toEqual([]);
  });

  // A second source on the same host, port and unit is the same device; the write's range is its data type's.
  const plc2 = (unit: number, register: string) =>
    `  - { name: plc-again, type: modbus_tcp, host: 127.0.0.1, port: 5020, unit_id: ${unit}, asset: pump-3, ` +
    'poll_interval_ms: 200, ' +
    `registers: [${register}] }\n`;
  const scored3 = (yaml: string) =>
    yaml.replace('storage: {}\n', `  - name: pump-3\n    model: ${MODEL}\nstorage: {}\n`);
  it.each([
    [
      'holding 20 read by another source of the same device',
      plc2(1, '{ channel: flow, address: 20, type: uint16 }'),
      [
        "assets[0].alarm.actions[1] (code-reg) writes holding 20 on pump-plc unit 1, which sources[2].registers[6] reads as pump-3's channel flow",
      ],
    ],
    [
      'a float32 at 19 covers 20',
      plc2(1, '{ channel: flow, address: 19, type: float32 }'),
      [
        "assets[0].alarm.actions[1] (code-reg) writes holding 20 on pump-plc unit 1, which sources[2].registers[6] reads as pump-3's channel flow",
      ],
    ],
    ['holding 21: no overlap', plc2(1, '{ channel: flow, address: 21, type: uint16 }'), []],
    ['another unit', plc2(2, '{ channel: flow, address: 20, type: uint16 }'), []],
    ['input register 20: another table', plc2(1, '{ channel: flow, table: input, address: 20, type: uint16 }'), []],
    [
      'coil 8 read as a model input',
      plc2(1, '{ channel: flow, table: coil, address: 8, type: bit }'),
      [
        "assets[0].alarm.actions[0] (lamp-coil) writes coil 8 on pump-plc unit 1, which sources[2].registers[6] reads as pump-3's channel flow",
      ],
    ],
  ])('Modbus: %s', async (_, extra, expected) => {
    const yaml = scored3(
      walkConfig({ flowNode: `${NS}.flow`, extraSource: extra }).replace(
        '[{ channel: flow',
        `[${CHANNELS.map((c, i) => `{ channel: ${c}, table: input, address: ${100 + i}, type: uint16 }, `).join('')}{ channel: flow`,
      ),
    );
    expect((await notes(yaml)).map((n) => n.replace(/: the alarm's output.*$/, ''))).toEqual(expected);
  });

  // The lamp written by one spelling of its node id, read as pump-2's flow by another.
  const lampAs = (write: string, read: string) =>
    walkConfig({
      flowNode: read,
      actions: `        - { type: opcua_write, name: hmi-lamp, source: line-ua, node_id: "${write}" }\n`,
    });
  const lamp = (write: string) =>
    `assets[0].alarm.actions[0] (hmi-lamp) writes ${write}, which sources[1].nodes[6] reads as pump-2's channel flow`;
  it.each([
    ['i=5 and ns=0;i=5', 'ns=0;i=5', 'i=5', [lamp('ns=0;i=5')]],
    [
      "namespace 0's URI and no namespace",
      'nsu=http://opcfoundation.org/UA/;i=2258',
      'i=2258',
      [lamp('nsu=http://opcfoundation.org/UA/;i=2258')],
    ],
    ['ns=2 and ns=02, i=1001 and i=01001', 'ns=2;i=1001', 'ns=02;i=01001', [lamp('ns=2;i=1001')]],
    [
      'a GUID in either case',
      'ns=2;g=09087E75-8E5E-499B-954F-F2A9603DB28A',
      'ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a',
      [lamp('ns=2;g=09087E75-8E5E-499B-954F-F2A9603DB28A')],
    ],
    ['ns=2 and ns=3', 'ns=2;s=Pump1.alarm_lamp', 'ns=3;s=Pump1.alarm_lamp', []],
    ['two URIs', 'nsu=urn:other;s=Pump1.alarm_lamp', `${NS}.alarm_lamp`, []],
    ['a URI and index 0 (the standard namespace)', `${NS}.alarm_lamp`, 'ns=0;s=Pump1.alarm_lamp', []],
    ['i=5 and s=5', 'ns=2;i=5', 'ns=2;s=5', []],
  ])('OPC UA, plainly the same node or not: %s', async (_, write, read, expected) => {
    expect((await notes(lampAs(write, read))).map((n) => n.replace(/: the alarm's output.*$/, ''))).toEqual(expected);
  });

  it('ns= on one side and nsu= on the other: may be the same node, said so, naming the URI and the index', async () => {
    expect(await notes(lampAs('ns=2;s=Pump1.alarm_lamp', `${NS}.alarm_lamp`))).toEqual([
      'assets[0].alarm.actions[0] (hmi-lamp) writes ns=2;s=Pump1.alarm_lamp, which may be the node ' +
        `${NS}.alarm_lamp that sources[1].nodes[6] reads as pump-2's channel flow: the same node if the server's ` +
        "namespace array has urn:linewatch:sim at index 2 (cannot tell without the server's namespace array); if " +
        "so, the alarm's output feeds a model's input (write both node ids alike, both ns= or both nsu=, to have " +
        'this checked; where the output is read back on purpose, leave that channel out of the model)',
    ]);
  });

  it('a lamp read back as a channel the model does not take: no warning', async () => {
    const yaml = walkConfig({ flowNode: `${NS}.flow` }).replace(
      '      - { channel: flow, node_id',
      `      - { channel: lamp, node_id: "${NS}.alarm_lamp" }\n      - { channel: flow, node_id`,
    );
    expect(await notes(yaml)).toEqual([]);
  });

  it("the gateway's start warns once, naming both paths", async () => {
    const loaded = await parseConfig(walkConfig(), '/etc/linewatch/gw.yaml', {});
    const log = logLines();
    const into: GatewayActions = { actions: [], partActions: [], outputs: [] };
    addGatewayActions(into, loaded, [], { logger: log.logger, metrics: new GatewayMetrics() });
    for (const a of into.actions) a.close();
    expect(log.at(40)).toEqual([LAMP]);
  });

  it('linewatch validate says it as a warning and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-validate-feedback-'));
    await writeFile(join(dir, 'gw.yaml'), walkConfig());
    const res = await runCli(['validate', '--config', join(dir, 'gw.yaml')]);
    expect(res.stderr).toContain(`linewatch: warning: ${LAMP}\n`);
    expect(res.code).toBe(0);
  });
});

describe('matchNodeIds', () => {
  it.each([
    ['i=5', 'ns=0;i=5', 'same'],
    ['nsu=urn:a;s=X', 'nsu=urn:a;s=X', 'same'],
    ['nsu=urn:a;s=X', 'ns=4;s=X', 'unknown'],
    ['ns=4;s=X', 'nsu=urn:a;s=X', 'unknown'],
    ['nsu=urn:a;s=X', 'nsu=urn:b;s=X', 'different'],
    ['nsu=urn:a;s=X', 's=X', 'different'],
    ['ns=1;s=X', 'ns=1;s=x', 'different'],
    ['not a node id', ' not a node id ', 'same'],
    ['i=abc', 'i=ABC', 'different'],
  ] as const)('%s vs %s: %s', (a, b, expected) => {
    expect(matchNodeIds(a, b)).toBe(expected);
  });
});
