/**
 * The example flows in flows/ (shipped as the palette package's examples/) run as imported: every
 * ${VAR} a node uses is defined in its tab's environment with a default for the simulator on this
 * machine, which Node-RED's environment overrides; config nodes are scoped to the tab so they see
 * it; and the InfluxDB example writes the gateway's exact line protocol (tags, integer annunciated).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { AlarmEvent, ScoreResult } from '../../src/core/types.js';
import { alarmLine, scoreLine } from '../../src/sinks/influx/line-protocol.js';
import { scorePayload } from '../../src/node-red/score-node.js';
import { runningSettings } from '../../src/node-red/running-settings.js';
import { windowSettings } from '../../src/node-red/window-node.js';
import { alarmSettings } from '../../src/node-red/alarm-node.js';
import { ROOT } from '../helpers/cli.js';
import { ops, parseCopy, readDockerfile, stage } from '../helpers/dockerfile.js';

const jsonata = createRequire(import.meta.url)('jsonata') as (e: string) => {
  evaluate(input: unknown, bindings: Record<string, unknown>): Promise<unknown>;
};

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  func?: string;
  env?: { name: string; value: string; type: string }[];
  [key: string]: unknown;
}
const FLOWS = readdirSync(join(ROOT, 'flows')).filter((f) => f.endsWith('.json'));
const flow = (name: string) => JSON.parse(readFileSync(join(ROOT, 'flows', name), 'utf8')) as FlowNode[];

/** The tab's environment as Node-RED evaluates it, `parent` standing for Node-RED's own environment. */
async function tabEnv(tab: FlowNode, parent: Record<string, string>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const e of tab.env ?? []) {
    expect(e.type, `${tab.label} env ${e.name}`).toBe('jsonata');
    // Node-RED's $env: '$parent.X' skips the tab itself; an unset variable is "".
    const $env = (name: string) => parent[name.replace(/^\$parent\./, '')] ?? '';
    out[e.name] = await jsonata(e.value).evaluate({}, { env: $env });
  }
  return out;
}

const DEFAULTS: Record<string, Record<string, string>> = {
  'modbus-stack-light.json': { LINEWATCH_MODBUS_HOST: '127.0.0.1', LINEWATCH_MODBUS_PORT: '5020' },
  'opcua-influxdb.json': {
    LINEWATCH_OPCUA_ENDPOINT: 'opc.tcp://127.0.0.1:4840/UA/linewatch-sim',
    LINEWATCH_INFLUX_URL: 'http://127.0.0.1:8086',
    LINEWATCH_INFLUX_DB: 'linewatch',
    LINEWATCH_SITE: 'site',
    LINEWATCH_LINE: 'line',
  },
  'daemon-notifications.json': {
    LINEWATCH_DAEMON_URL: 'http://127.0.0.1:8080',
    LINEWATCH_NOTIFY_URL: 'http://127.0.0.1:1880/linewatch/notify',
  },
};

