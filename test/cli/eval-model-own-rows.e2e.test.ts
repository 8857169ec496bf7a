/**
 * `eval --model` on the file the model was fitted on: its manifest names the file's first N rows ("historian.csv:
 * first 572 rows"), so those rows are left out of the metrics by default, said on stderr and in the JSON; --train-rows
 * 0 scores every row, and another file is scored whole. Every other record that names the file (the whole file, a part
 * model's parts, first rows that are all the file holds) was scored whole without a word: now it is said, with why.
 */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecordedFile, modelTrainingRows } from '../../src/cli/eval-model-rows.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';
import { ROOT, runCli } from '../helpers/cli.js';

describe('the rows a model folder was fitted on, from its manifest', () => {
  it('matches the file the manifest names (its path ending the file path) with more rows than it was fitted on', () => {
    const training = { data: 'exports/historian.csv: first 572 rows: 572 rows, all fitted on' };
    expect(modelTrainingRows(training, '/srv/exports/historian.csv', 1145)).toEqual({
      rows: 572,
      recorded: 'exports/historian.csv: first 572 rows',
    });
    expect(modelTrainingRows(training, '/srv/other/historian.csv', 1145)).toBeUndefined();
    expect(modelTrainingRows({ data: 'the line simulator' }, 'historian.csv', 2000)).toBeUndefined();
    // A rename after the rows, and a path that holds ": " and " (" itself.
    const renamed = { data: 'historian.csv: first 572 rows (renamed: Volume Flow RateRMS → flow): 572 rows' };
    expect(modelTrainingRows(renamed, 'historian.csv', 1145)?.rows).toBe(572);
    const odd = { data: 'line 1: export (2).csv: first 10 rows: 10 rows, all fitted on' };
    expect(modelTrainingRows(odd, '/srv/line 1: export (2).csv', 20)).toEqual({
      rows: 10,
      recorded: 'line 1: export (2).csv: first 10 rows',
    });
    expect(isRecordedFile('/a/b/1.csv', '../b/1.csv')).toBe(true);
    expect(isRecordedFile('/a/c/1.csv', 'b/1.csv')).toBe(false);
  });

  it('says every row is scored, and why, for each other record that names the file', () => {
    // The first rows, all the file holds.
    expect(modelTrainingRows({ data: 'historian.csv: first 572 rows: 572 rows' }, 'historian.csv', 572)).toEqual({
      recorded: 'historian.csv: first 572 rows',
      scoredAll:
        'its first 572 rows, and the file has 572 (its manifest: "historian.csv: first 572 rows"): every row trained ' +
        'the model; scoring all',
    });
    // The whole file (train without --train-rows), renamed columns or not.
    for (const data of ['historian.csv: 1145 rows, all fitted on', 'historian.csv (renamed: a b → a_b): 1145 rows'])
      expect(modelTrainingRows({ data }, '/srv/historian.csv', 2000)).toEqual({
        recorded: data,
        scoredAll: `the whole file as it was then, without --train-rows (its manifest: "${data}"): cannot tell which rows trained the model; scoring all`,
      });
    // A part model's parts.
    const parts = 'press.csv: 799 parts (cycles cut by cycle_active (flag), each resampled to 32 points)';
    expect(modelTrainingRows({ data: parts }, 'press.csv', Infinity)?.scoredAll).toBe(
      `its parts, which its manifest records without the rows they were cut from (its manifest: "${parts}"): cannot ` +
        'tell which rows trained the model; scoring all',
    );
  });
});

