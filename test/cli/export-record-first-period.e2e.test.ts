/**
 * Regression: the record-first route ended in a model its own gateway refused.
 *
 * Found by: a newcomer's walk (2026-12-07) on a Modbus TCP pump skid polled every 1000 ms with no assets configured
 * (record only), as docs/models.md's "A detector for your own machine" says: `export` suggested
 *   next: linewatch train --csv normal.csv --out MODEL_DIR
 * `train` took the rows' median spacing as the sample period, 1001 ms (the poll's timer is late by a millisecond or
 * a few: 364 steps of 1000 ms, 149 of 1001, 66 of 1002, …), and `validate` of the gateway with `model:` set refused it:
 *   sources[0].poll_interval_ms: 1000 ms, but model m-run of asset pump-skid expects samples every 1001 ms
 * with no word of what to do. export now suggests `--period-ms` with the sources' poll interval; the refusal names
 * both ways out. A real local store (the gateway's schema and inserts); no gateway runs.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { runCli } from '../helpers/cli.js';
import { writeStoredSamples } from '../helpers/stored-samples.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
/** A poll timer's lateness, in ms, repeating: the median step is 1001 ms at a poll interval of 1000 ms. */
const LATE = [0, 1, 1, 2, 0, 1, 3, 1];
let dir: string;
let csv: string;
let exported: Awaited<ReturnType<typeof runCli>>;

const source = `sources:
  - name: skid-plc
    type: modbus_tcp
    host: 127.0.0.1
    port: 15502
    unit_id: 1
    asset: pump-skid
    poll_interval_ms: 1000
    registers:
      - { channel: flow, address: 0, type: uint16, scale: 0.1 }
      - { channel: pressure, address: 1, type: uint16, scale: 0.01 }
      - { channel: current, address: 2, type: uint16, scale: 0.1 }
`;
const storage = `storage:
  local:
    path: store.db
`;

/** 600 polls of three correlated channels, each poll's stamp late by LATE. */
function writeStore(path: string): void {
  const samples: Sample[] = [];
  let seed = 7;
  const noise = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296 - 0.5) * 0.02;
  let ts = T0;
  for (let i = 0; i < 600; i++) {
    ts += 1000 + LATE[i % LATE.length] - (i === 0 ? 1000 : 0);
    const load = 1 + noise();
    const values = {
      flow: 42 * load * (1 + noise()),
      pressure: 5.2 * load * (1 + noise()),
      current: 30 * (1 + noise()),
    };
    for (const [channel, value] of Object.entries(values))
      samples.push({ source: 'skid-plc', asset: 'pump-skid', channel, ts, value, quality: 'good' });
  }
  writeStoredSamples(path, samples);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-export-period-'));
  await writeFile(join(dir, 'record.yaml'), source + storage);
  writeStore(join(dir, 'store.db'));
  csv = join(dir, 'normal.csv');
  exported = await runCli(['export', '--config', join(dir, 'record.yaml'), '--asset', 'pump-skid', '--out', csv]);
});

describe('linewatch export of a recorded asset, then train as it says', () => {
  it("suggests train --period-ms with the sources' poll interval, and the model it gives passes validate", async () => {
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(
      `\n  next: linewatch train --csv ${csv} --period-ms 1000 --out MODEL_DIR  (a part model: --cycle-channel NAME)\n`,
    );
    const model = join(dir, 'skid-model');
    const trained = await runCli(['train', '--csv', csv, '--period-ms', '1000', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as {
      input: { sample_period_ms: number };
    };
    expect(manifest.input.sample_period_ms).toBe(1000);
    await writeFile(
      join(dir, 'scored.yaml'),
      `${source}${storage}assets:\n  - name: pump-skid\n    model: skid-model\n    window: { hop_samples: 1 }\n`,
    );
    const validated = await runCli(['validate', '--config', join(dir, 'scored.yaml')]);
    expect(validated.code, validated.stderr).toBe(0);
  });

  it('without --period-ms, the refusal of the model names both ways out', async () => {
    const model = join(dir, 'median-model');
    expect(exported.code, exported.stderr).toBe(0);
    const trained = await runCli(['train', '--csv', csv, '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    await writeFile(
      join(dir, 'median.yaml'),
      `${source}${storage}assets:\n  - name: pump-skid\n    model: median-model\n    window: { hop_samples: 1 }\n`,
    );
    const validated = await runCli(['validate', '--config', join(dir, 'median.yaml')]);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain(
      'sources[0].poll_interval_ms: 1000 ms, but model median-model of asset pump-skid expects samples every 1001 ms: ' +
        'poll every 1001 ms, or train the model again with --period-ms 1000 where its CSV was recorded at 1000 ms ' +
        '(without it, train takes the median spacing of the rows)',
    );
  });
});
