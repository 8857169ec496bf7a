/**
 * train and eval --running-when with the settle time after a restart (--running-settle-ms, or estimated), on a
 * generated plant (sim/restart-plant.ts) whose mode says RUN from each restart's first second while its channels ramp
 * back for 120 s (w1's heat exchanger: ~25 min, the ramp learnt and scored as if the plant ran). Without a settle time
 * the ramp rows are learnt and scored; with it they are not, and the one estimated is close to the ramp.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { restartPlant, restartPlantCsv } from '../../src/sim/restart-plant.js';
import { runCli } from '../helpers/cli.js';

const RAMP_ROWS = 120;
/** A row a second: 600 running, then three stops of 60 rows, each with a ramp of 120 and 600 rows running. */
const PLANT = restartPlant({
  periodMs: 1000,
  channels: 3,
  leadRows: 600,
  cycles: Array.from({ length: 3 }, () => ({ stopRows: 60, rampRows: RAMP_ROWS, runRows: 600 })),
});
const WHEN = ['--running-when', 'XS-100_Unit_mode=RUN'];

let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-running-settle-'));
  csv = join(dir, 'plant.csv');
  await writeFile(csv, restartPlantCsv(PLANT));
});

const settleLine = /plant\.csv: settle time after a restart: (\d+) ms, estimated from 3 restart\(s\) in the rows: /;

describe('train --running-when: the settle time after a restart', () => {
  it('estimates it from the restarts, says it, leaves the ramps out and records it', async () => {
    const out = join(dir, 'estimated');
    const run = await runCli(['train', '--csv', csv, ...WHEN, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const settleMs = Number(settleLine.exec(run.stderr)?.[1]);
    // Close to the 120 s ramp (the slowest channel comes back within its noise a little before the ramp's end).
    expect(settleMs).toBeGreaterThan(0.8 * RAMP_ROWS * 1000);
    expect(settleMs).toBeLessThanOrEqual(RAMP_ROWS * 1000);
    const settling = settleMs / 1000;
    expect(run.stderr).toContain(
      `180 of the 2940 rows not running (not XS-100_Unit_mode=RUN, or no reading of XS-100_Unit_mode) left out: ` +
        `neither learnt nor scored, no window spans them (--running-when); ${3 * settling} of the 2940 rows settling ` +
        `after a restart (within ${settleMs} ms of the condition turning true after a stop) left out too (--running-settle-ms)`,
    );
    expect(run.stderr).toContain(
      `plant.csv: learnt in 4 segments: 180 row(s) not running left out (--running-when), ${3 * settling} row(s) ` +
        'settling after a restart left out (--running-settle-ms); no window spans a break',
    );
    const { manifest } = await loadManifest(out);
    expect(manifest.training.running_when).toEqual({ channel: 'XS-100_Unit_mode', equals: 'RUN', settle_ms: settleMs });
    expect(manifest.training.running_settle).toMatch(
      new RegExp(`^${settleMs} ms, estimated from 3 restart\\(s\\) in the rows: `),
    );
    expect(manifest.training.data).toContain(
      `(running when XS-100_Unit_mode=RUN: 180 row(s) not running left out, ${3 * settling} settling within ${settleMs} ms of a restart)`,
    );
  }, 60_000);

  it('takes the one given over the estimate: 0 learns the ramps', async () => {
    const out = join(dir, 'given');
    const run = await runCli(['train', '--csv', csv, ...WHEN, '--running-settle-ms', '0', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('plant.csv: settle time after a restart: 0 ms, given (--running-settle-ms)');
    const { manifest } = await loadManifest(out);
    expect(manifest.training.running_when).toEqual({ channel: 'XS-100_Unit_mode', equals: 'RUN', settle_ms: 0 });
    expect(manifest.training.data).toContain('(running when XS-100_Unit_mode=RUN: 180 row(s) not running left out)');
  }, 60_000);

  it.each([
    [['--running-settle-ms', '60000'], '--running-settle-ms: the settle time after a restart needs --running-when'],
    [[...WHEN, '--running-settle-ms', '-1'], '--running-settle-ms -1: expected a whole number from 0'],
  ])('refuses %j, naming the flag', async (flags, message) => {
    const run = await runCli(['train', '--csv', csv, ...flags, '--out', join(dir, 'refused')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('eval --running-when: the settle time after a restart', () => {
  interface Report {
    perFile: { stopped_rows?: number; settling_rows?: number }[];
  }
  const evalJson = async (...flags: string[]) => {
    const run = await runCli(['eval', '--data', dir, '--train-rows', '2200', '--json', ...WHEN, ...flags]);
    expect(run.code, run.stderr).toBe(0);
    return { report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
  };

  it('estimated on the training rows (two restarts there), the ramps after them are not scored nor measured', async () => {
    const { report, stderr } = await evalJson();
    const settleMs = Number(/settle time after a restart: (\d+) ms, estimated from 2 restart/.exec(stderr)?.[1]);
    expect(settleMs).toBeGreaterThan(0.8 * RAMP_ROWS * 1000);
    // The measured rows (from 2200) hold the last 20 rows of the third stop and its ramp's settle.
    expect(report.perFile[0]).toMatchObject({ stopped_rows: 20, settling_rows: settleMs / 1000 });
  }, 60_000);

  it('with --running-settle-ms 0 the ramps are scored and measured', async () => {
    const { report } = await evalJson('--running-settle-ms', '0');
    expect(report.perFile[0]).toMatchObject({ stopped_rows: 20, settling_rows: 0 });
  }, 60_000);

  it("--model takes the model's settle time (training.running_when.settle_ms)", async () => {
    const out = join(dir, 'model-own');
    expect((await runCli(['train', '--csv', csv, ...WHEN, '--running-settle-ms', '30000', '--out', out])).code).toBe(0);
    const run = await runCli(['eval', '--data', dir, '--model', out, '--train-rows', '2200', '--json', ...WHEN]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "plant.csv: settle time after a restart: 30000 ms, the model's (training.running_when.settle_ms)",
    );
    expect((JSON.parse(run.stdout) as Report).perFile[0]).toMatchObject({ stopped_rows: 20, settling_rows: 30 });
  }, 60_000);

  it("--model refuses a model whose training.running_when it cannot read, naming the model's manifest", async () => {
    const out = join(dir, 'model-unreadable');
    expect((await runCli(['train', '--csv', csv, ...WHEN, '--running-settle-ms', '30000', '--out', out])).code).toBe(0);
    const { manifest, manifestPath } = await loadManifest(out);
    const when = { ...(manifest.training.running_when as object), settle_ms: -30000 };
    const altered = { ...manifest, training: { ...manifest.training, running_when: when } };
    await writeFile(manifestPath, JSON.stringify(altered));
    const run = await runCli(['eval', '--data', dir, '--model', out, '--train-rows', '2200', '--json', ...WHEN]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      `model ${manifestPath}: training.running_when {"channel":"XS-100_Unit_mode","equals":"RUN","settle_ms":-30000} is not a condition this version reads`,
    );
  }, 60_000);
});
