/** The shipped models in models/ are what `linewatch train` writes, byte for byte (the CLI in a child process). */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/inference/manifest.js';
import { ROOT, runCli } from '../helpers/cli.js';

describe('the shipped models are reproducible', () => {
  it.each(['pump', 'press'])(
    '`linewatch train --model %s --seed 7` rebuilds the shipped model byte for byte',
    async (kind) => {
      const out = await mkdtemp(join(tmpdir(), 'lw-train-'));
      const res = await runCli(['train', '--model', kind, '--seed', '7', '--out', out], {}, 180_000);
      expect(res.code).toBe(0);
      const shipped = JSON.parse(await readFile(join(ROOT, `models/${kind}-ae/manifest.json`), 'utf8'));
      expect(sha256Hex(await readFile(join(out, 'model.int8.onnx')))).toBe(shipped.sha256);
      expect(sha256Hex(await readFile(join(out, 'model.fp32.onnx')))).toBe(shipped.fp32_sha256);
      expect(res.stderr).toMatch(/epoch +1\/60/);
    },
    180_000,
  );

  it('`linewatch train --model pump --arch conv1d --name pump-conv-ae --seed 7` rebuilds the shipped conv model byte for byte', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-train-conv-'));
    const res = await runCli(
      ['train', '--model', 'pump', '--arch', 'conv1d', '--name', 'pump-conv-ae', '--seed', '7', '--out', out],
      {},
      300_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const shipped = JSON.parse(await readFile(join(ROOT, 'models/pump-conv-ae/manifest.json'), 'utf8'));
    expect(sha256Hex(await readFile(join(out, 'model.int8.onnx')))).toBe(shipped.sha256);
    expect(sha256Hex(await readFile(join(out, 'model.fp32.onnx')))).toBe(shipped.fp32_sha256);
    expect(shipped.training.architecture).toMatch(/^conv1d 7ch x 20: conv 16, conv 8, deconv 16, deconv 7/);
  }, 300_000);

  it("`linewatch train --model pump --arch hybrid --seed 7` rebuilds the demo's pump-hybrid byte for byte", async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-train-hybrid-'));
    const res = await runCli(
      ['train', '--model', 'pump', '--arch', 'hybrid', '--seed', '7', '--out', out],
      {},
      120_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const shipped = JSON.parse(await readFile(join(ROOT, 'models/pump-hybrid/manifest.json'), 'utf8'));
    expect(sha256Hex(await readFile(join(out, 'model.int8.onnx')))).toBe(shipped.sha256);
    expect(sha256Hex(await readFile(join(out, 'model.fp32.onnx')))).toBe(shipped.fp32_sha256);
    expect(shipped.score.function).toBe('max_term_z');
    expect(shipped.training.data).toMatch(/^line simulator pump station, 1800 s of normal operation at 200 ms, seed 7/);
  }, 120_000);

  it('refuses hybrid and stats on the press, whose model scores one window per part, naming what works', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-train-press-'));
    const res = await runCli(['train', '--model', 'press', '--arch', 'stats', '--out', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      '--arch stats --model press: the press model scores one window per part; stats scores sliding windows of rows: use --model pump, or --arch dense or conv1d',
    );
  });
});
