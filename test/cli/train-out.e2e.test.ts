/**
 * `train --out`: a model a gateway may be running is never replaced unasked, nor a model written among other files;
 * with --force the folder is replaced whole. And what train tells about a model no gateway could run as it is.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

const SKAB = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
let dir: string;
/** The first 400 rows of SKAB's anomaly-free run: 6.7 minutes at 1 s, with its `Volume Flow RateRMS` column. */
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-train-out-'));
  csv = join(dir, 'normal.csv');
  const lines = (await readFile(SKAB, 'utf8')).split('\n');
  await writeFile(csv, `${lines.slice(0, 401).join('\n')}\n`);
});

const channels = (model: string) =>
  readFile(join(model, 'manifest.json'), 'utf8').then((t) =>
    (JSON.parse(t) as { input: { channels: { name: string }[] } }).input.channels.map((c) => c.name),
  );

describe('train --out', () => {
  it('refuses a folder holding a model unless --force, then replaces it whole', async () => {
    const model = join(dir, 'model');
    const first = await runCli(['train', '--csv', csv, '--channels', 'Current,Pressure,Voltage', '--out', model]);
    expect(first.code, first.stderr).toBe(0);
    const before = await readFile(join(model, 'manifest.json'), 'utf8');
    const again = await runCli(['train', '--csv', csv, '--channels', 'Current,Pressure', '--out', model]);
    expect([again.code, again.stderr.trim()]).toEqual([
      2,
      `linewatch: --out ${model}: holds a model already (manifest.json); name a new folder, or add --force to replace that model`,
    ]);
    expect(await readFile(join(model, 'manifest.json'), 'utf8')).toBe(before);
    // The old model's signature (it would not match the new one) goes with it; a file that is no part of a model
    // keeps --force from touching the folder at all.
    await writeFile(join(model, 'manifest.sig'), 'c2lnbmF0dXJl\n');
    await writeFile(join(model, 'notes.txt'), 'keep me');
    const others = await runCli(['train', '--csv', csv, '--channels', 'Current', '--out', model, '--force']);
    expect([others.code, others.stderr.trim()]).toEqual([
      2,
      `linewatch: --out ${model}: holds other files beside its model (notes.txt); --force replaces a model, never other files: move them out, or name a new folder`,
    ]);
    await rm(join(model, 'notes.txt'));
    // A release's name and version, as a gateway running the first model takes it.
    const forced = await runCli([
      ...['train', '--csv', csv, '--channels', 'Current,Pressure', '--out', model, '--force'],
      ...['--name', 'rig-hybrid', '--model-version', '1.1.0'],
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await channels(model)).toEqual(['Current', 'Pressure']);
    expect((await loadManifest(model)).manifest).toMatchObject({ name: 'rig-hybrid', version: '1.1.0' });
    // The model's own files only: no signature of the old one, nothing written on the way.
    expect((await readdir(model)).sort()).toEqual(['manifest.json', 'model.fp32.onnx', 'model.int8.onnx']);
    expect((await readdir(dir)).filter((f) => f.startsWith('model.'))).toEqual([]);
    // The manifest and the graph beside it are one model: its sha256 matches.
    expect((await loadManifest(model)).manifest.input.channels.map((c) => c.name)).toEqual(['Current', 'Pressure']);
  }, 60_000);

  it('refuses a folder with other files in it, even with --force, and writes nothing there', async () => {
    const data = join(dir, 'press-data');
    await mkdir(data);
    // A fresh volume's lost+found, or a .gitkeep, is no one's file: such a folder counts as empty.
    const volume = join(dir, 'volume');
    await mkdir(join(volume, 'lost+found'), { recursive: true });
    await writeFile(join(volume, '.gitkeep'), '');
    const fresh = await runCli(['train', '--csv', csv, '--channels', 'Current', '--out', volume]);
    expect(fresh.code, fresh.stderr).toBe(0);
    await writeFile(join(data, 'recording.csv'), 'keep me');
    const res = await runCli(['train', '--csv', csv, '--out', data, '--force']);
    expect([res.code, res.stderr.trim()]).toEqual([
      2,
      `linewatch: --out ${data}: a folder with other files in it (recording.csv); name a new or empty folder for the model`,
    ]);
    expect(await readdir(data)).toEqual(['recording.csv']);
  });

  it('refuses, before fitting, a channel no gateway can name, with the --rename to add; trains into an empty folder with it', async () => {
    const model = join(dir, 'empty');
    await mkdir(model);
    const refused = await runCli(['train', '--csv', csv, '--out', model]);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `linewatch: --csv ${csv}: a gateway configuration cannot name the channel "Volume Flow RateRMS" (channel names ` +
        'are letters, digits, "_", "." and "-"), so no gateway could run the model; nothing was fitted: add ' +
        '--rename auto to read that column under a name a configuration takes ("Volume Flow RateRMS" as ' +
        "Volume_Flow_RateRMS), or --rename 'Volume Flow RateRMS=Volume_Flow_RateRMS' to choose the name, or leave " +
        'it out with --channels\n',
    ]);
    expect(await readdir(model)).toEqual([]);
    const res = await runCli(['train', '--csv', csv, ...SKAB_RENAME, '--out', model]);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(join(model, 'model.int8.onnx'))).toBe(true);
    expect(res.stderr).not.toContain('cannot name the channel');
    expect(res.stderr).toContain(
      'note: the training rows span 6.7 min, less than the 1 day the alarm budget (1 false alarm a day) allows',
    );
  }, 60_000);

  it('refuses to fit on rows labelled anomalous, naming how many, the first and --train-rows; --labels ignore fits', async () => {
    // SKAB's valve1/1.csv: its first anomalous row is row 573.
    const labelled = join(ROOT, 'data/skab/valve1/1.csv');
    const flags = ['train', '--csv', labelled, '--train-rows', '622', '--channels', 'Current,Pressure'];
    const refused = await runCli([...flags, '--out', join(dir, 'refused')]);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `linewatch: --csv ${labelled}: 50 of the 622 rows to train on are labelled anomalous (column anomaly, the first ` +
        'at row 573); a model would learn them as normal, so nothing was fitted: train on the rows before it ' +
        '(--train-rows 572), or add --labels ignore if those rows are normal operation after all\n',
    ]);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
    const bad = await runCli([...flags, '--labels', 'ignor', '--out', join(dir, 'bad')]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'linewatch: --labels ignor: expected one of refuse, ignore; did you mean ignore?\n',
    ]);
    const res = await runCli([...flags, '--labels', 'ignore', '--out', join(dir, 'labelled')]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `${labelled}: 50 of the 622 rows trained on are labelled anomalous (column anomaly, the first at row 573) and are learnt as normal: train on the rows before it (--train-rows 572) or on a recording of normal operation`,
    );
    const clean = await runCli([
      ...['train', '--csv', labelled, '--train-rows', '572', '--channels', 'Current,Pressure'],
      ...['--out', join(dir, 'clean')],
    ]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).not.toContain('labelled anomalous');
  }, 60_000);
});
