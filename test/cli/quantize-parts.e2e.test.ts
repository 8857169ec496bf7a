/**
 * `linewatch quantize` on a part model: the press's recording is cut into parts as train, eval and the gateway cut
 * them (the cut the model's manifest records), the int8 ranges calibrated on those parts and the threshold calibrated
 * again on the new int8 graph's scores of the held-out parts, as train does. Before, quantize cut sliding windows of
 * the rows, which the model never scores: its int8 scores of good parts ran 14–32 % above fp32's. A continuous
 * model's quantize is byte for byte what it was. Bad inputs are refused naming the file, flag or column.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, readFp32Graph } from '../../src/inference/manifest.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { scoreWindows } from '../../src/training/build-model.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { pressDataset } from '../helpers/press-data.js';

/** The rows of a labelled press file before its fault (README: rows 0–17999 are normal parts). */
const NORMAL_ROWS = 18_000;

let dir: string;
let model: string;
let normal: string;
let labelled: string;
let header: string;
let rows: string[];
beforeAll(async () => {
  dir = await pressDataset(1, 3);
  labelled = join(dir, 'bad-press-fit-1.csv');
  [header, ...rows] = (await readFile(labelled, 'utf8')).trimEnd().split('\n');
  normal = join(dir, 'normal.csv');
  await writeFile(normal, [header, ...rows.slice(0, NORMAL_ROWS)].join('\n') + '\n');
  model = join(dir, 'model');
  const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'];
  const csv = join(dir, 'anomaly-free.csv');
  const res = await runCli(['train', '--csv', csv, ...cut, '--epochs', '20', '--seed', '7', '--out', model]);
  expect(res.code, res.stderr).toBe(0);
}, 300_000);

/** `linewatch quantize --model MODEL --csv CSV --out DIR/OUT` and further flags. */
const quantize = (modelDir: string, csv: string, out: string, ...flags: string[]) =>
  runCli(['quantize', '--model', modelDir, '--csv', csv, ...flags, '--out', join(dir, out)]);

/** A CSV in `dir` of the normal rows, each row's cells as `edit` makes them. */
async function editedCsv(name: string, edit: (cells: string[]) => string[], count = NORMAL_ROWS): Promise<string> {
  const file = join(dir, name);
  const out = [header, ...rows.slice(0, count)].map((line) => edit(line.split(',')).join(','));
  await writeFile(file, out.join('\n') + '\n');
  return file;
}

