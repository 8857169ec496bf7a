/**
 * `quantize` calibrates a model trained with `--running-when` (and its settle time) on the rows it learnt from: the
 * manifest's training.running_when, read as train read it. Before, quantize took every row of the CSV, the stops
 * and the restarts' ramps too (activation ranges that int8 then spent its 256 steps on). The check: re-quantizing on
 * the whole recording calibrates on exactly the windows of the same recording with those rows cut out, which the
 * model learnt.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { restartPlant, restartPlantCsv } from '../../src/sim/restart-plant.js';
import { runCli } from '../helpers/cli.js';

/** A row a second: 400 running, then two stops of 40 rows, each restart ramping for 60 rows, then 400 running. */
const PLANT = restartPlant({
  periodMs: 1000,
  channels: 3,
  leadRows: 400,
  cycles: Array.from({ length: 2 }, () => ({ stopRows: 40, rampRows: 60, runRows: 400 })),
});
/** Half a row past the ramp, so that "within" reads the same whether its bound is taken as open or closed. */
const SETTLE_MS = 60_500;

let dir: string;
let csv: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-quantize-running-'));
  csv = join(dir, 'plant.csv');
  const text = restartPlantCsv(PLANT, 'XS-100_Unit_mode', false);
  await writeFile(csv, text);
  model = join(dir, 'model');
  const res = await runCli([
    'train',
    '--csv',
    csv,
    '--arch',
    'dense',
    '--window',
    '10',
    '--epochs',
    '2',
    '--running-when',
    'XS-100_Unit_mode=RUN',
    '--running-settle-ms',
    String(SETTLE_MS),
    '--out',
    model,
  ]);
  expect(res.code, res.stderr).toBe(0);
}, 120_000);

/** The recording with the stops and each restart's first SETTLE_MS cut out: the rows the model learnt from. */
function learntRowsCsv(): string {
  const lines = restartPlantCsv(PLANT, 'XS-100_Unit_mode', false).trimEnd().split('\n');
  const kept = lines.slice(1).filter((_, i) => {
    if (PLANT.mode[i] !== 'RUN') return false;
    return !PLANT.restarts.some((r) => i >= r && PLANT.times[i] - PLANT.times[r] < SETTLE_MS);
  });
  return `${[lines[0], ...kept].join('\n')}\n`;
}

async function calibration(data: string, out: string): Promise<{ windows: number; text: string; stderr: string }> {
  const res = await runCli(['quantize', '--model', model, '--csv', data, '--hop', '3', '--out', out]);
  expect(res.code, res.stderr).toBe(0);
  const q = (await loadManifest(out)).manifest.quantization as { calibration: string; calibration_windows: number };
  return { windows: q.calibration_windows, text: q.calibration, stderr: res.stderr };
}

describe('quantize of a model trained with --running-when', () => {
  it('calibrates on the rows the model learnt: its stops and settle time left out, said in the manifest', async () => {
    const learnt = join(dir, 'learnt.csv');
    await writeFile(learnt, learntRowsCsv());
    const whole = await calibration(csv, join(dir, 'whole'));
    const cut = await calibration(learnt, join(dir, 'cut'));
    // 1,400 rows less 80 stopped and 2 x 61 settling: the windows of the 1,198 rows learnt, not of all 1,400.
    expect(whole.windows).toBe(cut.windows);
    const said = `(the rows where XS-100_Unit_mode=RUN, ${SETTLE_MS} ms after each restart left out, as the model learnt: training.running_when)`;
    expect(whole.text).toBe(`plant.csv ${said}: ${whole.windows} windows (linewatch quantize)`);
    expect(whole.stderr).toContain(`calibrated on ${whole.windows} windows from ${csv} ${said}, checking against fp32`);
  }, 120_000);

  it('refuses a manifest whose running_when it cannot read, naming the model and the record', async () => {
    const broken = join(dir, 'broken');
    await calibration(csv, broken);
    const { manifest } = await loadManifest(broken);
    const altered = { ...manifest, training: { ...manifest.training, running_when: { channel: 'XS-100_Unit_mode' } } };
    await writeFile(join(broken, 'manifest.json'), JSON.stringify(altered));
    const res = await runCli(['quantize', '--model', broken, '--csv', csv, '--out', join(dir, 'not-written')]);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toContain(
      `model ${join(broken, 'manifest.json')}: training.running_when {"channel":"XS-100_Unit_mode"} is not a condition this version reads`,
    );
  }, 120_000);
});
