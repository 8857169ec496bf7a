/**
 * shared-model: 20 assets running the same model, each scoring one window at a time in a closed
 * loop (as 20 asset pipelines do when windows come quickly): one session per asset (baseline)
 * vs one shared session whose runs batch the assets' windows (what the daemon does). Reports
 * windows/s, the latency of a window (p50, p99: what batching adds) and the memory the sessions
 * hold. LINEWATCH_BENCH_SHARED_MS sets each round's length (default 1000).
 */
import { fileURLToPath } from 'node:url';
import type { Model } from '../core/components.js';
import { quantile } from '../core/quantile.js';
import type { Window } from '../core/types.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import { SharedModel } from '../inference/shared-model.js';
import { median, type Benchmark } from './harness.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/pump-ae', import.meta.url));
const ASSETS = 20;
const ROUNDS = 3;

interface Round {
  readonly windowsPerS: number;
  readonly latenciesMs: number[];
}

/** Every asset scores its window again as soon as the last one is back, for `ms`. */
async function closedLoops(models: readonly Model[], windows: readonly Window[], ms: number): Promise<Round> {
  const latenciesMs: number[] = [];
  let count = 0;
  const end = performance.now() + ms;
  await Promise.all(
    models.map(async (model, i) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await model.score([windows[i]]);
        latenciesMs.push(performance.now() - t0);
        count++;
      }
    }),
  );
  return { windowsPerS: (count * 1000) / ms, latenciesMs };
}

function windowsFor(loaded: LoadedManifest, channels: readonly string[]): Window[] {
  return Array.from({ length: ASSETS }, (_, i) => ({
    asset: `pump-${i + 1}`,
    channels,
    length: loaded.manifest.input.window_length,
    start: 0,
    end: 1,
    data: Float32Array.from(loaded.manifest.golden.input),
  }));
}

/** Heap and native memory after a full GC, in MB. */
function memoryMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1e6;
}

export const sharedModelBenchmark: Benchmark = {
  name: 'shared-model',
  description: `${ASSETS} assets on one model: a session each vs one shared session with cross-asset micro-batches`,
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_SHARED_MS ?? 1000);
    const loaded = await loadManifest(MODEL_DIR);
    const before = memoryMb();
    const separate = await Promise.all(
      Array.from({ length: ASSETS }, (_, i) => AutoencoderModel.load(loaded, { asset: `pump-${i + 1}` })),
    );
    const separateMb = memoryMb() - before;
    const inner = await AutoencoderModel.load(loaded, { asset: 'pumps' });
    const shared = new SharedModel(inner);
    const views = Array.from({ length: ASSETS }, () => shared.view());
    const sharedMb = memoryMb() - before - separateMb;
    const windows = windowsFor(loaded, inner.channels);
    await closedLoops(separate, windows, 200);
    await closedLoops(views, windows, 200);
    const a: Round[] = [];
    const b: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      a.push(await closedLoops(separate, windows, ms));
      b.push(await closedLoops(views, windows, ms));
    }
    for (const m of [...separate, ...views]) await m.close();
    const rate = (rs: Round[]) => median(rs.map((r) => r.windowsPerS));
    const lat = (rs: Round[], q: number) => median(rs.map((r) => quantile(r.latenciesMs, q)));
    return {
      name: this.name,
      title: `${ASSETS} assets, pump-ae int8, each scoring one window at a time in a closed loop; medians of ${ROUNDS} alternating rounds of ${ms} ms`,
      unit: 'windows/s',
      baselineName: 'a session per asset',
      candidateName: 'one shared session',
      better: 'higher',
      rows: [{ label: 'windows scored per second, all assets', baseline: rate(a), candidate: rate(b) }],
      notes: [
        `latency of a window, p50 / p99: a session each ${lat(a, 0.5).toFixed(3)} / ${lat(a, 0.99).toFixed(3)} ms; shared ${lat(b, 0.5).toFixed(3)} / ${lat(b, 0.99).toFixed(3)} ms`,
        `memory (RSS growth): ${ASSETS} sessions ${separateMb.toFixed(1)} MB, one shared session ${sharedMb.toFixed(1)} MB`,
        'in the shared session a window waits at most for the run in flight; nothing waits for a batch to fill',
      ],
    };
  },
};
