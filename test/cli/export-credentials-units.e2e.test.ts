/**
 * Regressions of a newcomer's walk (2026-12-07) on a Modbus TCP pump skid: record with the gateway, export, train.
 *
 * 1. `linewatch export --config gateway.yaml --asset pump-skid --out normal.csv` refused with
 *      http.api_token: environment variable LINEWATCH_API_TOKEN is not set
 *    though export reads the local store and sends no token. Export now leaves a credential it does not use unresolved
 *    (config/load.ts `credentials: 'unused'`); validate still refuses it.
 * 2. The exported CSV carried no units, so the model trained on it had channels with `unit: ''` though each register
 *    set its unit. Export now writes a units row from the configuration, which train reads into the manifest.
 *
 * A real local store (the gateway's schema and inserts), the CLI in child processes; no gateway runs.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { runCli } from '../helpers/cli.js';
import { writeStoredSamples } from '../helpers/stored-samples.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
/** Variables no machine sets: the walk's secrets, unset here whatever the test's environment holds. */
const UNSET = { LW_EXPORTFIX_API_TOKEN: undefined, LW_EXPORTFIX_INFLUX_TOKEN: undefined, LW_EXPORTFIX_PW: undefined };
let dir: string;

// The walk's gateway.yaml, its secrets from the environment.
const config = `sources:
  - name: skid-plc
    type: modbus_tcp
    host: 127.0.0.1
    asset: pump-skid
    registers:
      - { channel: flow, address: 0, type: uint16, scale: 0.1, unit: m3/h }
      - { channel: pressure, address: 1, type: uint16, scale: 0.01, unit: bar }
      - { channel: speed, address: 2, type: uint16, unit: 1/min }
      - { channel: current, address: 3, type: uint16, scale: 0.1 }
http:
  host: 127.0.0.1
  api_token: \${LW_EXPORTFIX_API_TOKEN}
storage:
  local:
    path: store.db
  influxdb:
    url: http://127.0.0.1:8086
    database: linewatch
    username: linewatch
    password: \${LW_EXPORTFIX_PW}
cloud:
  mqtt:
    url: mqtts://broker.example:8883
    topic_prefix: plant
    username: gw
    password: \${LW_EXPORTFIX_PW}
`;

/** 600 polls of four channels, three of them correlated by a load. */
function writeStore(path: string): void {
  const samples: Sample[] = [];
  let seed = 11;
  const noise = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296 - 0.5) * 0.02;
  for (let i = 0; i < 600; i++) {
    const ts = T0 + i * 1000;
    const load = 1 + noise();
    const values = {
      flow: 42 * load * (1 + noise()),
      pressure: 5.2 * load * (1 + noise()),
      speed: Math.round(1480 * (1 + noise() / 5)),
      current: 30 * load * (1 + noise()),
    };
    for (const [channel, value] of Object.entries(values))
      samples.push({ source: 'skid-plc', asset: 'pump-skid', channel, ts, value, quality: 'good' });
  }
  writeStoredSamples(path, samples);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-export-credentials-'));
  await writeFile(join(dir, 'gateway.yaml'), config);
  writeStore(join(dir, 'store.db'));
});

describe('linewatch export of a gateway configuration with credentials from the environment', () => {
  it('exports without the API token, InfluxDB and cloud passwords it does not use; validate still asks for them', async () => {
    const csv = join(dir, 'normal.csv');
    const exported = await runCli(
      ['export', '--config', join(dir, 'gateway.yaml'), '--asset', 'pump-skid', '--out', csv],
      UNSET,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`wrote ${csv}: 600 rows of pump-skid`);
    const validated = await runCli(['validate', '--config', join(dir, 'gateway.yaml')], UNSET);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain('http.api_token: environment variable LW_EXPORTFIX_API_TOKEN is not set');
    expect(validated.stderr).toContain('storage.influxdb.password: environment variable LW_EXPORTFIX_PW is not set');
    expect(validated.stderr).toContain('cloud.mqtt.password: environment variable LW_EXPORTFIX_PW is not set');
  });

  it('still refuses an unset variable in a setting export reads, naming it', async () => {
    await writeFile(join(dir, 'store-env.yaml'), config.replace('path: store.db', 'path: ${LW_EXPORTFIX_STORE}'));
    const res = await runCli(
      ['export', '--config', join(dir, 'store-env.yaml'), '--asset', 'pump-skid', '--out', join(dir, 'no.csv')],
      { ...UNSET, LW_EXPORTFIX_STORE: undefined },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('storage.local.path: environment variable LW_EXPORTFIX_STORE is not set');
    expect(res.stderr).not.toContain('api_token');
  });
});

describe('linewatch export of the units the configuration gives', () => {
  it("writes them as a units row, and train keeps them in the model's manifest", async () => {
    const csv = join(dir, 'units.csv');
    const set = { LW_EXPORTFIX_API_TOKEN: 'a-token-of-24-characters', LW_EXPORTFIX_PW: 'secret' };
    const exported = await runCli(
      ['export', '--config', join(dir, 'gateway.yaml'), '--asset', 'pump-skid', '--out', csv],
      set,
    );
    expect(exported.code, exported.stderr).toBe(0);
    const lines = (await readFile(csv, 'utf8')).split('\n');
    // Channels in the store's order; a unit that starts with a digit in brackets (read back without them); none for
    // current.
    expect(lines.slice(0, 2)).toEqual(['timestamp,current,flow,pressure,speed', ',,m3/h,bar,[1/min]']);
    const model = join(dir, 'units-model');
    const trained = await runCli(['train', '--csv', csv, '--period-ms', '1000', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toContain(`${csv}:2: a units row under the header (m3/h, bar, 1/min)`);
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as {
      input: { channels: { name: string; unit: string }[] };
    };
    expect(manifest.input.channels).toEqual([
      { name: 'current', unit: '' },
      { name: 'flow', unit: 'm3/h' },
      { name: 'pressure', unit: 'bar' },
      { name: 'speed', unit: '1/min' },
    ]);
  });
});
