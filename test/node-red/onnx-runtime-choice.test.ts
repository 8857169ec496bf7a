/**
 * The palette package's choice of onnxruntime: native when it loads, WebAssembly otherwise, and
 * both give the shipped pump models' golden scores (the hybrid detector the example flows use, and the dense
 * autoencoder).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseOnnxRuntime, type OnnxRuntimeName } from '../../src/node-red/onnx-runtime-choice.js';
import { ROOT } from '../helpers/cli.js';

/** Node's error for a package that is not there, imported from the palette bundle's hashed chunk. */
const missing = (
  name: string,
  from = '/srv/node-red/node_modules/node-red-contrib-linewatch/dist/node-red/chunk-4N2B.mjs',
) => Object.assign(new Error(`Cannot find package '${name}' imported from ${from}`), { code: 'ERR_MODULE_NOT_FOUND' });
const without =
  (...absent: OnnxRuntimeName[]) =>
  (name: OnnxRuntimeName) =>
    absent.includes(name) ? Promise.reject(missing(name)) : import(name);

const PUMP_MODELS = ['pump-hybrid', 'pump-ae'] as const;
const manifestOf = (model: string) => JSON.parse(readFileSync(join(ROOT, 'models', model, 'manifest.json'), 'utf8'));

async function goldenScore(name: OnnxRuntimeName, model: string): Promise<number> {
  const { ort } = await chooseOnnxRuntime(
    without(...(['onnxruntime-node', 'onnxruntime-web'] as const).filter((n) => n !== name)),
  );
  const manifest = manifestOf(model);
  const session = await ort.InferenceSession.create(readFileSync(join(ROOT, 'models', model, manifest.file)), {
    executionProviders: ['cpu'],
  });
  const input = Float32Array.from(manifest.golden.input as number[]);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, input.length]) });
  await session.release();
  return (out.score.data as Float32Array)[0];
}

describe('chooseOnnxRuntime', () => {
  it('takes onnxruntime-node when it loads', async () => {
    const chosen = await chooseOnnxRuntime();
    expect({ name: chosen.name, skipped: chosen.skipped }).toEqual({ name: 'onnxruntime-node', skipped: [] });
  });

  it('falls back to onnxruntime-web, saying why onnxruntime-node was skipped', async () => {
    const chosen = await chooseOnnxRuntime(without('onnxruntime-node'));
    expect(chosen.name).toBe('onnxruntime-web');
    expect(chosen.skipped).toEqual(['onnxruntime-node: not installed']);
    expect(chosen.ort.env.versions).toHaveProperty('web');
  });

  it('names what an installed onnxruntime-node lacks, as Node says it', async () => {
    const lacking = missing('onnxruntime-common', '/srv/node-red/node_modules/onnxruntime-node/dist/index.js');
    const chosen = await chooseOnnxRuntime((name) =>
      name === 'onnxruntime-node' ? Promise.reject(lacking) : import(name),
    );
    expect(chosen.skipped).toEqual([
      "onnxruntime-node: Cannot find package 'onnxruntime-common' imported from " +
        '/srv/node-red/node_modules/onnxruntime-node/dist/index.js',
    ]);
  });

  it('skips a module that is not an onnxruntime', async () => {
    const chosen = await chooseOnnxRuntime((name) =>
      name === 'onnxruntime-node' ? Promise.resolve({ default: {} }) : import(name),
    );
    expect(chosen.skipped).toEqual([
      'onnxruntime-node: the module has no InferenceSession.create (not an onnxruntime package)',
    ]);
  });

  it('names both runtimes and the fix when neither loads', async () => {
    await expect(chooseOnnxRuntime(without('onnxruntime-node', 'onnxruntime-web'))).rejects.toThrow(
      'linewatch nodes: no onnxruntime to score with (onnxruntime-node: not installed; onnxruntime-web: not installed); ' +
        'reinstall node-red-contrib-linewatch (it depends on onnxruntime-web)',
    );
  });

  it.each(PUMP_MODELS)('gives the golden window of %s the manifest score on either runtime', async (model) => {
    const manifest = manifestOf(model);
    for (const name of ['onnxruntime-node', 'onnxruntime-web'] as const) {
      const score = await goldenScore(name, model);
      expect(Math.abs(score - manifest.golden.score), `${name} scored ${score} with ${model}`).toBeLessThanOrEqual(
        manifest.golden.tolerance,
      );
    }
  });
});
