/**
 * `linewatch eval` on a plant sampled slowly (the synthetic process plant, one row every 3 minutes), as data from
 * another kind of plant arrives: NAB's window is 60 sample periods, so detections in the first rows after a fault
 * count; and a file whose fault starts inside the training rows is fitted on the rows before it.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Report {
  f1: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  nab: { standard: number };
  detected_spans: string;
  perFile: { file: string; anomalous_training_rows?: number; fitted_rows?: number }[];
}

/** A CSV of these lines in a new folder. */
async function fileOf(name: string, lines: readonly string[]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'lw-eval-file-')), name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

let plant: string;

beforeAll(async () => {
  plant = await mkdtemp(join(tmpdir(), 'lw-eval-slow-'));
  const made = await runCli(['dataset', '--out', plant, '--seed', '3', '--files', '3']);
  expect(made.code).toBe(0);
}, 60_000);

describe('eval on a plant with one row every 3 minutes', () => {
  it('scores NAB over 60 sample periods: every fault found gives a positive standard score', async () => {
    const res = await runCli(['eval', '--data', plant, '--train-rows', '400', '--json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.detected_spans).toBe('3/3');
    // A fixed 60 s window ended before the first possible alarm (one row, 180 s, after the fault starts): NAB -6.9
    // although every fault was found.
    expect(report.nab.standard).toBeGreaterThan(20);
  });

  it('fits a file whose fault starts inside the training rows on the rows before it, and says so', async () => {
    // A fault that starts at row 160, as in Tennessee Eastman test runs: cut the first 300 rows of a file.
    const lines = (await readFile(join(plant, 'compensated-step-0.csv'), 'utf8')).trimEnd().split('\n');
    const anomaly = lines[0].split(/[;,]/).indexOf('anomaly');
    const labelled = (l: string) => Number(l.split(/[;,]/)[anomaly]) === 1;
    const early = await fileOf('early.csv', [lines[0], ...lines.slice(301)]);
    const first = lines.slice(301).findIndex(labelled);
    expect(first).toBeGreaterThan(100);
    expect(first).toBeLessThan(400);
    const report = JSON.parse(
      (await runCli(['eval', '--data', early, '--train-rows', '400', '--json'])).stdout,
    ) as Report;
    expect(report.perFile[0].fitted_rows).toBe(first);
    expect(report.perFile[0].anomalous_training_rows).toBeUndefined();
    // Fitted on the fault's rows (as before), the compensated step was learnt as normal: F1 0.
    expect(report.f1).toBeGreaterThan(0.3);
    const text = await runCli(['eval', '--data', early, '--train-rows', '400']);
    expect(text.stdout).toContain(
      `early.csv: fitted on its first ${first} rows, those before its first labelled anomaly`,
    );

    // Too few rows before the fault to fit on: the first 400, and how many of them are labelled anomalous.
    const rows = [lines[0], ...lines.slice(301 + first - 10)];
    const tooEarly = await fileOf('too-early.csv', rows);
    const anomalous = rows.slice(1, 401).filter(labelled).length;
    const fallback = JSON.parse(
      (await runCli(['eval', '--data', tooEarly, '--train-rows', '400', '--json'])).stdout,
    ) as Report;
    expect(fallback.perFile[0].fitted_rows).toBeUndefined();
    expect(fallback.perFile[0].anomalous_training_rows).toBe(anomalous);

    // A file whose training rows are all normal is fitted on them, with nothing to say.
    const clean = JSON.parse(
      (await runCli(['eval', '--data', join(plant, 'compensated-step-0.csv'), '--train-rows', '400', '--json'])).stdout,
    ) as Report;
    expect(clean.perFile[0].fitted_rows).toBeUndefined();
    expect(clean.perFile[0].anomalous_training_rows).toBeUndefined();
  });

  it('gives every row its own score where the clock goes back an hour (a local-time export at the end of summer time)', async () => {
    const file = join(plant, 'compensated-step-0.csv');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    // From data row 600 on, every time one hour earlier: rows 600-619 repeat the times of rows 580-599.
    const shifted = lines.map((l, i) => {
      if (i < 601) return l;
      const [time, ...rest] = l.split(';');
      const earlier = new Date(Date.parse(`${time.replace(' ', 'T')}Z`) - 3_600_000).toISOString();
      return [earlier.slice(0, 19).replace('T', ' '), ...rest].join(';');
    });
    expect(shifted[601].split(';')[0]).toBe(lines[581].split(';')[0]);
    const fallBack = await fileOf('fall-back.csv', shifted);
    const [plain, back] = await Promise.all(
      [file, fallBack].map(async (f) => JSON.parse((await runCli(['eval', '--data', f, '--json'])).stdout) as Report),
    );
    // Before, rows 580-599 lost their scores to rows 600-619 (scores were matched by time) and counted as no alarm.
    expect(back.confusion).toEqual(plain.confusion);
  });
});
