/**
 * eval of a recording whose rows a poll timer's lateness spaced a little wider than its poll (a newcomer's walk: a
 * Modbus skid polled every 1000 ms, recorded 1001–1002 ms apart): `--period-ms` the poll's period is taken over the
 * dates, as `train --period-ms` takes it, where it was refused ("its time column gives a sample period of 1001 ms, not
 * the 1000 of --period-ms"), and `eval --model` of a model at the poll's period says so instead of only "resample".
 * A Node-RED walk's node-red-contrib-modbus, polling every 200 ms, recorded rows 205 ms apart: train --period-ms 200
 * took it, eval refused it (2 % then); train and eval now take one rule (timesInMs), up to 10 % wider.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { redatedCsv } from '../helpers/redated-csv.js';

const SKAB = join(ROOT, 'data/skab');
/** A poll timer's lateness, in ms, repeating: the median step is 1001 ms. */
const LATE = [0, 1, 1, 2, 0, 1, 3, 1];

let dir: string;
let original: string;
/** valve1/3.csv with its rows re-dated LATE ms later than a whole second each. */
let late: string;
/** The same rows spaced 1050 ms apart: a poll that adds its answer's time to each step (node-red-contrib-modbus). */
let lagging: string;
/** The same rows spaced 1250 ms apart: recorded at another rate (as 250 ms is to 200 ms), not made late by a poll. */
let slower: string;

/** The file's rows re-dated from its first time, `step(i)` ms apart. */
const redated = (to: string, step: (i: number) => number) => redatedCsv(original, to, step);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-eval-poll-period-'));
  original = join(SKAB, 'valve1/3.csv');
  late = join(dir, 'late.csv');
  lagging = join(dir, 'lagging.csv');
  slower = join(dir, 'slower.csv');
  await redated(late, (i) => 1000 + LATE[i % LATE.length]);
  await redated(lagging, () => 1050);
  await redated(slower, () => 1250);
});

interface Report {
  f1: number;
  far: number;
  confusion: unknown;
}
const figures = async (...args: string[]) => {
  const res = await runCli(['eval', '--arch', 'stats', '--json', ...args]);
  expect(res.code, res.stderr).toBe(0);
  const r = JSON.parse(res.stdout) as Report;
  return { f1: r.f1, far: r.far, confusion: r.confusion };
};

describe('eval --period-ms over dates a poll timer spaced wider', () => {
  it("takes the poll's period: the figures of the same rows a whole second apart", async () => {
    expect(await figures('--data', late, '--period-ms', '1000')).toEqual(await figures('--data', original));
  }, 120_000);

  it('takes it over dates a poll spaced 5 % wider, as train does', async () => {
    expect(await figures('--data', lagging, '--period-ms', '1000')).toEqual(await figures('--data', original));
  }, 120_000);

  const refusal = (file: string) =>
    `${file}: its time column gives a sample period of 1250 ms, not the 1000 of --period-ms (which is for times ` +
    'written as plain numbers, files with no time column, and dates polled every --period-ms that the poll spaced up ' +
    'to 10 % wider)';

  it('refuses a period the dates are further from than a poll makes them, naming both', async () => {
    const res = await runCli(['eval', '--arch', 'stats', '--data', slower, '--period-ms', '1000']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`linewatch: ${refusal(slower)}\n`);
  });

  it('train refuses it alike, and takes the dates a poll spaced wider', async () => {
    const train = (csv: string, out: string) =>
      runCli([
        'train',
        '--csv',
        csv,
        '--arch',
        'stats',
        '--period-ms',
        '1000',
        '--train-rows',
        '400',
        '--rename',
        'auto',
        '--out',
        join(dir, out),
      ]);
    const refused = await train(slower, 'refused');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(refusal(slower));
    const taken = await train(lagging, 'taken');
    expect(taken.code, taken.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'taken/manifest.json'), 'utf8')) as {
      input: { sample_period_ms: number };
    };
    expect(manifest.input.sample_period_ms).toBe(1000);
  }, 120_000);

  it('eval --model of a model at the poll period: the refusal names --period-ms, which then scores the file', async () => {
    const model = join(dir, 'model');
    const free = join(SKAB, 'anomaly-free/anomaly-free.csv');
    const trained = await runCli(['train', '--csv', free, '--arch', 'stats', '--rename', 'auto', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const refused = await runCli(['eval', '--model', model, '--data', late, '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `its rows come every 1001 ms, the model ${model} takes one every 1000 ms (its windows would span another ` +
        'time); resample the file or fit a model at its period, or, where its rows were polled every 1000 ms and the ' +
        'poll spaced them wider, give --period-ms 1000',
    );
    // Scored as the same rows a whole second apart are.
    const scored = await runCli(['eval', '--model', model, '--data', late, '--period-ms', '1000', '--json']);
    const whole = await runCli(['eval', '--model', model, '--data', original, '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    const confusion = (out: string) => (JSON.parse(out) as Report).confusion;
    expect(confusion(scored.stdout)).toEqual(confusion(whole.stdout));
    expect(confusion(scored.stdout)).toMatchObject({ tn: expect.any(Number) });
  }, 120_000);
});