describe('quantize a part model', () => {
  it('calibrates on its parts: int8 scores of good parts follow fp32, the threshold calibrated again', async () => {
    const out = join(dir, 'requantized');
    const res = await quantize(model, normal, 'requantized');
    expect(res.code, res.stderr).toBe(0);
    const before = (await loadManifest(model)).manifest;
    const loaded = await loadManifest(out);
    const m = loaded.manifest;
    // The good parts after the normal rows, scored by both graphs as the gateway scores them.
    const parts = csvParts(await readFile(labelled, 'utf8'), labelled, {
      cycleChannel: 'cycle_active',
      trigger: 'flag',
      channels: m.input.channels.map((c) => c.name),
      windowLength: m.input.window_length,
      minRows: 5,
      maxRows: 10_000,
      labels: {},
    });
    const good = parts.rowSpans.flatMap(([from, to], i) =>
      from >= NORMAL_ROWS && !parts.labels!.subarray(from, to + 1).some((v) => v !== 0) ? [i] : [],
    );
    expect(good.length).toBeGreaterThan(100);
    const windows = good.map((i) => parts.windows[i]);
    const points = good.map((i) => parts.unreadPoints[i]);
    const fp = (await readFp32Graph(loaded))!;
    const int8 = await scoreWindows(m, loaded.modelBytes, loaded.modelPath, windows, points);
    const fp32 = await scoreWindows({ ...m, file: fp.file, sha256: fp.sha256 }, fp.bytes, fp.path, windows, points);
    const ratios = int8.map((s, i) => s / fp32[i]).sort((a, b) => a - b);
    // Calibrated on sliding windows, the median good part scored 1.14× its fp32 score (1.32× with 60 epochs).
    expect(Math.abs(ratios[ratios.length >> 1] - 1)).toBeLessThan(0.05);
    const q = m.quantization as { calibration: string; calibration_windows: number; threshold_before: number };
    expect(q.calibration).toMatch(
      /^normal\.csv \(\d+ parts cut by cycle_active \(flag\)\): \d+ parts \(linewatch quantize\)$/,
    );
    expect(res.stderr).toContain(`calibrated on ${q.calibration_windows} parts from ${normal}`);
    expect(q.threshold_before).toBe(before.score.threshold);
    // Calibrated again as train calibrates it: for the budget the model records, on the held-out parts' int8 scores.
    expect(m.score.target).toEqual(before.score.target);
    expect(m.score.details?.budget_rule).toMatch(/^the strictest supported is 1\/\(n·k\) of parts, n = \d+ held out/);
    expect(res.stderr).toContain(
      `threshold ${m.score.threshold.toFixed(4)} (was ${before.score.threshold.toFixed(4)})`,
    );
    // Its floor on the points read found again, with the threshold, on the new graph's held-out parts (read-floor.ts).
    expect(res.stderr).toContain(`a part is judged on ${m.score.min_read_points} of its 32 points at least`);
    expect(m.score.details?.min_read_points_found).toMatch(/^with \d+ of 32 points unread at each of \d+ places, /);
  }, 120_000);

  it('on the recording it was trained on, calibrates its threshold as train did', async () => {
    const res = await quantize(model, join(dir, 'anomaly-free.csv'), 'self');
    expect(res.code, res.stderr).toBe(0);
    const before = (await loadManifest(model)).manifest;
    const after = (await loadManifest(join(dir, 'self'))).manifest;
    // The same parts held out; the ranges differ by the fp32 export's float32 rounding of the weights alone.
    expect(after.quantization.calibration_windows).toBe(before.quantization.calibration_windows);
    expect(after.score.details?.largest_score_part).toBe(before.score.details?.largest_score_part);
    expect(Math.abs(after.score.threshold / before.score.threshold - 1)).toBeLessThan(1e-4);
    expect(after.score.details?.budget_used_ppm).toBe(before.score.details?.budget_used_ppm);
    // The same held-out parts and threshold: the same floor on the points read.
    expect(after.score.min_read_points).toBe(before.score.min_read_points);
    expect(before.score.min_read_points).toBeGreaterThan(1);
    expect(after.quantization.calibration).toMatch(/: \d+ parts \(linewatch quantize\)$/);
  }, 60_000);

  it('refuses a CSV without the cycle channel the model records, naming the column and the flag (exit 2)', async () => {
    const csv = await editedCsv('no-cycle.csv', (cells) => [cells[0], cells[1], cells[2], cells[4]]);
    const res = await quantize(model, csv, 'no-cycle');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `--csv ${csv}: no column "cycle_active": the model ${model}'s cycle channel cycle_active (parts cut by ` +
        'cycle_active (flag) (training.parts.window); name another with --cycle-channel)',
    );
  }, 60_000);

  it('refuses a recording of too few parts, naming the file and how many each side needs', async () => {
    const csv = await editedCsv('few.csv', (cells) => cells, 600);
    const res = await quantize(model, csv, 'few');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/ \d+ parts give \d+ to learn from and \d+ held out; each needs at least 20 /);
    expect(res.stderr).toContain(`linewatch: ${csv}: `);
  }, 60_000);

  it('refuses a recording whose cycle never ends, naming the file and the channel', async () => {
    const csv = await editedCsv('one-cycle.csv', (cells) =>
      cells[3] === 'cycle_active' ? cells : [...cells.slice(0, 3), '1', ...cells.slice(4)],
    );
    const res = await quantize(model, csv, 'one-cycle');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `${csv}: --cycle-channel cycle_active (flag): no part in ${NORMAL_ROWS} rows (it reads 1 to 1)`,
    );
  }, 60_000);

  it('refuses a recording whose parts are all one part repeated, naming the file', async () => {
    // One cycle of the recording (from a rising edge of cycle_active to the next), repeated with its own times and ids.
    const flag = rows.map((line) => line.split(',')[3]);
    const start = flag.findIndex((v, i) => i > 0 && v === '1' && flag[i - 1] === '0');
    const next = flag.findIndex((v, i) => i > start + 1 && v === '1' && flag[i - 1] === '0');
    const cycle = rows.slice(start, next).map((line) => line.split(','));
    const t0 = Number(cycle[0][0]);
    const step = Number(cycle[1][0]) - t0;
    const copies = Array.from({ length: 120 }, (_, p) =>
      cycle.map((cells, r) => [t0 + (p * cycle.length + r) * step, ...cells.slice(1, 4), p + 1, ...cells.slice(5)]),
    );
    const csv = join(dir, 'one-part.csv');
    await writeFile(csv, [header, ...copies.flat().map((cells) => cells.join(','))].join('\n') + '\n');
    const res = await quantize(model, csv, 'one-part');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      // The last copy's cycle is not seen to end (no rising edge after it): no part.
      `${csv}: all ${copies.length - 1} parts have the same curves (force, position), reading for reading: a replay or a copy`,
    );
  }, 60_000);

  it('refuses --hop for a part model, which is calibrated on each part (exit 2)', async () => {
    const res = await quantize(model, normal, 'hop', '--hop', '5');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`--hop 5: for a model of sliding windows; the model ${model} is a part model`);
  }, 60_000);

  it('refuses a part_curve model that records no cut without --cycle-channel, naming the flag', async () => {
    const bare = join(dir, 'bare');
    await quantize(model, normal, 'bare');
    const manifest = JSON.parse(await readFile(join(bare, 'manifest.json'), 'utf8'));
    delete manifest.training.parts;
    await writeFile(join(bare, 'manifest.json'), JSON.stringify(manifest));
    const res = await quantize(bare, normal, 'bare-out');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `--model ${bare}: a part model (normalisation part_curve) whose manifest records no cut (training.parts.window): ` +
        "name the asset's cycle window with --cycle-channel NAME",
    );
  }, 60_000);

  it('refuses a --cycle-channel other than the cut the model learnt', async () => {
    const res = await quantize(
      model,
      normal,
      'other-cut',
      '--cycle-channel',
      'part_counter',
      '--cycle-trigger',
      'counter',
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `--cycle-channel part_counter (counter): the model ${model} learnt parts cut by cycle_active (flag) (training.parts.window)`,
    );
  }, 60_000);
});

