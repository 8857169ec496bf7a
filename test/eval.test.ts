/** `linewatch eval` on the real SKAB data, its causality, and its bad inputs. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { evaluateFile } from '../src/eval/skab-eval.js';
import { statsDetectorGraph, statsFeatures } from '../src/training/export-stats.js';
import { encodeOnnxModel } from '../src/training/onnx-writer.js';
import { ROOT, runCli } from './helpers/cli.js';

const SKAB = join(ROOT, 'data/skab');

describe('linewatch eval on SKAB (34 labelled files, N = 400, causal)', () => {
  it('reproduces its figures: F1 ≥ 0.82 at FAR ≤ 10 %, NAB standard ≥ 35, int8 and fp32 within 0.01 F1', async () => {
    const res = await runCli(['eval', '--data', SKAB, '--train-rows', '400', '--precision', 'both', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { reports: { precision: string; files: number; f1: number; far: number; nab: { standard: number } }[]; f1_difference: number };
    const int8 = out.reports.find((r) => r.precision === 'int8')!;
    process.stdout.write(`eval: ${out.reports.map((r) => `${r.precision} F1 ${r.f1.toFixed(3)} FAR ${r.far.toFixed(2)} NAB ${r.nab.standard.toFixed(1)}`).join('; ')}\n`);
    expect(int8.files).toBe(34);
    expect(out.f1_difference).toBeLessThanOrEqual(0.01);
    expect(int8.far).toBeLessThanOrEqual(10);
    expect(int8.nab.standard).toBeGreaterThanOrEqual(35);
    expect(int8.f1).toBeGreaterThanOrEqual(0.82);
  });

  it('is causal: changing the future does not change any earlier prediction', async () => {
    const file = join(SKAB, 'valve1/3.csv');
    const text = await readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    const cut = 700;
    // Replace every row after the cut with a wild value in every channel.
    const changed = lines.map((l, i) => (i <= cut ? l : l.split(';').map((v, j, all) => (j === 0 || j >= all.length - 2 ? v : String(Number(v) * 3 + 1))).join(';')));
    const dir = await mkdtemp(join(tmpdir(), 'lw-causal-'));
    await writeFile(join(dir, 'changed.csv'), changed.join('\n'));
    const a = await evaluateFile(file, 400, 'int8');
    const b = await evaluateFile(join(dir, 'changed.csv'), 400, 'int8');
    expect(Array.from(b.predictions.subarray(0, cut))).toEqual(Array.from(a.predictions.subarray(0, cut)));
    expect(Array.from(b.predictions)).not.toEqual(Array.from(a.predictions));
  });

  it('names the problem when there is nothing to evaluate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-empty-'));
    const none = await runCli(['eval', '--data', dir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${dir}: no labelled CSV files (SKAB format with an "anomaly" column)`);
    const tooMany = await runCli(['eval', '--data', join(SKAB, 'valve2'), '--train-rows', '5000']);
    expect(tooMany.stderr).toMatch(/valve2\/0\.csv: --train-rows 5000 leaves no rows to evaluate \(the file has \d+\)/);
    const badPrecision = await runCli(['eval', '--data', SKAB, '--precision', 'int4']);
    expect(badPrecision.stderr).toBe('linewatch: --precision int4: expected int8, fp32 or both\n'); // a message, not a stack trace
    const typo = await runCli(['eval', '--data', SKAB, '--slow-channels', 'Temperature,Thermocuple']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^linewatch: --slow-channels: Thermocuple: no such column in the files under .*skab \(columns: datetime, Accelerometer1RMS/);
  });
});

describe('the statistical detector graph', () => {
  it('computes in onnxruntime the features documented in JS: level z, and change z for slow channels', async () => {
    const c = 3;
    const W = 8;
    const rows = Float64Array.from({ length: W * c }, (_, i) => Math.sin(i) * 10 + i);
    const slow = [false, true, false];
    const layout = { channels: c, windowLength: W, k: 3, lag: 4, slow, centre: [1, 2, 3], sd: [2, 0.5, 4], weight: [1, 0.5, 1] };
    const bytes = encodeOnnxModel(statsDetectorGraph('t', layout), { producerName: 't', producerVersion: '0', opset: 13 });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ window: new ort.Tensor('float32', Float32Array.from(rows), [1, W * c]) });
    const f = statsFeatures(rows, W - 1, c, 3, 4, slow);
    const expected = [0, 1, 2].map((ch) => (layout.weight[ch] * Math.abs(f[ch] - layout.centre[ch])) / layout.sd[ch]);
    Array.from(out.channel_error.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
    expect((out.score.data as Float32Array)[0]).toBeCloseTo(Math.max(...expected), 3);
    await session.release();
  });

  it('adds a long level for level channels: the larger of the short z and the weighted long z, never for slow channels', async () => {
    const c = 3;
    const W = 10;
    const rows = Float64Array.from({ length: W * c }, (_, i) => Math.cos(i) * 5 + i / 2);
    const slow = [false, true, false];
    const none = [false, false, false];
    const long = { k: 10, centre: [0, 0, 0], sd: [0.1, 0.1, 0.1], weight: 0.5 };
    const layout = { channels: c, windowLength: W, k: 3, lag: 4, slow, centre: [1, 2, 3], sd: [2, 0.5, 4], weight: [1, 0.5, 1], long };
    const bytes = encodeOnnxModel(statsDetectorGraph('t', layout), { producerName: 't', producerVersion: '0', opset: 13 });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ window: new ort.Tensor('float32', Float32Array.from(rows), [1, W * c]) });
    const short = statsFeatures(rows, W - 1, c, 3, 4, slow);
    const level = statsFeatures(rows, W - 1, c, 10, 0, none);
    const expected = [0, 1, 2].map((ch) => {
      const zShort = Math.abs(short[ch] - layout.centre[ch]) / layout.sd[ch];
      const zLong = slow[ch] ? 0 : (long.weight * Math.abs(level[ch] - long.centre[ch])) / long.sd[ch];
      return layout.weight[ch] * Math.max(zShort, zLong);
    });
    // The long level decides channels 0 and 2 here: the test would not see it otherwise.
    expect(expected[0]).toBeGreaterThan(Math.abs(short[0] - 1) / 2);
    Array.from(out.channel_error.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
    await session.release();
  });
});
