/**
 * A recording with no time column at all (a benchmark's matrix written as CSV: the Tennessee Eastman `.dat` files
 * hold only readings, one row every 3 minutes): `train` and `eval` count its rows as samples one `--period-ms` apart
 * (or, scoring a model, the model's sample period), and give the figures the same rows give with a sample counter.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const TEP = join(ROOT, 'data/tep');

interface Report {
  f1: number;
  far: number;
  nab: { standard: number };
  perFile: {
    file: string;
    f1: number;
    far: number;
    delay_s: number | null;
    detected_spans: string;
    rows_counted_as_samples?: true;
  }[];
}

/** A data/tep run with its `sample` column (the first) cut out, written to `dir`. */
async function withoutCounter(dir: string, name: string): Promise<string> {
  const text = await readFile(join(TEP, name), 'utf8');
  const out = join(dir, name);
  const lines = text.trimEnd().split(/\r?\n/);
  expect(lines[0].split(',')[0]).toBe('sample');
  await writeFile(out, `${lines.map((l) => l.slice(l.indexOf(',') + 1)).join('\n')}\n`);
  return out;
}

/** What a report says of its one file, without the file's name. */
const figures = (stdout: string) => {
  const r = JSON.parse(stdout) as Report;
  const { file: _file, rows_counted_as_samples: _counted, ...rest } = r.perFile[0];
  return { total: { f1: r.f1, far: r.far, nab: r.nab.standard }, ...rest };
};

describe('a recording with no time column', () => {
  it('is evaluated with --period-ms exactly as with its sample counter, and refused without one, naming the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-no-time-'));
    const bare = await withoutCounter(dir, 'fault01.csv');
    const args = ['--train-rows', '400', '--period-ms', '180000', '--json'];
    const [counted, plain] = await Promise.all([
      runCli(['eval', '--data', bare, ...args]),
      runCli(['eval', '--data', join(TEP, 'fault01.csv'), ...args]),
    ]);
    expect(counted.code, counted.stderr).toBe(0);
    expect(plain.code, plain.stderr).toBe(0);
    expect(figures(counted.stdout)).toEqual(figures(plain.stdout));
    expect(figures(counted.stdout).detected_spans).toBe('1/1');
    // The report says the rows were counted, in JSON and in text.
    expect((JSON.parse(counted.stdout) as Report).perFile[0].rows_counted_as_samples).toBe(true);
    expect((JSON.parse(plain.stdout) as Report).perFile[0].rows_counted_as_samples).toBeUndefined();
    const text = await runCli(['eval', '--data', bare, '--train-rows', '400', '--period-ms', '180000']);
    expect(text.stdout).toContain(
      'fault01.csv: no time column; its rows are counted as samples one sample period apart',
    );
    // Its first channel is a channel (the row counter is not in the file): --slow-channels may name it.
    const slow = await runCli(['eval', '--data', bare, ...args, '--slow-channels', 'xmeas_1']);
    expect(slow.code, slow.stderr).toBe(0);

    const unknown = await runCli(['eval', '--data', bare, '--train-rows', '400']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `${bare}: has no time column (the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step)): its rows are read as samples, so the sample period is unknown; give --period-ms, or add a time column`,
    );
  });

  it('trains a model with --period-ms, which then scores such a file at its own sample period', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-no-time-'));
    const [normal, fault] = await Promise.all([withoutCounter(dir, 'normal.csv'), withoutCounter(dir, 'fault11.csv')]);
    const model = join(dir, 'model');
    const train = await runCli(['train', '--csv', normal, '--period-ms', '180000', '--out', model]);
    expect(train.code, train.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as {
      input: { sample_period_ms: number };
      training: { data: string };
    };
    expect(manifest.input.sample_period_ms).toBe(180_000);
    expect(manifest.training.data).toContain('(no time column: rows counted as samples)');
    const [bare, counted] = await Promise.all(
      [fault, join(TEP, 'fault11.csv')].map((d) => runCli(['eval', '--model', model, '--data', d, '--json'])),
    );
    expect(bare.code, bare.stderr).toBe(0);
    expect(counted.code, counted.stderr).toBe(0);
    expect(figures(bare.stdout)).toEqual(figures(counted.stdout));
    expect(figures(bare.stdout).detected_spans).toBe('1/1');
  });
});
