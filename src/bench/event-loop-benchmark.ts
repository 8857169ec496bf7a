/**
 * event-loop: does inference delay polling? The event loop's delay (perf_hooks histogram, 1 ms
 * resolution) while the gateway's scoring path runs back to back on the shipped model (batches of
 * 1 and 64 windows), against the same loop with nothing to do. A poll timer fires late by about
 * this delay. LINEWATCH_BENCH_LOOP_MS sets each measurement's length (default 3000).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Window } from '../core/types.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest } from '../inference/manifest.js';
import type { Benchmark, BenchRow } from './harness.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/pump-ae', import.meta.url));

/** p99 and max event-loop delay (ms) while `work` runs for `ms`; `work` returns when told to stop. */
export async function loopDelay(
  ms: number,
  work: (running: () => boolean) => Promise<number>,
): Promise<{ p99: number; max: number; windows: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const until = performance.now() + ms;
  const windows = await work(() => performance.now() < until);
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, windows };
}

export const eventLoopBenchmark: Benchmark = {
  name: 'event-loop',
  description: 'event-loop delay (what a poll timer would see) while scoring back to back vs idle',
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_LOOP_MS ?? 3000);
    const loaded = await loadManifest(MODEL_DIR);
    const model = await AutoencoderModel.load(loaded, { asset: 'bench' });
    const window = (i: number): Window => ({
      asset: 'bench',
      channels: model.channels,
      length: model.windowLength,
      start: i,
      end: i,
      data: Float32Array.from(loaded.manifest.golden.input),
    });
    const idle = await loopDelay(ms, async (running) => {
      while (running()) await new Promise((r) => setTimeout(r, 50));
      return 0;
    });
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const batch of [1, 64]) {
      const windows = Array.from({ length: batch }, (_, i) => window(i));
      const busy = await loopDelay(ms, async (running) => {
        let n = 0;
        while (running()) {
          await model.score(windows);
          n += batch;
        }
        return n;
      });
      rows.push({ label: `p99 delay, scoring at batch ${batch} (ms)`, baseline: idle.p99, candidate: busy.p99 });
      rows.push({ label: `max delay, scoring at batch ${batch} (ms)`, baseline: idle.max, candidate: busy.max });
      notes.push(
        `batch ${batch}: ${Math.round((busy.windows * 1000) / ms).toLocaleString('en-US')} windows/s scored while measuring`,
      );
    }
    await model.close();
    return {
      name: 'event-loop',
      title: `event-loop delay while scoring back to back (${ms} ms each) vs an idle loop`,
      unit: 'ms',
      baselineName: 'idle',
      candidateName: 'scoring',
      better: 'lower',
      rows,
      notes: [
        ...notes,
        'onnxruntime-node runs session.run synchronously on the main thread (deferred by setImmediate): each run blocks the loop for its own length, bounded by the batch cap of 64 windows',
        'polling intervals are 100–1000 ms: a delay of a few ms does not move a poll',
      ],
    };
  },
};
