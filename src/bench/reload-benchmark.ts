/**
 * model-reload: load and release the shipped int8 model 1,000 times (as model updates and
 * rollbacks do over a gateway's life) and compare the process's resident memory after the first
 * 20 reloads (baseline) with after all 1,000 (onnxruntime #25325 reports a leak there).
 */
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest } from '../inference/manifest.js';
import type { Benchmark } from './harness.js';
import { fileURLToPath } from 'node:url';

const MODEL_DIR = fileURLToPath(new URL('../../models/pump-ae', import.meta.url));

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}

export const modelReloadBenchmark: Benchmark = {
  name: 'model-reload',
  description: 'resident memory after 1,000 model load/release cycles vs after 20',
  async run() {
    const loaded = await loadManifest(MODEL_DIR);
    const total = Number(process.env.LINEWATCH_BENCH_RELOADS ?? 1000);
    const cycle = async () => {
      const model = await AutoencoderModel.load(loaded, { asset: 'bench' });
      await model.scoreRaw([loaded.manifest.golden.input]);
      await model.close();
    };
    for (let i = 0; i < 20; i++) await cycle();
    const after20 = rssMb();
    const started = performance.now();
    for (let i = 20; i < total; i++) await cycle();
    const elapsed = performance.now() - started;
    const afterAll = rssMb();
    return {
      name: this.name,
      title: `resident memory (MB) of this process, ${total} load + golden run + release cycles of pump-ae int8${(globalThis as { gc?: unknown }).gc ? ', GC forced before each reading' : ''}`,
      unit: 'MB',
      baselineName: 'after 20 reloads',
      candidateName: `after ${total} reloads`,
      better: 'lower',
      rows: [{ label: 'RSS', baseline: after20, candidate: afterAll }],
      notes: [
        `growth ${(afterAll - after20).toFixed(1)} MB over ${total - 20} reloads (${(((afterAll - after20) * 1024) / (total - 20)).toFixed(1)} kB per reload); ${(elapsed / (total - 20)).toFixed(1)} ms per reload`,
      ],
    };
  },
};
