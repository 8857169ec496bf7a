/**
 * The name of a model trained from a CSV. Regression (a newcomer's walk): every such model was `csv-hybrid`, so two
 * assets' models read `pump-1=csv-hybrid@1.0.0, pump-2=csv-hybrid@1.0.0` in validate, /api/status and InfluxDB's tags.
 * Without --name a model takes its --out folder's name, where that is a name and says more than "model".
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outFolderName } from '../../src/cli/train-options.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { ROOT, runCli } from '../helpers/cli.js';

describe('outFolderName', () => {
  it.each([
    ['models/pump-2', 'pump-2'],
    ['/srv/linewatch/models/press_1.v2/', 'press_1.v2'],
    ['./model', 'csv-hybrid'], // says only that a model is in it
    ['out', 'csv-hybrid'],
    ['models/Model', 'csv-hybrid'],
    ['models/my pump', 'csv-hybrid'], // a space: no name a tag or a topic takes
    ['models/.hidden', 'csv-hybrid'],
    [`models/${'x'.repeat(129)}`, 'csv-hybrid'],
  ])('%s: %s', (out, name) => {
    expect(outFolderName(out, 'csv-hybrid')).toBe(name);
  });
});

describe('train --csv names its model', () => {
  it('after its --out folder, and as --name says where given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-name-'));
    const csv = join(dir, 'normal.csv');
    const lines = (await readFile(join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv'), 'utf8')).split('\n');
    await writeFile(csv, `${lines.slice(0, 401).join('\n')}\n`);
    const train = (out: string, ...flags: string[]) =>
      runCli(['train', '--csv', csv, '--channels', 'Current,Pressure', '--out', join(dir, out), ...flags]);
    const folder = await train('pump-2');
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout).toContain(`model pump-2 written to ${join(dir, 'pump-2')}`);
    expect((await loadManifest(join(dir, 'pump-2'))).manifest.name).toBe('pump-2');
    const named = await train('pump-3', '--name', 'rig-hybrid');
    expect(named.code, named.stderr).toBe(0);
    expect((await loadManifest(join(dir, 'pump-3'))).manifest.name).toBe('rig-hybrid');
  }, 120_000);
});
