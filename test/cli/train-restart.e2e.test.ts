/**
 * `train` on a recording with a restart in it, as `linewatch export` writes one (a row with no reading just after the
 * last row before the stop, the next row minutes later): the model learns from the rows on both sides, says so, and
 * `validate` accepts the folder. Before, train refused the pause and could learn from one side only.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const SKAB = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
let dir: string;
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-train-restart-'));
  csv = join(dir, 'pump.csv');
  // SKAB's anomaly-free run as export writes it (Unix ms, commas): 300 rows, the stop's marker row, then 300 rows that
  // the gateway recorded after its restart 10 minutes later.
  const [header, ...rows] = (await readFile(SKAB, 'utf8')).trim().split('\n');
  const t0 = 1_764_900_000_000;
  const line = (i: number, t: number) => [t, ...rows[i].split(';').slice(1)].join(',');
  const out = [header.replace('datetime', 'timestamp').replaceAll(';', ',')];
  for (let i = 0; i < 300; i++) out.push(line(i, t0 + i * 1000));
  out.push(
    [
      t0 + 299_001,
      ...header
        .split(';')
        .slice(1)
        .map(() => ''),
    ].join(','),
  );
  for (let i = 300; i < 600; i++) out.push(line(i, t0 + i * 1000 + 600_000));
  await writeFile(csv, `${out.join('\n')}\n`);
});

describe('train on a recording with a restart', () => {
  it('learns from the rows on both sides of the stop, says so, and writes a model validate accepts', async () => {
    const model = join(dir, 'model');
    // SKAB's flow column, renamed as a gateway configuration can name it.
    const rename = ['--rename', 'Volume Flow RateRMS=flow'];
    const res = await runCli(['train', '--csv', csv, '--arch', 'stats', ...rename, '--out', model]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `${csv}: learnt in 2 segments: 1 pause(s), 1 row(s) without every reading left out; no window spans a break\n`,
    );
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as {
      training: { data: string; training_windows: number };
      score: { details: { windows: number } };
    };
    expect(manifest.training.data).toContain('learnt in 2 segments');
    // 600 rows with readings: each side's windows of 32 rows (269 + 269), none across the stop.
    expect(manifest.score.details.windows).toBe(2 * (300 - 31));
    const valid = await runCli(['validate', '--model', model]);
    expect(valid.code, valid.stderr).toBe(0);
  });

  it('still refuses rows that go back in time, naming them', async () => {
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    const twice = join(dir, 'twice.csv');
    await writeFile(twice, `${[...lines.slice(0, 101), ...lines.slice(51, 101)].join('\n')}\n`);
    const res = await runCli(['train', '--csv', twice, '--arch', 'stats', '--out', join(dir, 'never')]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      'data rows 100 and 101; the rows a model learns from must run forward in time: sort them, remove the repeated ' +
        'rows, fit on the rows before it (--train-rows 100), or on a span without it',
    );
  });
});
