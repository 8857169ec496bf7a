/**
 * A model trained on SKAB's anomaly-free file as it is has the channel `Volume Flow RateRMS`, which no gateway
 * configuration can name: validate --model said OK to it, and train wrote it with a note and exit 0. Now train refuses
 * to fit it, naming the --rename to add; validate --model refuses such a model (an older linewatch's); and train and
 * eval --rename read the column under a name a configuration takes, without editing the file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { ROOT, runCli } from '../helpers/cli.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
const VALVE = join(ROOT, 'data/skab/valve1/1.csv');
const RENAME = ['--rename', 'Volume Flow RateRMS=flow_rms'];

describe('a channel no configuration can name', () => {
  it('train refuses to fit it, naming the --rename to add; validate --model refuses a model that has it', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'lw-undeployable-')), 'model');
    const refused = await runCli(['train', '--csv', CSV, '--train-rows', '1500', '--out', out]);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `linewatch: --csv ${CSV}: a gateway configuration cannot name the channel "Volume Flow RateRMS" (channel ` +
        'names are letters, digits, "_", "." and "-"), so no gateway could run the model; nothing was fitted: add ' +
        '--rename auto to read that column under a name a configuration takes ("Volume Flow RateRMS" as ' +
        "Volume_Flow_RateRMS), or --rename 'Volume Flow RateRMS=Volume_Flow_RateRMS' to choose the name, or leave " +
        'it out with --channels\n',
    ]);
    expect(existsSync(out)).toBe(false);
    // A model an older linewatch wrote with the column's own name: trained renamed, its manifest named back.
    const trained = await runCli(['train', '--csv', CSV, '--train-rows', '1500', ...RENAME, '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    const manifest = join(out, 'manifest.json');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replaceAll('"flow_rms"', '"Volume Flow RateRMS"'));
    const validated = await runCli(['validate', '--model', out]);
    expect([validated.code, validated.stdout, validated.stderr]).toEqual([
      2,
      '',
      `linewatch: ${out}: a gateway configuration cannot name the channel "Volume Flow RateRMS" (channel names are ` +
        'letters, digits, "_", "." and "-"), so no gateway can run this model as it is: train it again with ' +
        '--rename auto to read that column under a name a configuration takes ("Volume Flow RateRMS" as ' +
        "Volume_Flow_RateRMS), or --rename 'Volume Flow RateRMS=Volume_Flow_RateRMS' to choose the name, or leave " +
        'it out with --channels\n',
    ]);
  }, 120_000);

  it('train --rename writes a model validate takes, which eval --rename scores on the raw SKAB file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-rename-'));
    const out = join(dir, 'model');
    const trained = await runCli(['train', '--csv', CSV, '--train-rows', '1500', ...RENAME, '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).not.toContain('cannot name the channel');
    const m = (await loadManifest(out)).manifest;
    expect(m.input.channels.map((c) => c.name)).toEqual([
      'Accelerometer1RMS',
      'Accelerometer2RMS',
      'Current',
      'Pressure',
      'Temperature',
      'Thermocouple',
      'Voltage',
      'flow_rms',
    ]);
    expect(m.training.data).toContain('anomaly-free.csv: first 1500 rows (renamed: Volume Flow RateRMS → flow_rms): ');
    // The command that made it, as a line to paste into a shell: the flag with spaces quoted.
    expect(m.training.command).toBe(
      `linewatch train --csv ${CSV} --train-rows 1500 --rename 'Volume Flow RateRMS=flow_rms' --out ${out}`,
    );
    const validated = await runCli(['validate', '--model', out]);
    expect([validated.code, validated.stderr]).toEqual([0, '']);
    expect(validated.stdout).toMatch(
      /: OK \(csv-hybrid@1\.0\.0: 32 rows of Accelerometer1RMS, .*, Voltage, flow_rms, /,
    );
    const scored = await runCli(['eval', '--model', out, '--data', VALVE, ...RENAME, '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    expect(JSON.parse(scored.stdout).files).toBe(1);
    // Without the flag, the raw file is read with the rename the model was trained with (its manifest's
    // training.renames), said in one line, and scored as with it (before 2026-12-07: refused, naming the flag).
    const raw = await runCli(['eval', '--model', out, '--data', VALVE, '--json']);
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stderr).toContain(
      `--data ${VALVE}: columns read as the model was trained to read them (1 rename(s) its manifest records): ` +
        '"Volume Flow RateRMS" as flow_rms\n',
    );
    expect(JSON.parse(raw.stdout)).toEqual(JSON.parse(scored.stdout));
    // A file with the column under yet another name lacks the model's channel, named as before.
    const other = join(dir, 'other.csv');
    await writeFile(other, (await readFile(VALVE, 'utf8')).replace('Volume Flow RateRMS', 'Flow'));
    const renamed = await runCli(['eval', '--model', out, '--data', other]);
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toContain(`the model ${out} needs channel(s) flow_rms; the file has `);
    expect(renamed.stderr).toContain(' (if column "Flow" holds flow_rms: --rename Flow=flow_rms)');
    // --channels names a renamed column by its new name; the old name is no column any more.
    const two = join(dir, 'two');
    const picked = await runCli([
      'train',
      '--csv',
      CSV,
      '--train-rows',
      '1500',
      ...RENAME,
      '--channels',
      'Current,flow_rms',
      '--out',
      two,
    ]);
    expect(picked.code, picked.stderr).toBe(0);
    expect((await loadManifest(two)).manifest.input.channels.map((c) => c.name)).toEqual(['Current', 'flow_rms']);
    const old = await runCli([
      'train',
      '--csv',
      CSV,
      ...RENAME,
      '--channels',
      'Current,Volume Flow RateRMS',
      '--out',
      join(dir, 'old'),
    ]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(
      /^linewatch: --channels Current,Volume Flow RateRMS: .*: no column "Volume Flow RateRMS"/,
    );
  }, 180_000);

  it('refuses a rename of a column the files lack, for eval and train, and with the simulator', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'lw-rename-bad-')), 'model');
    const train = await runCli(['train', '--csv', CSV, '--rename', 'Flow=flow', '--out', out]);
    expect([train.code, train.stderr]).toEqual([
      2,
      `linewatch: --rename "Flow=flow": --csv ${CSV} has no column "Flow" (columns: Accelerometer1RMS, ` +
        'Accelerometer2RMS, Current, Pressure, Temperature, Thermocouple, Voltage, Volume Flow RateRMS)\n',
    ]);
    const evaluated = await runCli(['eval', '--data', VALVE, '--rename', 'Current=Voltage']);
    expect([evaluated.code, evaluated.stderr]).toEqual([
      2,
      `linewatch: --rename "Current=Voltage": --data ${VALVE} has a column "Voltage" already; rename to another name\n`,
    ]);
    const sim = await runCli(['train', '--model', 'pump', '--rename', 'flow=f', '--out', out]);
    expect([sim.code, sim.stderr]).toEqual([
      2,
      "linewatch: --rename: with --csv only; the simulator's models have their own channels, rows and window\n",
    ]);
  }, 60_000);
});