describe('example flows', () => {
  it('are the three documented flows', () => {
    expect(FLOWS.sort()).toEqual(Object.keys(DEFAULTS).sort());
  });

  for (const name of FLOWS) {
    it(`${name}: every \${VAR} has a default in the tab's environment, and Node-RED's environment overrides it`, async () => {
      const nodes = flow(name);
      const tab = nodes.find((n) => n.type === 'tab')!;
      const used = new Set(
        nodes.flatMap((n) => [...JSON.stringify({ ...n, env: undefined }).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1])),
      );
      const defaults = await tabEnv(tab, {});
      expect(defaults).toEqual(DEFAULTS[name]);
      for (const v of used) expect(Object.keys(defaults), `${name} uses \${${v}}`).toContain(v);
      const overridden = await tabEnv(tab, Object.fromEntries(Object.keys(defaults).map((k) => [k, `set-${k}`])));
      expect(overridden).toEqual(Object.fromEntries(Object.keys(defaults).map((k) => [k, `set-${k}`])));
    });

    it(`${name}: every node, config nodes included, is on the tab (so it sees the tab's environment)`, () => {
      const nodes = flow(name);
      const tab = nodes.find((n) => n.type === 'tab')!;
      expect(nodes.filter((n) => n.type !== 'tab' && n.z !== tab.id).map((n) => `${n.type} ${n.id}`)).toEqual([]);
    });
  }

  // Regression: docs/node-red.md tells a flow's author to wire it so, and the Modbus and OPC UA examples sent
  // incomplete windows to a debug node alone: two high scores either side of an outage raised their alarm.
  for (const name of FLOWS.filter((f) => flow(f).some((n) => n.type === 'linewatch-window')))
    it(`${name}: the window node's second output (incomplete windows) reaches the alarm node too`, () => {
      const nodes = flow(name);
      const window = nodes.find((n) => n.type === 'linewatch-window')!;
      const alarm = nodes.find((n) => n.type === 'linewatch-alarm')!;
      expect((window.wires as string[][])[1]).toContain(alarm.id);
    });
});

