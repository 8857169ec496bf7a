/**
 * What validate, a start and run --once say of a valid configuration that is likely not meant (issue: a newcomer's
 * `asset: pres` for `press` and `address: 40101` for offset 100 both passed validate without a word): a source whose
 * asset is no configured asset (recorded, not scored; did you mean …?), and a Modbus address that looks like a Modicon
 * reference of its own table. Said, never refused.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configNotes, logConfigNotes } from '../../src/config/config-notes.js';
import { configSchema } from '../../src/config/schema.js';
import { ROOT } from '../helpers/cli.js';
import { accepted, issuesOf } from '../helpers/config-issues.js';
import { logLines } from '../helpers/log-lines.js';

/** A configuration through the schema alone (the notes need no model loaded). */
const config = (yaml: string) => configSchema.parse(parse(yaml));

const PRESS = 'assets:\n  - { name: press, model: press-ae }\n';
const modbus = (asset: string, registers = '[{ channel: force, address: 0, type: int16 }]') =>
  `  - { name: plc, type: modbus_tcp, host: plc, asset: ${asset}, registers: ${registers} }\n`;
const OPCUA = (asset: string) =>
  `  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: ${asset}, nodes: [{ channel: f, node_id: "ns=2;s=f" }] }\n`;
const MQTT = (asset: string) =>
  `  - { name: mq, type: mqtt, url: "mqtt://broker:1883", asset: ${asset}, tags: [{ channel: f, topic: plant/f }] }\n`;

const texts = (yaml: string) => configNotes(config(yaml)).map((n) => `${n.level}: ${n.text}`);

describe("a source's asset that is no configured asset", () => {
  it('is a warning with the asset it likely misspells, for a Modbus, an OPC UA and an MQTT source', () => {
    expect(texts(`sources:\n${modbus('pres')}${OPCUA('prss')}${MQTT('Press')}${PRESS}`)).toEqual([
      'warning: sources[0].asset: "pres" names no asset under assets: its channels are recorded, not scored (did you mean "press"?)',
      'warning: sources[1].asset: "prss" names no asset under assets: its channels are recorded, not scored (did you mean "press"?)',
      'warning: sources[2].asset: "Press" names no asset under assets: its channels are recorded, not scored (did you mean "press"?)',
    ]);
  });

  it('names the Modbus device that names it, under devices', () => {
    const devices =
      '  - name: line\n    type: modbus_tcp\n    host: gw\n    devices:\n' +
      '      - { unit_id: 3, asset: press, registers: [{ channel: force, address: 0, type: int16 }] }\n' +
      '      - { unit_id: 4, asset: presss, registers: [{ channel: force, address: 0, type: int16 }] }\n';
    expect(texts(`sources:\n${devices}${PRESS}`)).toEqual([
      'warning: sources[0].devices[1].asset: "presss" names no asset under assets: its channels are recorded, not scored (did you mean "press"?)',
    ]);
  });

  it('is a note without a guess where no configured asset is near (recording a machine on purpose)', () => {
    expect(texts(`sources:\n${modbus('pump-7')}${PRESS}`)).toEqual([
      'note: sources[0].asset: "pump-7" names no asset under assets: its channels are recorded, not scored',
    ]);
  });

  it('says nothing of a source whose asset is configured', () => {
    expect(texts(`sources:\n${modbus('press')}${PRESS}`)).toEqual([]);
  });

  it('is one note, whatever the sources, where no asset is configured at all (the gateway records only)', () => {
    expect(texts(`sources:\n${modbus('pres')}${OPCUA('pump')}`)).toEqual([
      'note: no assets configured: the gateway records the channels of its sources and scores none (to score them, ' +
        'add assets, each with a model: docs/models.md, "A detector for your own machine, step by step")',
    ]);
  });

  it("names the source in the refusal of an asset whose model gets no channel, where the source's asset misspells it", async () => {
    const press = join(ROOT, 'models/press-ae');
    const issues = await issuesOf(
      `sources:\n${modbus('pres', '[{ channel: force, address: 0, type: int16 }, { channel: position, address: 1, type: int16 }]').replace('plc, asset', 'plc, poll_interval_ms: 200, asset')}` +
        `assets:\n  - { name: press, model: ${press} }\n`,
    );
    expect(issues).toEqual([
      // The shipped press-ae records the cut it learned (since 2026-12-07): a sliding window is refused too.
      "assets[0].window: model press-ae learned parts cut by cycle_active (flag): the asset's window needs type: " +
        'cycle, trigger_channel: cycle_active, trigger: flag',
      'assets[0].model: model press-ae needs channel(s) force, position of asset press, which no source provides ' +
        '(provided: none); did sources[0].asset "pres" mean "press"?',
    ]);
  });
});

