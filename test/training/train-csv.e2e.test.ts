/**
 * `linewatch train --csv`: a model from a CSV of normal operation (SKAB's anomaly-free.csv, real
 * pump rig data in data/skab), loaded and checked like any model; bad CSVs named by line and column.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');

/** SKAB's anomaly-free run with its flow column named as a configuration names it: quantize reads it (no --rename). */
async function namedCopy(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'lw-csv-named-')), 'anomaly-free.csv');
  await writeFile(file, (await readFile(CSV, 'utf8')).replace('Volume Flow RateRMS', 'Volume_Flow_RateRMS'));
  return file;
}

describe('linewatch train --csv', () => {
  it('trains the default hybrid on the first N rows: a model that loads, flags a shifted channel and says which term', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-csv-hybrid-'));
    const res = await runCli([
      ...['train', '--csv', CSV, '--train-rows', '400', ...SKAB_RENAME],
      ...['--name', 'skab-hybrid', '--out', out],
    ]);
    expect(res.code, res.stderr).toBe(0);
    const loaded = await loadManifest(out);
    const m = loaded.manifest;
    expect(m.training.architecture).toMatch(
      /^hybrid: residual \+ level \+ variability terms; autoencoder leave-one-out linear autoencoder per row \(each channel rebuilt from the others/,
    );
    expect(m.training.data).toMatch(
      /anomaly-free\.csv: first 400 rows \(renamed: Volume Flow RateRMS → Volume_Flow_RateRMS\): 400 rows, all fitted on, the alarm calibrated on every window's out-of-fold score; the last 100 rows also check int8 against fp32 and give the golden window, sample period 1000 ms$/,
    );
    expect(m.score).toMatchObject({ function: 'max_term_z', target: { false_alarms_per_day: 1 } });
    expect(m.score.off_threshold).toBeLessThan(m.score.threshold);
    expect(m.score.calibration).toMatch(/false alarm/);
    const model = await AutoencoderModel.load(loaded, { asset: 'rig' });
    const golden = Float32Array.from(m.golden.input);
    // The last 8 rows of Pressure (channel 3) pushed 20 of its standard deviations up.
    const shifted = golden.map((v, k) => (k % 8 === 3 && k >= (32 - 8) * 8 ? v + 20 * m.normalisation.std[3] : v));
    const [normal, fault] = await model.score(
      [golden, shifted].map((data) => ({ asset: 'rig', channels: model.channels, length: 32, start: 0, end: 1, data })),
    );
    expect(normal.anomalous).toBe(false);
    expect(fault.anomalous).toBe(true);
    expect(fault.contributions[0]).toMatchObject({ channel: 'Pressure' });
    expect(['residual', 'level']).toContain(fault.contributions[0].kind);
    await model.close();
  }, 60_000);

  it('trains on a CSV of normal operation; the model loads (golden window, sha256) and scores windows', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-csv-model-'));
    const res = await runCli([
      'train',
      '--csv',
      CSV,
      '--arch',
      'dense',
      ...SKAB_RENAME,
      '--channels',
      'Accelerometer1RMS,Accelerometer2RMS,Current,Pressure,Volume_Flow_RateRMS',
      '--window',
      '10',
      '--epochs',
      '3',
      '--name',
      'skab-pump',
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/skab-pump: \d+ training and \d+ validation windows of 10×5/);
    const loaded = await loadManifest(out);
    expect(loaded.manifest.input.channels.map((c) => c.name)).toEqual([
      'Accelerometer1RMS',
      'Accelerometer2RMS',
      'Current',
      'Pressure',
      'Volume_Flow_RateRMS',
    ]);
    expect(loaded.manifest.input.sample_period_ms).toBe(1000);
    expect(loaded.manifest.score.threshold).toBeGreaterThan(0);
    const model = await AutoencoderModel.load(loaded, { asset: 'rig' });
    const [normal] = await model.score([
      {
        asset: 'rig',
        channels: model.channels,
        length: 10,
        start: 0,
        end: 1,
        data: Float32Array.from(loaded.manifest.golden.input),
      },
    ]);
    expect(normal.score).toBeLessThan(normal.threshold);
    await model.close();
  }, 60_000);

  it('--prune removes hidden units and records size, speed and loss change in the manifest', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-csv-pruned-'));
    const res = await runCli([
      'train',
      '--csv',
      CSV,
      '--arch',
      'dense',
      '--window',
      '10',
      '--epochs',
      '3',
      '--prune',
      '0.5',
      ...SKAB_RENAME,
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const loaded = await loadManifest(out);
    const pruning = (loaded.manifest.training as { pruning: Record<string, any> }).pruning;
    expect(pruning).toMatchObject({ fraction: 0.5, hidden_before: [32, 6, 32], hidden_after: [16, 3, 16] });
    expect(pruning.parameters.after).toBeLessThan(pruning.parameters.before);
    expect(pruning.int8_bytes.after).toBe(loaded.modelBytes.length);
    expect(pruning.int8_bytes.after).toBeLessThan(pruning.int8_bytes.before);
    expect(pruning.windows_per_s_batch_64.after).toBeGreaterThan(0);
    expect(loaded.manifest.training.architecture).toBe('dense 80-16-3-16-80');
    const model = await AutoencoderModel.load(loaded, { asset: 'rig' });
    await model.close();
    const refused = await runCli(['train', '--csv', CSV, '--arch', 'dense', '--prune', '1.5', '--out', out]);
    expect(refused.stderr).toMatch(/--prune 1\.5: expected a fraction between 0 and 1/);
  }, 60_000);

  it('refuses --prune for the hybrid and stats detectors (nothing to prune) instead of ignoring it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-csv-prune-hybrid-'));
    for (const arch of ['hybrid', 'stats']) {
      const refused = await runCli(['train', '--csv', CSV, '--arch', arch, '--prune', '0.5', '--out', out]);
      expect([refused.code, refused.stderr.trim()]).toEqual([
        2,
        `linewatch: --prune 0.5: the ${arch} detector has no hidden units or conv channels to prune; --prune is for dense and conv1d`,
      ]);
    }
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('--arch conv1d: a pruned 1-D conv autoencoder trains, exports, re-quantizes, loads and tells a fault from normal', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-csv-conv-'));
    const named = await namedCopy();
    const res = await runCli([
      'train',
      '--csv',
      named,
      '--arch',
      'conv1d',
      '--filters',
      '12,6',
      '--window',
      '12',
      '--hop',
      '4',
      '--epochs',
      '4',
      '--prune',
      '0.5',
      '--name',
      'skab-conv',
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const loaded = await loadManifest(out);
    expect(loaded.manifest.training.architecture).toBe(
      'conv1d 8ch x 12: conv 6, conv 3, deconv 6, deconv 8 (kernel 4, stride 2, pad 1)',
    );
    const pruning = (loaded.manifest.training as { pruning: Record<string, any> }).pruning;
    expect(pruning).toMatchObject({ hidden_before: [12, 6, 12], hidden_after: [6, 3, 6] });
    expect(pruning.int8_bytes.after).toBeLessThan(pruning.int8_bytes.before);
    expect((loaded.manifest.quantization as { weights: string }).weights).toMatch(
      /axis=0 for Conv, axis=1 for ConvTranspose/,
    );
    // quantize reads the conv graph back and calibrates it again.
    const requantized = await mkdtemp(join(tmpdir(), 'lw-csv-conv-q-'));
    const q = await runCli(['quantize', '--model', out, '--csv', named, '--hop', '5', '--out', requantized]);
    expect(q.code, q.stderr).toBe(0);
    const after = await loadManifest(requantized);
    expect(
      (after.manifest.quantization as { fp32_agreement: { verdict_agreement: number } }).fp32_agreement
        .verdict_agreement,
    ).toBeGreaterThanOrEqual(0.99);
    const model = await AutoencoderModel.load(after, { asset: 'rig' }); // golden window re-scored
    const golden = Float32Array.from(after.manifest.golden.input);
    // The same window with every channel pushed 6 standard deviations off: a fault.
    const { std } = after.manifest.normalisation;
    const off = golden.map((v, k) => v + 6 * std[k % 8]);
    const [normal, fault] = await model.score(
      [golden, off].map((data) => ({ asset: 'rig', channels: model.channels, length: 12, start: 0, end: 1, data })),
    );
    expect(normal.anomalous).toBe(false);
    expect(fault.anomalous).toBe(true);
    await model.close();
    const refused = await runCli(['train', '--csv', CSV, '--arch', 'conv1d', '--window', '10', '--out', out]);
    expect(refused.stderr).toMatch(
      /--arch conv1d halves the window twice: the window length must be a multiple of 4 \(10; set --window\)/,
    );
  }, 120_000);

  it('linewatch quantize: re-quantizes the fp32 export on other calibration data; the manifest records it and the model loads', async () => {
    const trained = await mkdtemp(join(tmpdir(), 'lw-q-trained-'));
    const named = await namedCopy();
    expect(
      (await runCli(['train', '--csv', named, '--arch', 'dense', '--window', '10', '--epochs', '3', '--out', trained]))
        .code,
    ).toBe(0);
    const before = await loadManifest(trained);
    const out = await mkdtemp(join(tmpdir(), 'lw-q-out-'));
    const res = await runCli([
      'quantize',
      '--model',
      trained,
      '--csv',
      named,
      '--hop',
      '3',
      '--validation-fraction',
      '0.3',
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const after = await loadManifest(out);
    const q = after.manifest.quantization as {
      calibration: string;
      fp32_agreement: { verdict_agreement: number; mean_relative_score_difference: number };
    };
    expect(q.calibration).toMatch(/^anomaly-free\.csv: \d+ windows \(linewatch quantize\)$/);
    expect(q.fp32_agreement.verdict_agreement).toBeGreaterThanOrEqual(0.99);
    expect(q.fp32_agreement.mean_relative_score_difference).toBeLessThan(0.05);
    expect(after.manifest.sha256).not.toBe(before.manifest.sha256);
    expect(after.manifest.fp32_sha256).toBe(before.manifest.fp32_sha256);
    expect(after.manifest.score.threshold).toBe(before.manifest.score.threshold);
    const model = await AutoencoderModel.load(after, { asset: 'rig' }); // golden window re-scored
    await model.close();

    const noChannel = await runCli(['quantize', '--model', join(ROOT, 'models/pump-ae'), '--csv', CSV, '--out', out]);
    expect(noChannel.stderr).toMatch(/anomaly-free\.csv: no column "vibration_1", "vibration_2"/);
    await writeFile(join(trained, 'model.fp32.onnx'), await readFile(join(trained, 'model.int8.onnx')));
    const tampered = await runCli(['quantize', '--model', trained, '--csv', named, '--out', out]);
    // The check validate --model makes, with its words, and the exit code of a bad model (2).
    expect(tampered.stderr).toMatch(
      /fp32 model file .*model\.fp32\.onnx: sha256 [0-9a-f]{64} does not match the manifest's fp32_sha256 [0-9a-f]{64}\n$/,
    );
    expect(tampered.code).toBe(2);
  }, 60_000);

  it('names what is wrong with a CSV: unknown column, a bad cell by line and column, too few rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-csv-bad-'));
    const text = (await readFile(CSV, 'utf8')).split('\n').slice(0, 200);
    const out = join(dir, 'model');
    let res = await runCli(['train', '--csv', CSV, '--channels', 'Flow', '--out', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /^linewatch: --channels Flow: .*anomaly-free\.csv: no column "Flow" \(columns: Accelerometer1RMS, .*\)/,
    );
    const bad = [...text];
    bad[50] = bad[50].replace(/;[^;]+$/, ';12.5 l/min'); // a reading written with its unit
    await writeFile(join(dir, 'bad.csv'), bad.join('\n'));
    res = await runCli(['train', '--csv', join(dir, 'bad.csv'), '--out', out]);
    expect(res.stderr).toMatch(/bad\.csv:51: column Volume Flow RateRMS: not a number: "12\.5 l\/min"/);
    // A PI historian's system state where the interface got no value is a missing reading, held as a gateway holds one.
    const pi = [...text];
    pi[50] = pi[50].replace(/;[^;]+$/, ';I/O Timeout');
    await writeFile(join(dir, 'pi.csv'), pi.join('\n'));
    res = await runCli(['train', '--csv', join(dir, 'pi.csv'), ...SKAB_RENAME, '--out', join(dir, 'pi-model')]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      'pi.csv: missing readings: Volume_Flow_RateRMS 1 missing (first on line 51): 1 held at the last reading\n',
    );
    await writeFile(join(dir, 'short.csv'), text.slice(0, 30).join('\n'));
    res = await runCli([
      ...['train', '--csv', join(dir, 'short.csv'), '--arch', 'dense', '--window', '20', ...SKAB_RENAME],
      ...['--out', out],
    ]);
    expect(res.stderr).toMatch(
      /short\.csv \(renamed: Volume Flow RateRMS → Volume_Flow_RateRMS\): 29 rows give 22 training and 7 held-out rows; each needs at least one window of 20/,
    );
    res = await runCli(['train', '--csv', join(dir, 'short.csv'), ...SKAB_RENAME, '--out', out]);
    expect(res.stderr).toMatch(
      /^linewatch: 29 rows of normal operation are too few: a window is 32 rows, and both the 22 training and the 7 held-out rows need at least 20 windows \(they give 0 and 0\)\n$/,
    );
    // 97 rows pass the 20-window rule (42 training and 24 held-out windows, 66 in all) but leave the middle windows one
    // window more than a window's length away to compare with: the rows needed are named, not a stack trace.
    await writeFile(join(dir, 'span97.csv'), text.slice(0, 98).join('\n'));
    res = await runCli(['train', '--csv', join(dir, 'span97.csv'), '--arch', 'stats', ...SKAB_RENAME, '--out', out]);
    expect(res.stderr).toBe(
      'linewatch: 97 rows of normal operation are too few: a window is 32 rows, and each window is compared with the windows that do not overlap it, which needs at least 67 windows (98 rows in a row)\n',
    );
    res = await runCli(['train', '--csv', CSV, '--window', '16', '--out', out]);
    expect(res.stderr).toBe(
      "linewatch: --window: the hybrid detector's window geometry is fixed (32 rows); --window is for dense and conv1d\n",
    );
    res = await runCli(['train', '--csv', join(dir, 'missing.csv'), '--out', out]);
    expect(res.stderr).toMatch(/--csv .*missing\.csv: no such file or folder\n$/);
  }, 60_000);

  it('needs --period-ms where the time column holds plain numbers, and records the period given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-csv-numbers-'));
    const [header, ...rows] = (await readFile(CSV, 'utf8')).trim().split('\n').slice(0, 400);
    // The sample number instead of the date, as some historians export.
    const numbered = rows.map((r, i) => [i, ...r.split(';').slice(1)].join(';'));
    const csv = join(dir, 'numbered.csv');
    await writeFile(csv, [header.replace(/^datetime/, 'time'), ...numbered].join('\n'));
    const out = join(dir, 'model');
    const refused = await runCli(['train', '--csv', csv, '--arch', 'stats', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /numbered\.csv: the time column holds plain numbers \(0, 1, 2, …\).*give --period-ms/,
    );
    await expect(readFile(join(out, 'manifest.json'))).rejects.toThrow(/ENOENT/);
    const given = await runCli([
      ...['train', '--csv', csv, '--arch', 'stats', '--period-ms', '60000', ...SKAB_RENAME],
      ...['--out', out],
    ]);
    expect(given.code, given.stderr).toBe(0);
    const { manifest } = await loadManifest(out);
    expect(manifest.input.sample_period_ms).toBe(60_000);
  }, 60_000);

  it('leaves a constant channel out of the model, as eval does, saying so on stderr and on the page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-csv-constant-'));
    const [header, ...rows] = (await readFile(CSV, 'utf8')).trim().split('\n').slice(0, 400);
    // Temperature (the 5th column after the time) held at 20.5, as a sensor that is stuck or not wired.
    const stuck = rows.map((r) =>
      r
        .split(';')
        .map((v, i) => (i === 5 ? '20.5' : v))
        .join(';'),
    );
    expect(header.split(';')[5]).toBe('Temperature');
    await writeFile(join(dir, 'stuck.csv'), [header, ...stuck].join('\n'));
    const out = join(dir, 'model');
    const page = join(dir, 'train.html');
    const res = await runCli([
      ...['train', '--csv', join(dir, 'stuck.csv'), ...SKAB_RENAME, '--out', out, '--report', page],
      ...['--slow-channels', 'Temperature,Pressure'],
    ]);
    expect(res.code, res.stderr).toBe(0);
    const said =
      'left out of the model, constant in the rows it learns from: Temperature (always 20.5); the model does not ' +
      'see it change';
    expect(res.stderr).toContain(`${join(dir, 'stuck.csv')}: ${said}\n`);
    const { manifest } = await loadManifest(out);
    expect(manifest.input.channels.map((c) => c.name)).toEqual([
      ...['Accelerometer1RMS', 'Accelerometer2RMS', 'Current', 'Pressure', 'Thermocouple', 'Voltage'],
      'Volume_Flow_RateRMS',
    ]);
    expect(await readFile(page, 'utf8')).toContain(said);
  }, 60_000);

  it('keeps a channel that changes only in the last rows of the span in a hybrid model, which learns from every row', async () => {
    // A setpoint moved in the last fifth of the span (w1's historian walk: TIC-103's setpoint 245 → 246 at row 43,200
    // of 50,400 was called constant and left out, judged on the first 75 % of rows, which dense and conv1d alone
    // normalise on; hybrid and stats fit and normalise on every row).
    const dir = await mkdtemp(join(tmpdir(), 'lw-csv-setpoint-'));
    const [header, ...rows] = (await readFile(CSV, 'utf8')).trim().split('\n').slice(0, 401);
    const moved = rows.map((r, t) =>
      r
        .split(';')
        .map((v, i) => (i === 5 ? (t < 320 ? '20.5' : '21.5') : v))
        .join(';'),
    );
    await writeFile(join(dir, 'setpoint.csv'), [header, ...moved].join('\n'));
    const train = (arch: string, out: string) =>
      runCli([
        ...['train', '--csv', join(dir, 'setpoint.csv'), ...SKAB_RENAME, '--out', join(dir, out)],
        ...['--arch', arch, '--slow-channels', 'Temperature,Pressure', '--epochs', '2'],
      ]);
    const hybrid = await train('hybrid', 'hybrid');
    expect(hybrid.code, hybrid.stderr).toBe(0);
    expect(hybrid.stderr).not.toContain('left out of the model');
    expect((await loadManifest(join(dir, 'hybrid'))).manifest.input.channels.map((c) => c.name)).toContain(
      'Temperature',
    );
    const dense = await train('dense', 'dense');
    expect(dense.code, dense.stderr).toBe(0);
    expect(dense.stderr).toContain(
      'left out of the model, constant in the rows it learns from: Temperature (always 20.5)',
    );
  }, 120_000);
});
