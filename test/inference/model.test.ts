import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { ROOT } from '../helpers/cli.js';

const MODEL = join(ROOT, 'models/pump-ae');

async function copyModel(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-model-'));
  await cp(MODEL, dir, { recursive: true });
  return dir;
}

async function editManifest(dir: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8'));
  edit(m);
  await writeFile(path, JSON.stringify(m));
}

describe.each(['pump-ae', 'pump-conv-ae'])('the shipped int8 pump model %s', (name) => {
  const dir = join(ROOT, 'models', name);
  it('loads, reproduces its golden window and scores normal data below its threshold', async () => {
    const loaded = await loadManifest(dir);
    expect(loaded.manifest.quantization.weights).toMatch(/int8/);
    const model = await AutoencoderModel.load(loaded, { asset: 'pump-1' });
    const [golden] = await model.scoreRaw([loaded.manifest.golden.input]);
    expect(Math.abs(golden.score - loaded.manifest.golden.score)).toBeLessThanOrEqual(loaded.manifest.golden.tolerance);
    expect(golden.score).toBeLessThan(model.threshold);
    await model.close();
  });

  it('flags a window with a vibration step and names vibration as the top contributor', async () => {
    const loaded = await loadManifest(dir);
    const model = await AutoencoderModel.load(loaded, { asset: 'pump-1' });
    const channels = model.channels;
    const faulty = [...loaded.manifest.golden.input];
    const v1 = channels.indexOf('vibration_1');
    for (let t = 10; t < model.windowLength; t++) faulty[t * channels.length + v1] += 0.03;
    const [result] = await model.score([
      { asset: 'pump-1', channels, length: model.windowLength, start: 0, end: 19, data: Float32Array.from(faulty) },
    ]);
    expect(result.anomalous).toBe(true);
    expect(result.contributions[0].channel).toBe('vibration_1');
    expect(result.contributions.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 6);
    await model.close();
  });
});

describe('bad models are refused with a clear error naming the file', () => {
  it('a manifest that lies about the sha256', async () => {
    const dir = await copyModel();
    await editManifest(dir, (m) => (m.sha256 = '0'.repeat(64)));
    await expect(loadManifest(dir)).rejects.toThrow(
      new RegExp(`model file ${dir}/model.int8.onnx: sha256 [0-9a-f]{64} does not match the manifest's 0{64}`),
    );
  });

  it('a truncated ONNX file (hash updated to match)', async () => {
    const dir = await copyModel();
    const bytes = await readFile(join(dir, 'model.int8.onnx'));
    const cut = bytes.subarray(0, bytes.length >> 1);
    await writeFile(join(dir, 'model.int8.onnx'), cut);
    const { sha256Hex } = await import('../../src/inference/manifest.js');
    await editManifest(dir, (m) => (m.sha256 = sha256Hex(cut)));
    const loaded = await loadManifest(dir);
    await expect(AutoencoderModel.load(loaded, { asset: 'a' })).rejects.toThrow(
      new RegExp(`model file ${dir}/model.int8.onnx: onnxruntime cannot load it`),
    );
  });

  it('a manifest whose golden output does not match the model', async () => {
    const dir = await copyModel();
    await editManifest(dir, (m) => (m.golden.score = m.golden.score * 3 + 1));
    await expect(AutoencoderModel.load(await loadManifest(dir), { asset: 'a' })).rejects.toThrow(
      /golden window scored .* the manifest expects/,
    );
  });

  it('a manifest with a wrong input name', async () => {
    const dir = await copyModel();
    await editManifest(dir, (m) => (m.input.name = 'x'));
    await expect(AutoencoderModel.load(await loadManifest(dir), { asset: 'a' })).rejects.toThrow(
      /expected input "x" and outputs "score", "channel_error", the graph has inputs \[window\]/,
    );
  });

  it('a manifest with a missing field', async () => {
    const dir = await copyModel();
    await editManifest(dir, (m) => delete m.normalisation);
    await expect(loadManifest(dir)).rejects.toThrow(new RegExp(`model manifest ${dir}/manifest.json: normalisation: `));
  });

  it('normalisation that does not fit the channels', async () => {
    const dir = await copyModel();
    await editManifest(dir, (m) => m.normalisation.mean.pop());
    await expect(loadManifest(dir)).rejects.toThrow(/normalisation.mean: 6 values for 7 channels/);
  });

  it('NaN in a window is an error, not a score', async () => {
    const loaded = await loadManifest(MODEL);
    const model = await AutoencoderModel.load(loaded, { asset: 'a' });
    const input = [...loaded.manifest.golden.input];
    input[3] = Number.NaN;
    await expect(model.scoreRaw([loaded.manifest.golden.input, input])).rejects.toThrow(
      /input window 1 contains NaN or Inf/,
    );
    input[3] = Number.POSITIVE_INFINITY;
    await expect(model.scoreRaw([input])).rejects.toThrow(/input window 0 contains NaN or Inf/);
    await model.close();
  });
});
