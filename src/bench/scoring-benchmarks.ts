/**
 * Scoring benchmarks on the shipped models:
 *   scoring-pipeline  the gateway's whole scoring path (windows → tensor → run → results with
 *                     ranked contributions) vs a raw session.run on a pre-built tensor (the pump's models and the
 *                     demo's press model).
 *   int8-vs-fp32      the int8 QDQ model vs its fp32 twin: file size and throughput.
 *   model-load        loading a model with the optimiser vs from the optimised-model cache.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Window } from '../core/types.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import { createSession, ort } from '../inference/onnx-session.js';
import { SeededRandom } from '../core/random.js';
import { median, sideBySide, throughput, type Benchmark, type BenchRow } from './harness.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/pump-ae', import.meta.url));
/** The demo's and the example flows' model: the hybrid detector. */
const HYBRID_MODEL_DIR = fileURLToPath(new URL('../../models/pump-hybrid', import.meta.url));
const CONV_MODEL_DIR = fileURLToPath(new URL('../../models/pump-conv-ae', import.meta.url));
/** The demo's press model: one window per part. */
const PRESS_MODEL_DIR = fileURLToPath(new URL('../../models/press-ae', import.meta.url));
const BATCHES = [1, 16, 64];
const ROUND_MS = 400;

/** Windows as the gateway builds them: the channel list is the model's own array. */
export function windowsFrom(
  loaded: LoadedManifest,
  n: number,
  channels: readonly string[] = loaded.manifest.input.channels.map((c) => c.name),
): Window[] {
  const rng = new SeededRandom(3);
  const m = loaded.manifest;
  return Array.from({ length: n }, (_, i) => ({
    asset: 'bench',
    channels,
    length: m.input.window_length,
    start: i,
    end: i + 1,
    data: Float32Array.from(
      m.golden.input,
      (v, k) => v + 0.01 * m.normalisation.std[k % channels.length] * rng.normal(),
    ),
  }));
}

function tensorFor(loaded: LoadedManifest, windows: readonly Window[]): ort.Tensor {
  const d = windows[0].data.length;
  const x = new Float32Array(windows.length * d);
  windows.forEach((w, i) => x.set(w.data, i * d));
  return new ort.Tensor('float32', x, [windows.length, d]);
}

export const scoringPipeline: Benchmark = {
  name: 'scoring-pipeline',
  description: 'gateway scoring path vs raw session.run on pre-built tensors (same model, batch, threads)',
  async run() {
    const rows: BenchRow[] = [];
    for (const dir of [HYBRID_MODEL_DIR, MODEL_DIR, PRESS_MODEL_DIR]) {
      const loaded = await loadManifest(dir);
      const model = await AutoencoderModel.load(loaded, { asset: 'bench' });
      const { session } = await createSession(loaded.modelBytes);
      for (const batch of BATCHES) {
        const windows = windowsFrom(loaded, batch, model.channels);
        const feeds = { [loaded.manifest.input.name]: tensorFor(loaded, windows) };
        await throughput(() => session.run(feeds), 100, batch);
        await throughput(() => model.score(windows), 100, batch);
        const r = await sideBySide(
          () => throughput(() => session.run(feeds), ROUND_MS, batch),
          () => throughput(() => model.score(windows), ROUND_MS, batch),
        );
        rows.push({ label: `${loaded.manifest.name} batch ${batch}`, ...r });
      }
      await model.close();
      await session.release();
    }
    return {
      name: this.name,
      title: 'windows/s, pump-hybrid, pump-ae and press-ae int8, CPU execution provider, 1 intra-op thread',
      unit: 'windows/s',
      baselineName: 'raw session.run',
      candidateName: 'linewatch pipeline',
      better: 'higher',
      rows,
      notes: [
        'target ≥ 0.80×; the pipeline adds packing windows into a tensor, result objects and ranked contributions (normalisation and scoring run inside the graph in both)',
      ],
    };
  },
};

export const int8VsFp32: Benchmark = {
  name: 'int8-vs-fp32',
  description: 'int8 QDQ models vs their fp32 twins (dense and 1-D conv): size and throughput',
  async run() {
    const rows: BenchRow[] = [];
    for (const dir of [MODEL_DIR, CONV_MODEL_DIR]) {
      const loaded = await loadManifest(dir);
      const tag = loaded.manifest.name;
      const fp32Bytes = await readFile(join(dirname(loaded.modelPath), loaded.manifest.fp32_file!));
      const int8 = (await createSession(loaded.modelBytes)).session;
      const fp32 = (await createSession(fp32Bytes)).session;
      rows.push({
        label: `${tag}: model size (bytes, lower is better → ratio < 1 wins)`,
        baseline: fp32Bytes.length,
        candidate: loaded.modelBytes.length,
      });
      for (const batch of [1, 64]) {
        const feeds = { [loaded.manifest.input.name]: tensorFor(loaded, windowsFrom(loaded, batch)) };
        await throughput(() => int8.run(feeds), 100, batch);
        await throughput(() => fp32.run(feeds), 100, batch);
        const r = await sideBySide(
          () => throughput(() => fp32.run(feeds), ROUND_MS, batch),
          () => throughput(() => int8.run(feeds), ROUND_MS, batch),
        );
        rows.push({ label: `${tag}: windows/s at batch ${batch}`, ...r });
      }
      await int8.release();
      await fp32.release();
    }
    return {
      name: this.name,
      title: 'pump-ae (dense) and pump-conv-ae (1-D conv): fp32 (baseline) vs int8 QDQ (candidate), CPU, 1 thread',
      unit: 'bytes or windows/s',
      baselineName: 'fp32',
      candidateName: 'int8',
      better: 'higher',
      rows,
      notes: [
        'size rows: a ratio below 1 means int8 is smaller; throughput rows: above 1 means int8 is faster',
        'this CPU class (AVX2, no VNNI) gains little speed from int8 on models this small; the per-call overhead dominates',
      ],
    };
  },
};

export const modelLoadBenchmark: Benchmark = {
  name: 'model-load',
  description:
    'loading a model (session, golden-window check) with onnxruntime optimising the graph vs its optimised graph from the cache',
  async run() {
    const loaded = await loadManifest(MODEL_DIR);
    const cacheDir = await mkdtemp(join(tmpdir(), 'lw-bench-cache-'));
    const load = async (cache: boolean) => {
      const t0 = performance.now();
      const model = await AutoencoderModel.load(loaded, { asset: 'bench', ...(cache ? { cacheDir } : {}) });
      const ms = performance.now() - t0;
      await model.close();
      return ms;
    };
    await load(true); // writes the cache file
    const times = { plain: [] as number[], cached: [] as number[] };
    for (let i = 0; i < 40; i++) {
      times.plain.push(await load(false));
      times.cached.push(await load(true));
    }
    await rm(cacheDir, { recursive: true, force: true });
    return {
      name: this.name,
      title: 'pump-ae int8: AutoencoderModel.load, median of 40 alternating loads (ms, lower is better)',
      unit: 'ms',
      baselineName: 'optimised at load',
      candidateName: 'optimised graph from the cache',
      better: 'lower',
      rows: [
        { label: 'load (session + golden window)', baseline: median(times.plain), candidate: median(times.cached) },
      ],
      notes: [
        'the cache is on by default in the daemon (inference.cache_dir, default <data_dir>/model-cache); a tiny model loads fast either way, the optimiser share grows with the model',
      ],
    };
  },
};