describe('eval --model on its own training file', () => {
  it('leaves the rows the model was fitted on out by default; --train-rows 0 and another file score every row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-own-rows-'));
    await copyFile(join(ROOT, 'data/skab/valve1/1.csv'), join(dir, 'historian.csv'));
    await copyFile(join(ROOT, 'data/skab/valve1/1.csv'), join(dir, 'other.csv'));
    const cli = (args: string[]) => runCli(args, {}, 120_000, dir);
    const channels = ['--channels', 'Accelerometer1RMS,Current,Pressure,Voltage'];
    const trained = await cli(['train', '--csv', 'historian.csv', '--train-rows', '572', ...channels, '--out', 'm']);
    expect(trained.code, trained.stderr).toBe(0);
    const evalJson = async (args: string[]) => {
      const res = await cli(['eval', '--model', 'm', ...args, '--json']);
      expect(res.code, res.stderr).toBe(0);
      return { report: JSON.parse(res.stdout) as Record<string, unknown>, stderr: res.stderr };
    };
    const byDefault = await evalJson(['--data', 'historian.csv']);
    expect(byDefault.stderr).toBe(
      'historian.csv: its first 572 rows are the ones the model m was fitted on (its manifest: "historian.csv: first ' +
        '572 rows"): left out of the metrics; --train-rows 0 scores every row\n',
    );
    expect(byDefault.report.model_training_rows).toEqual({ rows: 572, manifest: 'historian.csv: first 572 rows' });
    const given = await evalJson(['--data', 'historian.csv', '--train-rows', '572']);
    expect(byDefault.report.trainRows).toBe(572);
    const every = await evalJson(['--data', 'historian.csv', '--train-rows', '0']);
    expect([every.report.trainRows, every.report.model_training_rows, every.stderr]).toEqual([0, undefined, '']);
    const other = await evalJson(['--data', 'other.csv']);
    expect([other.report.trainRows, other.report.model_training_rows, other.report.confusion]).toEqual([
      0,
      undefined,
      every.report.confusion,
    ]);
    // Every row counted: the 572 training rows are normal, so 572 more true negatives and false positives.
    const normal = (r: Record<string, unknown>) => {
      const c = r.confusion as Record<string, number>;
      return c.tn + c.fp;
    };
    expect(normal(every.report) - normal(given.report)).toBe(572);
    expect(given.report.confusion).toEqual(byDefault.report.confusion);
  }, 120_000);

  it('scores every row of the file a model was fitted on whole, saying it cannot tell which rows trained it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-own-whole-'));
    await copyFile(join(ROOT, 'data/skab/valve1/1.csv'), join(dir, 'historian.csv'));
    const cli = (args: string[]) => runCli(args, {}, 120_000, dir);
    const channels = ['--channels', 'Accelerometer1RMS,Current,Pressure,Voltage'];
    const trained = await cli(['train', '--csv', 'historian.csv', ...channels, '--labels', 'ignore', '--out', 'm']);
    expect(trained.code, trained.stderr).toBe(0);
    const res = await cli(['eval', '--model', 'm', '--data', 'historian.csv', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Record<string, unknown>;
    const recorded = (await loadManifest(join(dir, 'm'))).manifest.training.data;
    expect(recorded).toMatch(/^historian\.csv: 1145 rows, /);
    const scoredAll =
      `the whole file as it was then, without --train-rows (its manifest: "${recorded}"): cannot tell which rows ` +
      'trained the model; scoring all';
    expect(res.stderr).toBe(
      `historian.csv: the model m was fitted on ${scoredAll}; --train-rows N leaves the first N rows out\n`,
    );
    expect([report.trainRows, report.model_training_rows]).toEqual([
      0,
      { rows: null, manifest: recorded, scored_all: scoredAll },
    ]);
  }, 120_000);

  it("says the same of a part model's own recording: its manifest records parts, not rows", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-own-parts-'));
    // Ten minutes of the simulated press, a labelled bad press-fit from 5 minutes on (learnt all the same, as asked).
    const fault = { type: 'bad_press_fit', start_s: 300, severity: 0.5, ramp_s: 0 } as const;
    await writeFile(join(dir, 'press.csv'), pressRecordingCsv(41, 600, fault).text);
    const cli = (args: string[]) => runCli(args, {}, 120_000, dir);
    const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'];
    const trained = await cli([
      'train',
      '--csv',
      'press.csv',
      ...cut,
      '--labels',
      'ignore',
      '--epochs',
      '1',
      '--out',
      'm',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const res = await cli(['eval', '--model', 'm', '--data', 'press.csv', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const recorded = (await loadManifest(join(dir, 'm'))).manifest.training.data;
    expect(res.stderr).toContain(
      `press.csv: the model m was fitted on its parts, which its manifest records without the rows they were cut ` +
        `from (its manifest: "${recorded}"): cannot tell which rows trained the model; scoring all; --train-rows N ` +
        'leaves the first N rows out\n',
    );
    const report = JSON.parse(res.stdout) as { perFile: { model_training_rows?: unknown }[] };
    expect(report.perFile[0].model_training_rows).toEqual({
      rows: null,
      manifest: recorded,
      scored_all: expect.stringMatching(/^its parts, which its manifest records without the rows/),
    });
    // Another recording is no part model's own: nothing said.
    await writeFile(join(dir, 'other.csv'), pressRecordingCsv(42, 600, fault).text);
    const other = await cli(['eval', '--model', 'm', '--data', 'other.csv', '--json']);
    expect([other.code, other.stderr]).toEqual([0, '']);
  }, 120_000);
});
