/**
 * The shipped models in models/ are what `linewatch train` writes, byte for byte (the CLI in a child process):
 * the ONNX files and the whole manifest but the command line it records (its --out differs), so a detector change
 * that moves a calibration field cannot leave the demo running a model the code no longer writes.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/inference/manifest.js';
import { pressRecording } from '../../src/training/datasets.js';
import { ROOT, runCli } from '../helpers/cli.js';

/** The model folder `out` holds what models/<folder> ships: its ONNX files' hashes and its manifest, command aside. */
async function expectShipped(out: string, folder: string): Promise<Record<string, unknown>> {
  const shipped = JSON.parse(await readFile(join(ROOT, `models/${folder}/manifest.json`), 'utf8'));
  const written = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  expect(sha256Hex(await readFile(join(out, 'model.int8.onnx')))).toBe(shipped.sha256);
  expect(sha256Hex(await readFile(join(out, 'model.fp32.onnx')))).toBe(shipped.fp32_sha256);
  const withoutCommand = (m: { training: Record<string, unknown> }) => ({
    ...m,
    training: { ...m.training, command: undefined },
  });
  expect(withoutCommand(written), `models/${folder}/manifest.json is stale: run npm run model:build`).toEqual(
    withoutCommand(shipped),
  );
  return shipped;
}

describe('the shipped models are reproducible', () => {
  it.each(['pump', 'press'])(
    '`linewatch train --model %s --seed 7` rebuilds the shipped model byte for byte',
    async (kind) => {
      const out = await mkdtemp(join(tmpdir(), 'lw-train-'));
      const res = await runCli(['train', '--model', kind, '--seed', '7', '--out', out], {}, 180_000);
      expect(res.code).toBe(0);
      await expectShipped(out, `${kind}-ae`);
      expect(res.stderr).toMatch(/epoch +1\/60/);
    },
    180_000,
  );

  it("the shipped press-ae is the part model `train --csv --cycle-channel` fits on the simulator's recording", async () => {
    // The same recording `linewatch dataset --preset press` writes (pressRecording), read back from a file.
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-press-csv-'));
    const csv = join(dir, 'press.csv');
    await writeFile(csv, pressRecording(7).text);
    const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'];
    const args = [
      'train',
      '--csv',
      csv,
      ...cut,
      '--period-ms',
      '200',
      '--seed',
      '7',
      '--name',
      'press-ae',
      '--out',
      join(dir, 'm'),
    ];
    const res = await runCli(args, {}, 180_000);
    expect(res.code, res.stderr).toBe(0);
    const shipped = JSON.parse(await readFile(join(ROOT, 'models/press-ae/manifest.json'), 'utf8'));
    expect(sha256Hex(await readFile(join(dir, 'm/model.int8.onnx')))).toBe(shipped.sha256);
    expect(shipped.normalisation.method).toBe('part_curve');
    // The recording carries the register map's units row, as an export's does: the model says them (Grafana).
    expect(shipped.input.channels).toEqual([
      { name: 'force', unit: 'kN' },
      { name: 'position', unit: 'mm' },
    ]);
    // The demo's asset cuts its parts as the model learned them (validate checks it against this record).
    expect(shipped.training.parts.window).toEqual({
      type: 'cycle',
      trigger_channel: 'cycle_active',
      trigger: 'flag',
      part_id_channel: 'part_counter',
      min_samples: 5,
      max_samples: 10_000,
    });
  }, 180_000);

  it('`linewatch train --model pump --arch conv1d --name pump-conv-ae --seed 7` rebuilds the shipped conv model byte for byte', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-train-conv-'));
    const res = await runCli(
      ['train', '--model', 'pump', '--arch', 'conv1d', '--name', 'pump-conv-ae', '--seed', '7', '--out', out],
      {},
      300_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const shipped = await expectShipped(out, 'pump-conv-ae');
    expect((shipped.training as { architecture: string }).architecture).toMatch(
      /^conv1d 7ch x 20: conv 16, conv 8, deconv 16, deconv 7/,
    );
  }, 300_000);

  it("`linewatch train --model pump --arch hybrid --seed 7` rebuilds the demo's pump-hybrid byte for byte", async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-train-hybrid-'));
    const res = await runCli(
      ['train', '--model', 'pump', '--arch', 'hybrid', '--seed', '7', '--out', out],
      {},
      120_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const shipped = (await expectShipped(out, 'pump-hybrid')) as {
      score: { function: string; clear_threshold?: number };
      training: { data: string };
    };
    expect(shipped.score.function).toBe('max_term_z');
    expect(shipped.score.clear_threshold).toBeTypeOf('number');
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