describe('a Modbus address that looks like a Modicon reference', () => {
  const registers = (list: string) => texts(`sources:\n${modbus('press', list)}${PRESS}`);

  it('is a warning naming the register, the device, its channel and the offset it probably means', () => {
    expect(
      registers(
        '[{ channel: force, address: 0, type: int16 }, { channel: speed, table: input, address: 30001, type: uint16 }, ' +
          '{ channel: pressure, address: 40101, type: float32 }, { channel: door, table: discrete, address: 19999, type: bit }]',
      ),
    ).toEqual([
      "warning: sources[0].registers[1] (plc, channel speed): address 30001 looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for 30001 is 0; if the device really maps 30001, ignore this",
      "warning: sources[0].registers[2] (plc, channel pressure): address 40101 looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for 40101 is 100; if the device really maps 40101, ignore this",
      "warning: sources[0].registers[3] (plc, channel door): address 19999 looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for 19999 is 9998; if the device really maps 19999, ignore this",
    ]);
  });

  it.each([
    ['holding 40000 (offset -1 is none)', '{ channel: a, address: 40000, type: int16 }'],
    ['holding 50000 (past 49999)', '{ channel: a, address: 50000, type: int16 }'],
    ["holding 30001 (the input registers' range)", '{ channel: a, address: 30001, type: int16 }'],
    ["input 40101 (the holding registers' range)", '{ channel: a, table: input, address: 40101, type: int16 }'],
    ['a coil 1 (00001 is the number 1)', '{ channel: a, table: coil, address: 1, type: bit }'],
    ['a coil 10001', '{ channel: a, table: coil, address: 10001, type: bit }'],
    ['holding 9999', '{ channel: a, address: 9999, type: int16 }'],
  ])('says nothing of %s', (_what, register) => {
    expect(registers(`[${register}]`)).toEqual([]);
  });

  it('names the unit of a device under devices', () => {
    const devices =
      '  - name: line\n    type: modbus_rtu\n    path: /dev/ttyUSB0\n    devices:\n' +
      '      - { unit_id: 3, asset: press, registers: [{ channel: force, address: 40001, type: int16 }] }\n';
    expect(texts(`sources:\n${devices}${PRESS}`)).toEqual([
      "warning: sources[0].devices[0].registers[0] (line unit 3, channel force): address 40001 looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for 40001 is 0; if the device really maps 40001, ignore this",
    ]);
  });

  it('is accepted by the loader: a device may map that high', async () => {
    const press = join(ROOT, 'models/press-ae');
    const loaded = await accepted(
      'sources:\n  - { name: plc, type: modbus_tcp, host: plc, asset: press, poll_interval_ms: 200, registers: ' +
        '[{ channel: force, address: 40101, type: int16 }, { channel: position, address: 40102, type: int16 }, ' +
        '{ channel: cycle_active, address: 40103, type: uint16 }] }\n' +
        `assets:\n  - { name: press, model: ${press}, window: { type: cycle, trigger_channel: cycle_active } }\n`,
    );
    expect(loaded.sources[0]).toMatchObject({
      registers: [{ address: 40101 }, { address: 40102 }, { address: 40103 }],
    });
  });
});

describe('logConfigNotes (a start)', () => {
  it('logs a warning as a warning and a note as info, each once', () => {
    const { logger, lines } = logLines();
    logConfigNotes(config(`sources:\n${modbus('pres')}${MQTT('pump-7')}${PRESS}`), logger);
    expect(lines.map((l) => [l.level, l.component, l.msg])).toEqual([
      [40, 'config', expect.stringContaining('sources[0].asset: "pres" names no asset under assets')],
      [30, 'config', expect.stringContaining('sources[1].asset: "pump-7" names no asset under assets')],
    ]);
  });
});
