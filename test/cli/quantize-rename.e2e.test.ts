/**
 * `quantize --rename` and the renames a model remembers: a model trained on SKAB's file with `--rename 'Volume Flow
 * RateRMS=Volume_Flow_RateRMS'` is re-quantized on the same raw file with the same flag, checked as train checks it;
 * without it, quantize and eval --model read the raw file with the rename the model was trained with (its manifest's
 * training.renames; before 2026-12-07 they named the flag to add), and name it where the column is read under another
 * name. A model trained on a file with the channel's own name
 * and quantized on the raw one with the flag names it from quantization.command when re-quantized without it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
const LABELLED = join(ROOT, 'data/skab/valve1/0.csv');
const COLUMNS =
  'Accelerometer1RMS, Accelerometer2RMS, Current, Pressure, Temperature, Thermocouple, Voltage, Volume Flow RateRMS';

let dir: string;
let trained: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-quantize-rename-'));
  trained = join(dir, 'trained');
  const flags = ['--arch', 'dense', '--window', '10', '--epochs', '2', '--train-rows', '800'];
  const res = await runCli(['train', '--csv', CSV, ...SKAB_RENAME, ...flags, '--out', trained]);
  expect(res.code, res.stderr).toBe(0);
}, 120_000);

describe('quantize --rename', () => {
  it('re-quantizes on the raw CSV read as the model was trained; the manifest records the rename', async () => {
    const out = join(dir, 'requantized');
    const res = await runCli([
      'quantize',
      '--model',
      trained,
      '--csv',
      CSV,
      ...SKAB_RENAME,
      '--hop',
      '7',
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const after = (await loadManifest(out)).manifest;
    const q = after.quantization as { calibration: string; command: string };
    expect(q.calibration).toMatch(
      /^anomaly-free\.csv \(renamed: Volume Flow RateRMS → Volume_Flow_RateRMS\): \d+ windows \(linewatch quantize\)$/,
    );
    expect(q.command).toContain(" --rename 'Volume Flow RateRMS=Volume_Flow_RateRMS' ");
    const model = await AutoencoderModel.load(await loadManifest(out), { asset: 'rig' }); // golden window re-scored
    await model.close();
  }, 60_000);

  it('without it, reads the raw CSV with the rename the model was trained with, said in one line', async () => {
    const out = join(dir, 'own-rename');
    const res = await runCli(['quantize', '--model', trained, '--csv', CSV, '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `--csv ${CSV}: columns read as the model was trained to read them (1 rename(s) its manifest records): ` +
        '"Volume Flow RateRMS" as Volume_Flow_RateRMS\n',
    );
    const q = (await loadManifest(out)).manifest.quantization as { calibration: string };
    expect(q.calibration).toMatch(
      /^anomaly-free\.csv \(renamed: Volume Flow RateRMS → Volume_Flow_RateRMS\): [1-9]\d* windows \(linewatch quantize\)$/,
    );
  }, 60_000);

  it('with the column read under another name, names the flag it replaces (exit 2, nothing written)', async () => {
    const out = join(dir, 'not-written');
    // The column read under another name: the flag it replaces.
    const other = await runCli([
      'quantize',
      '--model',
      trained,
      '--csv',
      CSV,
      ...['--rename', 'Volume Flow RateRMS=flow', '--out', out],
    ]);
    expect(other.stderr).toContain(
      "(the model was trained with --rename 'Volume Flow RateRMS=Volume_Flow_RateRMS': add it in place of " +
        "--rename 'Volume Flow RateRMS=flow')\n",
    );
    expect(other.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a bad --rename with the words train and eval use', async () => {
    const quantize = (rename: string) =>
      runCli(['quantize', '--model', trained, '--csv', CSV, '--rename', rename, '--out', join(dir, 'not-written')]);
    const misspelt = await quantize('Volume Flow RateRMZ=x');
    expect([misspelt.code, misspelt.stderr]).toEqual([
      2,
      `linewatch: --rename "Volume Flow RateRMZ=x": --csv ${CSV} has no column "Volume Flow RateRMZ" (columns: ` +
        `${COLUMNS}); did you mean "Volume Flow RateRMS"?\n`,
    ]);
    const spaced = await quantize('Current=cur rent');
    expect([spaced.code, spaced.stderr]).toEqual([
      2,
      'linewatch: --rename "Current=cur rent": "cur rent" is no channel name a gateway configuration takes: ' +
        'expected a name of letters, digits, "_", "." or "-"\n',
    ]);
  });
});

describe('a model quantized with --rename, re-quantized without it', () => {
  it("names the flag from the manifest's quantization.command (training.command has none)", async () => {
    // Trained on a copy whose header has the channel's own name: its training.command holds no --rename.
    const raw = await readFile(CSV, 'utf8');
    const cleaned = join(dir, 'cleaned.csv');
    await writeFile(cleaned, raw.replace('Volume Flow RateRMS', 'Volume_Flow_RateRMS'));
    const plain = join(dir, 'plain');
    const flags = ['--arch', 'dense', '--window', '10', '--epochs', '2', '--train-rows', '800'];
    const train = await runCli(['train', '--csv', cleaned, ...flags, '--out', plain]);
    expect(train.code, train.stderr).toBe(0);
    const quantized = join(dir, 'quantized-raw');
    const first = await runCli(['quantize', '--model', plain, '--csv', CSV, ...SKAB_RENAME, '--out', quantized]);
    expect(first.code, first.stderr).toBe(0);
    const out = join(dir, 'requantized-raw');
    const again = await runCli(['quantize', '--model', quantized, '--csv', CSV, '--out', out]);
    expect([again.code, again.stderr]).toEqual([
      2,
      `linewatch: --csv ${CSV}: no column "Volume_Flow_RateRMS" of the model ${quantized}'s channels (columns: ` +
        `${COLUMNS}) (the model was quantized with --rename 'Volume Flow RateRMS=Volume_Flow_RateRMS': add it)\n`,
    ]);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

describe('eval --model on a file without the rename', () => {
  it('reads it with the rename the model was trained with, as with the flag given', async () => {
    const res = await runCli(['eval', '--model', trained, '--data', LABELLED, '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `--data ${LABELLED}: columns read as the model was trained to read them (1 rename(s) its manifest records): ` +
        '"Volume Flow RateRMS" as Volume_Flow_RateRMS\n',
    );
    const given = await runCli(['eval', '--model', trained, '--data', LABELLED, ...SKAB_RENAME, '--json']);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(JSON.parse(given.stdout));
  });
});
