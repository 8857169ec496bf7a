/**
 * `linewatch eval` on a plant sampled slowly (the synthetic process plant, one row every 3 minutes), as data from
 * another kind of plant arrives: NAB's window is 60 sample periods, so detections in the first rows after a fault
 * count; and a file whose fault starts inside the rows its model is fitted on says so.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Report {
  nab: { standard: number };
  detected_spans: string;
  perFile: { file: string; anomalous_training_rows?: number }[];
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

  it('says how many of the rows a file model was fitted on are labelled anomalous', async () => {
    // A fault that starts at row 160, as in Tennessee Eastman test runs: cut the first 300 rows of a file.
    const lines = (await readFile(join(plant, 'compensated-step-0.csv'), 'utf8')).trimEnd().split('\n');
    const early = [lines[0], ...lines.slice(301)];
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-early-'));
    await writeFile(join(dir, 'early.csv'), `${early.join('\n')}\n`);
    const header = lines[0].split(/[;,]/);
    const anomaly = header.indexOf('anomaly');
    const labelled = early.slice(1, 401).filter((l) => Number(l.split(/[;,]/)[anomaly]) === 1).length;
    expect(labelled).toBeGreaterThan(100);
    const json = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json']);
    expect((JSON.parse(json.stdout) as Report).perFile[0].anomalous_training_rows).toBe(labelled);
    const text = await runCli(['eval', '--data', dir, '--train-rows', '400']);
    expect(text.stdout).toContain(
      `early.csv: ${labelled} of the 400 rows its model was fitted on are labelled anomalous and were learnt as normal`,
    );
    // A file whose training rows are all normal says nothing of the kind.
    const clean = JSON.parse(
      (await runCli(['eval', '--data', join(plant, 'compensated-step-0.csv'), '--train-rows', '400', '--json'])).stdout,
    ) as Report;
    expect(clean.perFile[0].anomalous_training_rows).toBeUndefined();
  });
});
