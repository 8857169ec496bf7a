/**
 * `linewatch eval` on files with a channel that does not vary in the training rows (a setpoint, an agitator at a fixed
 * speed, a status word): each file's model leaves it out, as `train --channels` would, and the report says so. Before,
 * one such column stopped the whole evaluation with train's advice to use `--channels`, a flag eval does not have.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { VALVE, valveWith } from '../helpers/csv-tables.js';

interface Report {
  f1: number;
  perFile: { file: string; f1: number; left_out?: { channel: string; constant: number }[] }[];
}

/** valve1/3.csv with a column after the time: `value(row)` for each row. */
async function withColumn(name: string, value: (row: number) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-eval-constant-'));
  const file = join(dir, 'valve-with-extra.csv');
  await writeFile(
    file,
    valveWith((row, [time, ...rest]) => [time, row < 0 ? name : value(row), ...rest]),
  );
  return file;
}

describe('eval with a channel that is constant in the training rows', () => {
  it('leaves it out of the file model, names it, and scores the file as without the column', async () => {
    const file = await withColumn('Agitator', () => '50');
    const [plain, extra] = await Promise.all(
      [VALVE, file].map((f) => runCli(['eval', '--data', f, '--train-rows', '400', '--json'])),
    );
    expect(extra.stderr).toBe('');
    expect(extra.code).toBe(0);
    const a = JSON.parse(plain.stdout) as Report;
    const b = JSON.parse(extra.stdout) as Report;
    expect(b.perFile[0].left_out).toEqual([{ channel: 'Agitator', constant: 50 }]);
    expect(a.perFile[0].left_out).toBeUndefined();
    expect(b.f1).toBe(a.f1);
    const text = await runCli(['eval', '--data', file, '--train-rows', '400']);
    // In train's words (train --csv leaves such a channel out too, saying so).
    expect(text.stdout).toContain(
      `${file}: left out of the model, constant in the rows it learns from: Agitator (always 50); the model does ` +
        'not see it change\n',
    );
  });

  it('draws it in the report, named as left out of the model', async () => {
    const file = await withColumn('Agitator', () => '50');
    const out = await mkdtemp(join(tmpdir(), 'lw-eval-constant-report-'));
    const res = await runCli(['eval', '--data', file, '--train-rows', '400', '--report', out]);
    expect(res.code).toBe(0);
    const page = await readFile(res.stderr.match(/^report written to (.+)$/m)![1], 'utf8');
    expect(page).toContain('Agitator (left out of the model: constant in its training rows)');
    expect(page).toContain(
      'left out of the model, constant in the rows it learns from: Agitator (always 50); the model does not see it change',
    );
    expect(page).not.toContain('Temperature (left out');
  });

  it('judges on the rows a model learns from, and a kept mode word that changes once does not blind it', async () => {
    // Constant over the rows the model learns from (the hybrid's: all 400), changing afterwards: left out, its spread
    // cannot be learnt. A column that changes once within them is kept, and its one step does not lift the alarm out of
    // reach (channel-resolution.ts): the file scores close to its plain F1 (0.787 measured 2026-12-03, and 0.787 with
    // the column). Before 2026-12-07 the hybrid judged on the first 300 rows only, dense and conv1d's share.
    const late = await withColumn('Mode', (row) => (row < 400 ? '1' : '2'));
    const early = await withColumn('Mode', (row) => (row < 200 ? '1' : '2'));
    const [l, e, p] = await Promise.all(
      [late, early, VALVE].map((f) => runCli(['eval', '--data', f, '--train-rows', '400', '--json'])),
    );
    expect((JSON.parse(l.stdout) as Report).perFile[0].left_out).toEqual([{ channel: 'Mode', constant: 1 }]);
    const kept = JSON.parse(e.stdout) as Report;
    expect(kept.perFile[0].left_out).toBeUndefined();
    const plain = JSON.parse(p.stdout) as Report;
    expect(plain.f1).toBeGreaterThan(0.7);
    expect(kept.f1).toBeGreaterThan(plain.f1 - 0.05);
  });
});
