import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/load.js';
import { generateKeys } from '../../src/sync/release.js';
import { ROOT } from '../helpers/cli.js';
import { accepted, issuesOf } from '../helpers/config-issues.js';
import { PUMP_AE, PUMP_CHANNELS, pumpConfig } from '../helpers/pump-config.js';

const MODEL = PUMP_AE;
const CHANNELS = PUMP_CHANNELS;
const config = pumpConfig;

describe('configuration', () => {
  it('accepts a valid config, applying defaults and loading the model', async () => {
    const loaded = await parseConfig(config(), '/etc/linewatch/test.yaml', {});
    const source = loaded.config.sources[0];
    expect(source.type === 'modbus_tcp' && source.registers[0].byte_order).toBe('ABCD');
    expect(loaded.config.http.port).toBe(8080);
    expect(loaded.models.get('pump-1')?.manifest.name).toBe('pump-ae');
  });

  it('names the path of a wrong enum value and lists the choices', async () => {
    const issues = await issuesOf(config({ registers: '      - { channel: flow, address: 0, type: float33 }' }));
    expect(issues).toContain(
      'sources[0].registers[0].type: expected one of "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "bit", "string"; did you mean "float32"?',
    );
  });

  it('takes an execution provider preference and names a provider it does not know', async () => {
    const loaded = await parseConfig(config({ top: 'inference: { providers: [tensorrt, cuda, cpu] }' }), 'x.yaml', {});
    expect(loaded.config.inference.providers).toEqual(['tensorrt', 'cuda', 'cpu']);
    expect((await parseConfig(config(), 'x.yaml', {})).config.inference.providers).toEqual(['cpu']);
    const issues = await issuesOf(config({ top: 'inference: { providers: [tpu, cpu] }' }));
    // No suggestion: a TPU is another processor, not a typo of cpu (one letter of three; nearest-name.ts).
    expect(issues).toContain('inference.providers[0]: expected one of "tensorrt", "cuda", "cpu"');
    expect(await issuesOf(config({ top: 'inference: { providers: [cdua] }' }))).toContain(
      'inference.providers[0]: expected one of "tensorrt", "cuda", "cpu"; did you mean "cuda"?',
    );
  });

  it('checks the devices of a Modbus connection: unit ids, assets, tag intervals, the model period per device', async () => {
    const dev = (unit: number, extra = '') =>
      `      - { unit_id: ${unit}, asset: press-${unit}, registers: [{ channel: force, address: 0, type: float32${extra} }] }`;
    const text = (devices: string, top = '') =>
      `sources:\n  - name: gw\n    type: modbus_rtu\n    path: /dev/ttyUSB0\n    poll_interval_ms: 200\n${top}    devices:\n${devices}\nassets: []\n`;
    expect(await accepted(text([dev(1), dev(2)].join('\n')))).toMatchObject({
      sources: [
        {
          devices: [
            { unit_id: 1, asset: 'press-1' },
            { unit_id: 2, asset: 'press-2' },
          ],
        },
      ],
    });
    expect(await issuesOf(text([dev(1), dev(1)].join('\n')))).toContain(
      'sources[0].devices: unit id 1 is configured twice on this connection',
    );
    expect(await issuesOf(text(dev(2, ', poll_interval_ms: 100')))).toContain(
      "sources[0].devices[0].registers[0].poll_interval_ms: 100 ms is faster than its device's 200 ms; a tag can only be polled as often as its device or less",
    );
    expect(await issuesOf(text(dev(2), '    registers: [{ channel: x, address: 0, type: uint16 }]\n'))).toContain(
      "sources[0].asset: required with registers (the asset the first device's channels belong to)",
    );
    const none = await issuesOf(`sources:\n  - { name: gw, type: modbus_tcp, host: h }\nassets: []\n`);
    expect(none).toContain('sources[0]: no registers: list registers (with unit_id and asset), or devices');
    const six = CHANNELS.filter((c) => c !== 'flow')
      .map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`)
      .join('\n');
    const period = await issuesOf(
      config({
        registers: `${six}\n    devices: [{ unit_id: 7, asset: pump-1, poll_interval_ms: 500, registers: [{ channel: flow, address: 0, type: float32 }] }]`,
      }),
    );
    expect(period).toContain(
      'sources[0].devices[0].poll_interval_ms: 500 ms, but model pump-ae of asset pump-1 expects samples every 200 ms: ' +
        'poll every 200 ms, or train the model again with --period-ms 500 where its CSV was recorded at 500 ms ' +
        '(without it, train takes the median spacing of the rows)',
    );
  });

  it('takes coils and discrete inputs as single bits', async () => {
    const extra =
      '      - { channel: running, table: coil, address: 3, type: bit }\n      - { channel: door, table: discrete, address: 9, type: bit }';
    const registers = CHANNELS.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`).join('\n');
    expect((await accepted(config({ registers: `${registers}\n${extra}` }))).sources[0]).toMatchObject({
      registers: expect.arrayContaining([
        expect.objectContaining({ channel: 'running', table: 'coil', address: 3, type: 'bit' }),
        expect.objectContaining({ channel: 'door', table: 'discrete', address: 9, type: 'bit' }),
      ]),
    });
    const issues = await issuesOf(
      config({ registers: `${registers}\n      - { channel: running, table: coil, address: 3, type: uint16 }` }),
    );
    expect(issues).toContain('sources[0].registers[7].type: a coil is one bit: use type "bit" without "bit"');
  });

  it('takes string tags over `length` registers as part ids, never as model inputs or triggers', async () => {
    const registers = CHANNELS.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`).join('\n');
    const withTag = (tag: string) => config({ registers: `${registers}\n      - ${tag}` });
    expect(
      (await accepted(withTag('{ channel: serial, address: 20, type: string, length: 6 }'))).sources[0],
    ).toMatchObject({
      registers: expect.arrayContaining([expect.objectContaining({ channel: 'serial', type: 'string', length: 6 })]),
    });
    expect(await issuesOf(withTag('{ channel: serial, address: 20, type: string }'))).toEqual([
      'sources[0].registers[7].length: required when type is "string" (how many registers the text takes, two characters each)',
    ]);
    expect(await issuesOf(withTag('{ channel: serial, address: 20, type: uint16, length: 6 }'))).toEqual([
      'sources[0].registers[7].length: only allowed when type is "string"',
    ]);
    expect(await issuesOf(withTag('{ channel: serial, address: 65530, type: string, length: 8 }'))).toEqual([
      'sources[0].registers[7].address: string at 65530 runs past register 65535',
    ]);
    // A model channel served by a string tag.
    const asText = CHANNELS.map(
      (c, i) => `      - { channel: ${c}, address: ${i * 2}, type: ${c === 'flow' ? 'string, length: 2' : 'float32'} }`,
    ).join('\n');
    expect(await issuesOf(config({ registers: asText }))).toContainEqual(
      expect.stringMatching(
        /^assets\[0\]\.model: model pump-ae takes channel\(s\) flow of asset pump-1 as numbers, but they are string tags$/,
      ),
    );
    // A cycle trigger must be a number; the part id may be text.
    const press = join(ROOT, 'models/press-ae');
    const pressRegs = ['force', 'position', 'cycle_active']
      .map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`)
      .join('\n');
    const cycle = (windowYaml: string) =>
      config({
        registers: `${pressRegs}\n      - { channel: serial, address: 20, type: string, length: 6 }`,
        assets: `  - name: pump-1\n    model: ${press}\n    window: ${windowYaml}`,
      });
    expect(
      (await accepted(cycle('{ type: cycle, trigger_channel: cycle_active, part_id_channel: serial }'))).assets[0]
        .window,
    ).toMatchObject({ type: 'cycle', trigger_channel: 'cycle_active', part_id_channel: 'serial' });
    expect(await issuesOf(cycle('{ type: cycle, trigger_channel: serial }'))).toEqual([
      'assets[0].window.trigger_channel: "serial" is a string tag; a trigger must be a number (a flag or a part counter)',
      // The shipped press-ae records the cut it learned (since 2026-12-07).
      'assets[0].window: model press-ae learned parts cut by cycle_active (flag), not by serial (flag): parts cut ' +
        'otherwise are not the parts it knows',
    ]);
  });

  it('writes a coil pattern to consecutive coils, but only to coils', async () => {
    const action = (a: string) =>
      config({ assets: `  - name: pump-1\n    model: ${MODEL}\n    alarm: { actions: [${a}] }` });
    expect(
      (
        await accepted(
          action(
            '{ type: modbus_write, source: plc, table: coil, address: 0, value_active: [1, 0, 1], value_inactive: [0, 1, 0] }',
          ),
        )
      ).assets[0].alarm.actions[0],
    ).toMatchObject({ type: 'modbus_write', table: 'coil', value_active: [1, 0, 1], value_inactive: [0, 1, 0] });
    expect(
      await issuesOf(action('{ type: modbus_write, source: plc, table: holding, address: 0, value_active: [1, 0] }')),
    ).toEqual([
      'assets[0].alarm.actions[0].value_active: a list of values is written to consecutive coils; for a holding register give one number',
    ]);
    expect(
      await issuesOf(action('{ type: modbus_write, source: plc, table: coil, address: 65535, value_active: [1, 1] }')),
    ).toEqual(['assets[0].alarm.actions[0].value_active: 2 coils from 65535 run past coil 65535']);
  });

  it('refuses a modbus_write number its data_type cannot hold, and registers past 65535', async () => {
    const action = (a: string) =>
      config({ assets: `  - name: pump-1\n    model: ${MODEL}\n    alarm: { actions: [${a}] }` });
    expect(
      await issuesOf(
        action(
          '{ type: modbus_write, source: plc, table: holding, address: 7, scale: 0.001, value_active: 100, value_inactive: -2 }',
        ),
      ),
    ).toEqual([
      'assets[0].alarm.actions[0].value_active: 100 is 100000 raw ((value - offset) / scale), out of range for data_type uint16 (0..65535)',
      'assets[0].alarm.actions[0].value_inactive: -2 is -2000 raw ((value - offset) / scale), out of range for data_type uint16 (0..65535)',
    ]);
    expect(
      await issuesOf(action('{ type: modbus_write, source: plc, table: holding, address: 7, value_active: 70000 }')),
    ).toEqual(['assets[0].alarm.actions[0].value_active: 70000 is out of range for data_type uint16 (0..65535)']);
    expect(
      await issuesOf(
        action(
          '{ type: modbus_write, source: plc, table: holding, address: 65535, data_type: float32, value_active: 1 }',
        ),
      ),
    ).toEqual(['assets[0].alarm.actions[0].address: float32 at 65535 runs past register 65535']);
  });

  it('writes text only to holding registers, with a length', async () => {
    const action = (a: string) =>
      config({ assets: `  - name: pump-1\n    model: ${MODEL}\n    alarm: { actions: [${a}] }` });
    expect(
      (
        await accepted(
          action(
            '{ type: modbus_write, source: plc, table: holding, address: 50, data_type: string, length: 8, text_active: "{asset} {top}" }',
          ),
        )
      ).assets[0].alarm.actions[0],
    ).toMatchObject({ table: 'holding', address: 50, data_type: 'string', length: 8, text_active: '{asset} {top}' });
    expect(
      await issuesOf(action('{ type: modbus_write, source: plc, table: holding, address: 50, data_type: string }')),
    ).toEqual([
      'assets[0].alarm.actions[0].data_type: a string is written to holding registers and needs length (registers, two characters each)',
    ]);
    expect(
      await issuesOf(action('{ type: modbus_write, source: plc, table: holding, address: 50, length: 8 }')),
    ).toEqual(['assets[0].alarm.actions[0].length: only for data_type string']);
  });

  it('rejects a Modbus write action naming a unit its source does not have', async () => {
    const issues = await issuesOf(
      config({
        assets: `  - name: pump-1\n    model: ${MODEL}\n    alarm: { actions: [{ type: modbus_write, source: plc, unit_id: 9, table: coil, address: 0 }] }`,
      }),
    );
    expect(issues).toContain('assets[0].alarm.actions[0].unit_id: source plc has no unit 9 (units: 1)');
  });

  it('checks OPC UA X.509 user authentication settings come as a pair, and not with a password', async () => {
    const source = (extra: string) =>
      `sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: a, ${extra}nodes: [{ channel: flow, node_id: "ns=2;s=x" }] }\nassets: []\n`;
    expect(await issuesOf(source('user_certificate_file: u.pem, '))).toContain(
      'sources[0]: X.509 user authentication needs both user_certificate_file and user_private_key_file',
    );
    expect(
      await issuesOf(source('user_certificate_file: u.pem, user_private_key_file: k.pem, username: op, ')),
    ).toContain('sources[0]: use either username/password or a user certificate, not both');
  });

  it('takes an OPC UA node by id or by browse path, not both', async () => {
    const source = (node: string) =>
      `sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: a, nodes: [${node}] }\nassets: []\n`;
    expect(
      (
        await accepted(
          source('{ channel: flow, browse_path: /Objects/Plant/Pump1/flow, browse_namespace: "urn:plant" }'),
        )
      ).sources[0],
    ).toMatchObject({
      nodes: [{ channel: 'flow', browse_path: '/Objects/Plant/Pump1/flow', browse_namespace: 'urn:plant' }],
    });
    expect(await issuesOf(source('{ channel: flow, node_id: "ns=2;s=x", browse_path: /Objects/x }'))).toContain(
      'sources[0].nodes[0]: give either node_id or browse_path',
    );
    expect(await issuesOf(source('{ channel: flow, browse_path: Objects/x }'))).toContain(
      'sources[0].nodes[0].browse_path: expected a browse path such as "/Objects/Plant/Pump1/flow"',
    );
  });

  // Regression (a newcomer's walk): a Modicon register number, an address past 65535, a time with a unit and a type
  // two names are near each said only what the schema expected, with no channel and no hint, all in one pass.
  it('names the channel of an address past 65535, reads a Modicon number, and says what to write', async () => {
    const issues = await issuesOf(
      config({
        registers: [
          '      - { channel: flow, address: 400011, type: uint32 }',
          '      - { channel: extra, address: 70000, type: uint16 }',
          '      - { channel: level, address: 300005, table: holding, type: float, scale: 0.1 }',
          '    timeout_ms: 1s',
        ].join('\n'),
      }),
    );
    expect(issues).toEqual([
      'sources[0].timeout_ms: "1s" is not a number of milliseconds; write 1000',
      'sources[0].registers[0].address: channel flow: 400011 is past the last Modbus address, 65535; 400011 looks like Modicon notation for holding register 11: write address: 10 with table: holding',
      'sources[0].registers[1].address: channel extra: 70000 is past the last Modbus address, 65535 (address counts from 0 as on the wire: holding register 1 of a PLC manual, 40001, is address: 0)',
      'sources[0].registers[2].type: expected one of "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "bit", "string"; did you mean "float32" or "float64"?',
      'sources[0].registers[2].address: channel level: 300005 is past the last Modbus address, 65535; 300005 looks like Modicon notation for input register 5: write address: 4 with table: input (this register has table: holding)',
    ]);
  });

  it('rejects unknown keys with their full path', async () => {
    const issues = await issuesOf(
      config({ registers: '      - { channel: flow, address: 0, type: float32, scael: 2 }' }),
    );
    expect(issues).toContain('sources[0].registers[0].scael: unknown key; did you mean scale?');
  });

  it('rejects a wrong type', async () => {
    const issues = await issuesOf(config({ registers: '      - { channel: flow, address: "forty", type: float32 }' }));
    expect(issues.some((i) => i.startsWith('sources[0].registers[0].address: '))).toBe(true);
  });

  it('rejects an unknown source type', async () => {
    const issues = await issuesOf(config().replace('type: modbus_tcp', 'type: modbus_tpc'));
    expect(issues.join('\n')).toMatch(/sources\[0\]\.type/);
  });

  it('rejects duplicate source names and duplicate channels of one asset', async () => {
    const extra = `  - name: plc\n    type: modbus_tcp\n    host: 127.0.0.2\n    asset: pump-1\n    registers:\n      - { channel: flow, address: 0, type: float32 }`;
    const issues = await issuesOf(config({ extraSource: extra }));
    expect(issues).toContain('sources: duplicate source name "plc"');
    expect(issues).toContain(
      'sources[1].registers[0].channel: channel "flow" of asset "pump-1" is already read by sources[0].registers[6]',
    );
  });

  it('rejects a model path that does not exist, naming it', async () => {
    const issues = await issuesOf(config({ assets: '  - name: pump-1\n    model: /nonexistent/model' }));
    expect(issues).toEqual(['assets[0].model: model /nonexistent/model: no such file or directory']);
  });

  it('names the shipped models where a bare model name is none of them, and the one it likely misspells', async () => {
    const shipped = 'nor a shipped model (press-ae, pump-ae, pump-conv-ae, pump-hybrid)';
    const typo = await issuesOf(config({ assets: '  - name: pump-1\n    model: pump-hybird' }));
    expect(typo).toEqual([
      `assets[0].model: model /etc/linewatch/pump-hybird: no such file or directory, ${shipped}: did you mean pump-hybrid?`,
    ]);
    // A path is no shipped model's name: nothing added.
    const path = await issuesOf(config({ assets: '  - name: pump-1\n    model: models/pump-hybird' }));
    expect(path).toEqual([`assets[0].model: model /etc/linewatch/models/pump-hybird: no such file or directory`]);
  });

  it('rejects a file named as the model (a CSV), saying it is no model folder and what one holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-model-csv-'));
    const csv = join(dir, 'probe.csv');
    await writeFile(csv, 'timestamp,a\n1764914400000,1\n');
    const issues = await issuesOf(config({ assets: `  - name: pump-1\n    model: ${csv}` }));
    expect(issues).toEqual([
      `assets[0].model: model ${csv}: a file that is not JSON, so neither a model folder nor its manifest.json; a model folder holds the manifest.json and ONNX files that linewatch train writes`,
    ]);
  });

  it("names where a model folder's manifest.json breaks", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-model-broken-'));
    await writeFile(join(dir, 'manifest.json'), '{"name": ');
    const issues = await issuesOf(config({ assets: `  - name: pump-1\n    model: ${dir}` }));
    expect(issues).toEqual([
      `assets[0].model: model manifest ${join(dir, 'manifest.json')}: Unexpected end of JSON input`,
    ]);
  });

  it('rejects a model whose channels the sources do not provide', async () => {
    const registers = CHANNELS.filter((c) => c !== 'flow')
      .map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`)
      .join('\n');
    const issues = await issuesOf(config({ registers }));
    expect(issues[0]).toMatch(
      /^assets\[0\]\.model: model pump-ae needs channel\(s\) flow of asset pump-1, which no source provides/,
    );
  });

  it('rejects a source polling at another rate than the model was trained on', async () => {
    const issues = await issuesOf(config().replace('poll_interval_ms: 200', 'poll_interval_ms: 1000'));
    expect(issues[0]).toMatch(
      /^sources\[0\]\.poll_interval_ms: 1000 ms, but model pump-ae of asset pump-1 expects samples every 200 ms/,
    );
  });

  it("takes sources at any rate when the window aligns them on the model's time grid; hop_ms a multiple of its period", async () => {
    const slow = (windowYaml: string) =>
      config({ assets: `  - name: pump-1\n    model: ${MODEL}\n    window: ${windowYaml}` }).replace(
        'poll_interval_ms: 200',
        'poll_interval_ms: 1000',
      );
    expect((await accepted(slow('{ align: linear, hop_ms: 1000 }'))).assets[0].window).toMatchObject({
      align: 'linear',
      hop_ms: 1000,
    });
    expect((await accepted(slow('{ align: hold }'))).assets[0].window).toMatchObject({ align: 'hold' });
    expect(await issuesOf(slow('{ align: linear, hop_ms: 300 }'))).toEqual([
      "assets[0].window.hop_ms: 300 ms is not a multiple of model pump-ae's sample period (200 ms)",
    ]);
  });

  it('rejects an alarm action that names no Modbus source, and a bad webhook URL', async () => {
    const assets = `  - name: pump-1\n    model: ${MODEL}\n    alarm:\n      actions:\n        - { type: modbus_write, source: plcc, table: coil, address: 0 }\n        - { type: webhook, url: "not a url" }`;
    const issues = await issuesOf(config({ assets }));
    expect(issues).toContain('assets[0].alarm.actions[1].url: Invalid URL');
    const issues2 = await issuesOf(config({ assets: assets.replace(/\n        - \{ type: webhook.*$/, '') }));
    expect(issues2).toEqual(['assets[0].alarm.actions[0].source: no modbus source named "plcc" (sources: plc)']);
    // A source of the wrong protocol is named as what it is.
    const opcua = assets
      .replace(/\n        - \{ type: webhook.*$/, '')
      .replace(
        '{ type: modbus_write, source: plcc, table: coil, address: 0 }',
        '{ type: opcua_write, source: plc, node_id: "ns=2;s=Lamp" }',
      );
    expect(await issuesOf(config({ assets: opcua }))).toEqual([
      'assets[0].alarm.actions[0].source: "plc" is a modbus_tcp source, and opcua_write writes through opcua sources only (those configured: none)',
    ]);
  });

  it('checks cycle windows: a trigger is required and must be a channel some source reads', async () => {
    const press = join(ROOT, 'models/press-ae');
    const registers = ['force', 'position', 'cycle_active']
      .map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`)
      .join('\n');
    const text = (windowYaml: string) =>
      config({ registers, assets: `  - name: pump-1\n    model: ${press}\n    window: ${windowYaml}` });
    expect(await issuesOf(text('{ type: cycle }'))).toEqual([
      'assets[0].window.trigger_channel: required when type is "cycle"',
    ]);
    expect(await issuesOf(text('{ type: cycle, trigger_channel: cycle_activ }'))).toEqual([
      'assets[0].window.trigger_channel: no source provides channel "cycle_activ" of asset pump-1',
      // The shipped press-ae records the cut it learned (since 2026-12-07): the name it was cut by.
      'assets[0].window: model press-ae learned parts cut by cycle_active (flag), not by cycle_activ (flag): parts ' +
        'cut otherwise are not the parts it knows',
    ]);
    expect(await issuesOf(text('{ trigger_channel: cycle_active }'))).toEqual([
      'assets[0].window: trigger_channel and part_id_channel only apply to type "cycle"',
      "assets[0].window: model press-ae learned parts cut by cycle_active (flag): the asset's window needs type: " +
        'cycle, trigger_channel: cycle_active, trigger: flag',
    ]);
    expect((await accepted(text('{ type: cycle, trigger_channel: cycle_active }'))).assets[0].window).toMatchObject({
      type: 'cycle',
      trigger_channel: 'cycle_active',
    });
  });

  it("takes a part model's polls at its rate or faster (each part is resampled over its time), not slower", async () => {
    const press = join(ROOT, 'models/press-ae'); // learned at 200 ms
    const registers = ['force', 'position', 'cycle_active']
      .map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`)
      .join('\n');
    const polled = (ms: number) =>
      config({
        registers,
        assets: `  - name: pump-1\n    model: ${press}\n    window: { type: cycle, trigger_channel: cycle_active }`,
      }).replace('poll_interval_ms: 200', `poll_interval_ms: ${ms}`);
    expect((await accepted(polled(100))).sources[0]).toMatchObject({ poll_interval_ms: 100 });
    expect((await accepted(polled(200))).sources[0]).toMatchObject({ poll_interval_ms: 200 });
    expect(await issuesOf(polled(250))).toEqual([
      "sources[0].poll_interval_ms: 250 ms, slower than the 200 ms at which model press-ae of asset pump-1 learned its parts' curves; poll at least as often",
    ]);
  });

  it('substitutes ${ENV} with types, and reports a missing variable by path', async () => {
    const text = config({ top: 'http:\n  port: ${HTTP_PORT}\ngateway:\n  name: ${GW_NAME:-edge-1}' });
    const loaded = await parseConfig(text, 'x.yaml', { HTTP_PORT: '9100' });
    expect(loaded.config.http.port).toBe(9100);
    expect(loaded.config.gateway.name).toBe('edge-1');
    expect(await issuesOf(text, {})).toEqual(['http.port: environment variable HTTP_PORT is not set']);
  });

  it('refuses a gateway named "releases" under cloud.mqtt: its topics would be the release notices\' level', async () => {
    const named = (name: string) =>
      config({
        top: `gateway: { name: ${name} }\ncloud:\n  mqtt: { url: mqtt://127.0.0.1:1883, topic_prefix: plant }`,
      });
    expect(await issuesOf(named('releases'))).toEqual([
      'gateway.name: "releases" is the topic level of release notices (<prefix>/releases/<model>) under cloud.mqtt: name the gateway otherwise',
    ]);
    expect((await accepted(named('releases-1'))).gateway.name).toBe('releases-1');
    expect((await accepted(config({ top: 'gateway: { name: releases }' }))).gateway.name).toBe('releases');
  });

  it('checks the public keys releases are verified with: a missing file, a private key, no key', async () => {
    const keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-config-keys-')));
    const notAKey = join(await mkdtemp(join(tmpdir(), 'lw-config-keys-')), 'notes.csv');
    await writeFile(notAKey, 'a,b\n1,2\n');
    const updates = (files: string[]) =>
      config({
        top: `cloud:\n  model_updates:\n    public_key_file: [${files.join(', ')}]\n    mqtt: false\n    poll_url: https://releases.example/notice.json`,
      });
    expect((await accepted(updates([keys.publicPath]))).cloud.model_updates?.public_key_file).toEqual([
      keys.publicPath,
    ]);
    const issues = await issuesOf(
      updates([keys.publicPath, keys.privatePath, '/nonexistent/release.pub.pem', notAKey]),
    );
    expect(issues).toEqual([
      `cloud.model_updates.public_key_file[1]: public key ${keys.privatePath}: this is a private key, the one that signs releases; give the public key "linewatch model keygen" wrote beside it (release-signing.pub.pem), and keep the private key on the release machine only`,
      'cloud.model_updates.public_key_file[2]: public key /nonexistent/release.pub.pem: no such file',
      `cloud.model_updates.public_key_file[3]: public key ${notAKey}: not a PEM public key; expected the file "linewatch model keygen" wrote, starting with "-----BEGIN PUBLIC KEY-----"`,
    ]);
  });

  it('reports a whole document that is one unset variable as that alone', async () => {
    expect(await issuesOf('${LINEWATCH_WHOLE_CONFIG}', {})).toEqual([
      '(root): environment variable LINEWATCH_WHOLE_CONFIG is not set',
    ]);
  });

  it("reports an unset variable together with the file's other problems, not one round at a time", async () => {
    const text = config({ top: 'http:\n  port: ${HTTP_PORT}\n  api_tokn: x' });
    expect(await issuesOf(text, {})).toEqual([
      'http.port: environment variable HTTP_PORT is not set',
      'http.api_tokn: unknown key; did you mean api_token?',
    ]);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const issues = await issuesOf('sources:\n  - name: [unclosed\n');
    expect(issues).toEqual([
      'line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('says which lines an indentation slip or a missing comma is on, and what to check', async () => {
    // A key indented one space less than its siblings: the next one runs on into it.
    expect(
      await issuesOf('assets:\n  - name: pump\n    alarm:\n     priority: high\n      on_delay_ms: 1000\n'),
    ).toEqual([
      'line 4, column 16: Nested mappings are not allowed in compact mappings: line 4 "priority: high" runs on into line 5 "on_delay_ms: 1000", indented further than it: the keys of one mapping start in the same column',
    ]);
    // A key indented less than its siblings, in a list item.
    expect(await issuesOf('sources:\n  - name: plc\n    host: h\n   port: 502\n')).toEqual([
      'line 4, column 1: Sequence item without - indicator: line 4 "port: 502" is indented less than the keys above it: the keys of one mapping start in the same column',
    ]);
    expect(await issuesOf('registers:\n  - { channel: flow address: 10 }\n')).toEqual([
      'line 2, column 16: Block collections are not allowed within flow collections: "- { channel: flow address: 10 }"; inside { } or [ ] the entries are separated by commas',
    ]);
    // A value in double quotes that holds double quotes (a Siemens node id): it ends at the second quote.
    expect(
      await issuesOf(`sources:\n  - nodes:\n      - { channel: flow, node_id: "ns=3;s="DB_Pump"."Flow"" }\n`),
    ).toEqual([
      `line 3, column 44: Unexpected scalar at node end: "- { channel: flow, node_id: \\"ns=3;s=\\"DB_Pump\\".\\"Flow\\"\\" }"; a value in double quotes ends at its next ": one that holds double quotes, as a Siemens node id does, goes in single quotes ('ns=3;s="DB_Pump"."Flow"')`,
    ]);
    expect(await issuesOf("gateway:\n  name: 'line 2's gateway'\n")).toEqual([
      `line 2, column 17: Unexpected scalar at node end: "name: 'line 2's gateway'"; a value in single quotes ends at its next ': write a quote inside it twice ('it''s'), or put the value in double quotes`,
    ]);
    // A line quoted in a message never shows the value of a key that may hold a secret.
    const secret = await issuesOf('http:\n  api_token: hunter2\n   port: 1\n');
    expect(secret[0]).toContain('"api_token: …" runs on into line 3 "port: 1"');
    expect(secret.join('\n')).not.toContain('hunter2');
  });

  it('names an unreadable config file', async () => {
    await expect(loadConfigFile('/nonexistent/linewatch.yaml')).rejects.toThrow(
      'cannot read configuration /nonexistent/linewatch.yaml: ENOENT',
    );
  });

  it('resolves the model path relative to the config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-config-'));
    await cp(MODEL, join(dir, 'models/pump'), { recursive: true });
    await writeFile(join(dir, 'gw.yaml'), config({ assets: '  - name: pump-1\n    model: models/pump' }));
    const loaded = await loadConfigFile(join(dir, 'gw.yaml'));
    expect(loaded.models.get('pump-1')?.modelPath).toBe(join(dir, 'models/pump/model.int8.onnx'));
  });

  it("resolves an mqtt_publish action's TLS files relative to the config file", async () => {
    const assets = `  - name: pump-1
    model: ${MODEL}
    alarm:
      actions:
        - type: mqtt_publish
          url: mqtts://broker.plant.local:8883
          client_id: line-3-alarms
          ca_file: certs/plant-ca.pem
          cert_file: /etc/pki/gw.pem
          key_file: ../keys/gw.key`;
    const loaded = await parseConfig(config({ assets }), '/etc/linewatch/test.yaml', {});
    expect(loaded.config.assets[0].alarm.actions[0]).toMatchObject({
      client_id: 'line-3-alarms',
      ca_file: '/etc/linewatch/certs/plant-ca.pem',
      cert_file: '/etc/pki/gw.pem',
      key_file: '/etc/keys/gw.key',
    });
  });

  it('finds a bare model name in the shipped models folder unless the config folder has it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-config-'));
    await writeFile(join(dir, 'gw.yaml'), config({ assets: '  - name: pump-1\n    model: pump-ae' }));
    const shipped = await loadConfigFile(join(dir, 'gw.yaml'));
    expect(shipped.config.assets[0].model).toBe(join(ROOT, 'models/pump-ae'));
    expect(shipped.models.get('pump-1')?.modelPath).toBe(join(ROOT, 'models/pump-ae/model.int8.onnx'));
    // A folder of that name next to the config file comes first.
    await cp(MODEL, join(dir, 'pump-ae'), { recursive: true });
    const own = await loadConfigFile(join(dir, 'gw.yaml'));
    expect(own.models.get('pump-1')?.modelPath).toBe(join(dir, 'pump-ae/model.int8.onnx'));
  });

  it('names the path relative to the config file when a bare model name is neither there nor shipped', async () => {
    const issues = await issuesOf(config({ assets: '  - name: pump-1\n    model: no-such-model' }));
    expect(issues).toEqual([
      'assets[0].model: model /etc/linewatch/no-such-model: no such file or directory, nor a shipped model (press-ae, pump-ae, pump-conv-ae, pump-hybrid)',
    ]);
  });

  it('the container configs validate, their bare model names found in the shipped models folder', async () => {
    for (const file of ['deploy/compose/linewatch.yaml', 'config/linewatch.yaml']) {
      const loaded = await loadConfigFile(join(ROOT, file), { LINEWATCH_API_TOKEN: 'token-of-sixteen-chars' });
      expect(loaded.config.assets.map((a) => a.model)).toEqual([
        join(ROOT, 'models/pump-hybrid'),
        join(ROOT, 'models/press-ae'),
      ]);
      expect(loaded.config.http).toMatchObject({ host: '0.0.0.0', port: 8080, api_token: 'token-of-sixteen-chars' });
      expect(loaded.config.data_dir).toBe('/data');
    }
  });

  it('every example config in config/ validates, with its sources and assets', async () => {
    const expected: Record<string, { sources: string[]; assets: string[] }> = {
      'demo.yaml': { sources: ['pump-plc', 'press-plc'], assets: ['pump-1', 'press-1'] },
      'example-gateway.yaml': { sources: ['pump-7-plc'], assets: ['pump-7'] },
      'example-opcua.yaml': { sources: ['pump-ua'], assets: ['pump-1'] },
    };
    for (const [file, names] of Object.entries(expected)) {
      const { config } = await loadConfigFile(join(ROOT, 'config', file), {
        INFLUX_PASSWORD: 'x',
        LINEWATCH_API_TOKEN: 'token-of-sixteen-chars',
      });
      expect({ sources: config.sources.map((s) => s.name), assets: config.assets.map((a) => a.name) }).toEqual(names);
    }
  });
});
