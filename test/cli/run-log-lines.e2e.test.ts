/**
 * `linewatch run`'s JSON log lines, as journald or a log shipper takes them from its stdout: each names the gateway,
 * its site and line, and its level by name beside pino's number; the first connection of each source and the first
 * points InfluxDB accepted are said (before, only failures and recoveries were).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { startInfluxd, type Influxd } from '../../src/testing/influxd.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { BIN, ROOT } from '../helpers/cli.js';

interface Entry {
  level: number;
  level_name: string;
  msg: string;
  [field: string]: unknown;
}

let sim: RunningSimulator;
let influx: Influxd;
let broker: Mosquitto;
const entries: Entry[] = [];

beforeAll(async () => {
  [sim, influx, broker] = await Promise.all([
    runSimulator({ modbusPort: 0, seed: 3 }),
    startInfluxd(),
    startMosquitto(),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'lw-run-log-'));
  const text = (await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'))
    .replaceAll('model: ../models/', `model: ${join(ROOT, 'models')}/`)
    .replace('path: ../data/demo.db', 'path: store.db')
    .concat(
      `  influxdb:\n    url: ${influx.url}\n    database: lw_log\n    flush_interval_ms: 200\n`,
      `    buffer: { type: memory, max_bytes: 16777216 }\n`,
      `cloud:\n  mqtt:\n    url: ${broker.url}\n    buffer: { type: memory, max_bytes: 16777216 }\n`,
    );
  await writeFile(join(dir, 'gw.yaml'), text);
  const child = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'gw.yaml')], {
    env: { ...process.env, LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort), LINEWATCH_HTTP_PORT: '0' },
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const wanted = [
    /^device pump-plc .*: connected$/,
    /^device press-plc .*: connected$/,
    /first points written$/,
    /^cloud broker .*: connected$/,
  ];
  for await (const line of createInterface({ input: child.stdout })) {
    entries.push(JSON.parse(line) as Entry);
    if (wanted.every((w) => entries.some((e) => w.test(e.msg)))) break;
  }
  child.kill('SIGTERM');
  await exited;
}, 60_000);

afterAll(async () => {
  await Promise.all([sim?.close(), influx?.stop(), broker?.stop()]);
});

describe('linewatch run: its JSON log lines', () => {
  it("name the gateway, its site and line (the demo configuration's), on every line", () => {
    expect(entries.length).toBeGreaterThan(3);
    const identities = new Set(entries.map((e) => `${e.gateway}/${e.site}/${e.line}`));
    expect([...identities]).toEqual(['demo-gateway/demo-site/line-1']);
  });

  it("carry the level's name beside its number", () => {
    const names: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };
    expect(entries.filter((e) => names[e.level] !== e.level_name)).toEqual([]);
    expect(entries.find((e) => e.msg === 'gateway running')?.level_name).toBe('info');
  });

  it('say the first connection of each source and of the cloud broker, and the first points InfluxDB accepted, at info', () => {
    const said = (re: RegExp) => entries.filter((e) => re.test(e.msg)).map((e) => [e.level_name, e.msg]);
    expect(said(/^cloud broker/)).toEqual([['info', `cloud broker ${broker.url}: connected`]]);
    expect(said(/^device .*: connected$/)).toEqual([
      ['info', expect.stringMatching(/^device pump-plc \(127\.0\.0\.1:\d+, unit 1\): connected$/)],
      ['info', expect.stringMatching(/^device press-plc \(127\.0\.0\.1:\d+, unit 2\): connected$/)],
    ]);
    expect(said(/first points written$/)).toEqual([['info', `influxdb ${influx.url} reachable: first points written`]]);
  });
});