describe('quantize a continuous model', () => {
  it('writes what it wrote before this change, byte for byte', async () => {
    // The shipped pump-ae on a fixed recording: its 7 channels every 200 ms.
    const channels = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'];
    const base = [0.2, 0.27, 12, 400, 5, 45, 120];
    const lines = [`timestamp,${channels.join(',')}`];
    for (let i = 0; i < 1200; i++)
      lines.push(
        [
          1767592800000 + i * 200,
          ...base.map((b, j) =>
            (b * (1 + 0.05 * Math.sin(i * (0.07 + 0.013 * j)) + 0.01 * Math.cos(i * 0.31 * (j + 1)))).toFixed(5),
          ),
        ].join(','),
      );
    const csv = join(dir, 'pump.csv');
    await writeFile(csv, lines.join('\n') + '\n');
    const res = await quantize(join(ROOT, 'models/pump-ae'), csv, 'pump', '--hop', '5');
    expect(res.code, res.stderr).toBe(0);
    const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
    // The hashes of what quantize wrote at 336732a (before part models were calibrated on parts).
    expect(sha(await readFile(join(dir, 'pump', 'model.int8.onnx')))).toBe(
      '1d9c121264c8d44cb05a9423c955db1cb594e70b1c7b2aaada38fb120dc250d7',
    );
    const m = JSON.parse(await readFile(join(dir, 'pump', 'manifest.json'), 'utf8'));
    delete m.quantization.command; // names this run's folders
    expect(sha(JSON.stringify(m))).toBe('a5221be4a0077092b2c461eb753788d032087b93398e104d97f783a2af3a74db');
  }, 60_000);
});
