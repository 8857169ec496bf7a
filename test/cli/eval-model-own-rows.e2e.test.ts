/**
 * `eval --model` on the file the model was fitted on: its manifest names the file's first N rows ("historian.csv:
 * first 572 rows"), so those rows are left out of the metrics by default, said on stderr and in the JSON; --train-rows
 * 0 scores every row, and another file is scored whole.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecordedFile, modelTrainingRows } from '../../src/cli/eval-model-rows.js';
import { ROOT, runCli } from '../helpers/cli.js';

describe('the rows a model folder was fitted on, from its manifest', () => {
  it('matches the file the manifest names (its path ending the file path) with more rows than it was fitted on', () => {
    const training = { data: 'exports/historian.csv: first 572 rows: 572 rows, all fitted on' };
    expect(modelTrainingRows(training, '/srv/exports/historian.csv', 1145)).toEqual({
      rows: 572,
      recorded: 'exports/historian.csv: first 572 rows',
    });
    expect(modelTrainingRows(training, '/srv/other/historian.csv', 1145)).toBeUndefined();
    expect(modelTrainingRows(training, '/srv/exports/historian.csv', 572)).toBeUndefined();
    expect(modelTrainingRows({ data: 'historian.csv: 1145 rows, all fitted on' }, 'historian.csv', 2000)).toBe(
      undefined,
    );
    expect(modelTrainingRows({ data: 'the line simulator' }, 'historian.csv', 2000)).toBeUndefined();
    expect(isRecordedFile('/a/b/1.csv', '../b/1.csv')).toBe(true);
    expect(isRecordedFile('/a/c/1.csv', 'b/1.csv')).toBe(false);
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
});