/** A node type's editor (node-red/TYPE.html): the properties it saves, and the choices of each drop-down. */
function editorOf(type: string) {
  const html = readFileSync(join(ROOT, 'node-red', `${type}.html`), 'utf8');
  const block = /defaults: \{\n([\s\S]*?)\n {4}\},/.exec(html)![1];
  const defaults = Object.fromEntries(
    [...block.matchAll(/^ {6}(\w+): \{ value: ('[^']*'|\d+|true|false)/gm)].map((m) => [
      m[1],
      JSON.parse(m[2].replace(/'/g, '"')),
    ]),
  ) as Record<string, unknown>;
  expect(Object.keys(defaults), `${type}'s defaults`).toEqual([...block.matchAll(/^ {6}(\w+):/gm)].map((m) => m[1]));
  const selects = Object.fromEntries(
    [...html.matchAll(/<select id="node-input-(\w+)">([\s\S]*?)<\/select>/g)].map((m) => [
      m[1],
      [...m[2].matchAll(/<option(?: value="([^"]*)")?>([^<]*)<\/option>/g)].map((o) => o[1] ?? o[2]),
    ]),
  ) as Record<string, string[]>;
  return { defaults, selects };
}

const RUN = { channel: 'mode', equals: 'RUN' };

describe('the example flows in the editor', () => {
  it('reads the editors: each drop-down holds its default, which is what the runtime takes for a blank value', () => {
    const window = editorOf('linewatch-window');
    expect(Object.keys(window.selects).sort()).toEqual(['align', 'format', 'mode', 'running', 'trigger']);
    for (const [key, options] of Object.entries(window.selects)) expect(options).toContain(window.defaults[key]);
    const settings = windowSettings({ id: 'w', type: 'linewatch-window', channels: 'a', length: '3' } as never);
    expect([settings.window.type, settings.window.align, settings.window.trigger, settings.format]).toEqual(
      ['mode', 'align', 'trigger', 'format'].map((k) => window.defaults[k]),
    );
    // Runs when left blank takes the model's own running condition, as its default says.
    const blank = runningSettings(
      { id: 'w', type: 'linewatch-window' } as never,
      { running_when: RUN },
      'w',
      'sliding',
    );
    expect([window.defaults.running, blank]).toEqual([
      'model',
      { condition: RUN, from: "the model's training.running_when" },
    ]);
    const alarm = editorOf('linewatch-alarm');
    expect(alarm.selects).toEqual({ priority: ['low', 'medium', 'high', 'critical'] });
    expect(alarmSettings({ id: 'a', type: 'linewatch-alarm' } as never).priority).toBe(alarm.defaults.priority);
  });

  for (const name of FLOWS)
    it(`${name}: every linewatch node sets each property its editor saves, a drop-down's to one of its choices`, () => {
      // The editor shows a property a flow leaves out blank: an empty drop-down, for one.
      const nodes = flow(name).filter((n) => n.type.startsWith('linewatch-'));
      for (const node of nodes) {
        const { defaults, selects } = editorOf(node.type);
        for (const key of Object.keys(defaults))
          expect(Object.keys(node), `${name}: ${node.type} ${node.id}`).toContain(key);
        for (const [key, options] of Object.entries(selects))
          expect(options, `${name}: ${node.type} ${node.id} ${key}`).toContain(node[key]);
      }
    });
});

describe('where the editor lists the example flows', () => {
  it('the docs name the folder Import → Examples shows: the palette package, and the module the image installs', () => {
    const name = (file: string) => (JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { name: string }).name;
    // Node-RED lists a module's examples/ under the module's name.
    const copies = ops(stage(readDockerfile().stages, 'node-red'), 'COPY').map(parseCopy);
    const examples = copies.find((c) => c.sources.includes('flows') && c.dest.endsWith('/examples'))!.dest;
    const moduleDir = examples.slice(0, -'/examples'.length);
    expect(copies).toContainEqual({ from: undefined, sources: ['package.json'], dest: `${moduleDir}/` });
    const imageModule = name('package.json');
    expect(moduleDir.endsWith(`/node_modules/${imageModule}`)).toBe(true);
    const palette = name('packages/node-red-contrib-linewatch/package.json');
    const docs = readFileSync(join(ROOT, 'docs/node-red.md'), 'utf8').replace(/\s+/g, ' ');
    for (const module of [palette, imageModule]) expect(docs).toContain(`Import → Examples → ${module}`);
    expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).toContain(`Import → Examples → ${imageModule})`);
  });
});

describe('opcua-influxdb writes what the gateway writes', () => {
  const nodes = flow('opcua-influxdb.json');
  const fn = (name: string) => {
    const node = nodes.find((n) => n.type === 'function' && n.name === name)!;
    const env = { get: (k: string) => ({ LINEWATCH_SITE: 'plant 1', LINEWATCH_LINE: 'line=2' })[k] ?? `<${k}>` };
    return (msg: Record<string, unknown>) =>
      new Function('msg', 'env', node.func!)(msg, env) as { payload: string; url: string };
  };
  const tags = { site: 'plant 1', line: 'line=2', gateway: 'node-red' };

  it('an alarm transition: the gateway line, annunciated an integer, with site and line', () => {
    const event: AlarmEvent = {
      asset: 'pump-1',
      alarm: 'anomaly',
      priority: 'high',
      state: 'unack_active',
      previous: 'normal',
      ts: 1_764_600_000_123,
      cause: 'condition',
      conditionActive: true,
      score: 0.91,
      threshold: 0.4,
      topChannels: ['vibration_1', 'vibration_2'],
      message: 'pump-1: anomaly score 0.910 above threshold 0.400 "quoted"',
    };
    const out = fn('alarm → line protocol')({ payload: event });
    expect(out.payload).toBe(alarmLine(event, tags));
    expect(out.payload).toContain(',annunciated=1i,');
    expect(out.url).toBe('<LINEWATCH_INFLUX_URL>/write?precision=ms&db=%3CLINEWATCH_INFLUX_DB%3E');
  });

  it('a score: the gateway line for the channels the score node reports', () => {
    const result: ScoreResult = {
      asset: 'pump-1',
      model: 'pump-ae',
      modelVersion: '3',
      ts: 1_764_600_000_456,
      score: 0.25,
      threshold: 0.4,
      anomalous: false,
      contributions: [
        { channel: 'flow', share: 0.5 },
        { channel: 'pressure', share: 0.3 },
        { channel: 'voltage', share: 0.2 },
      ],
    };
    const out = fn('score → line protocol')({ payload: scorePayload(result, 'pump-1', 0.4, 3) });
    expect(out.payload).toBe(scoreLine(result, tags));
  });
});
