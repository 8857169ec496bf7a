/**
 * shared-model: 20 assets running the same model, each scoring one window at a time in a closed
 * loop (as 20 asset pipelines do when windows come quickly): one session per asset (baseline)
 * vs the session pool's one shared session whose runs batch the assets' windows (what the daemon
 * does). Measured twice in one run: before and after a model update, which goes through the real
 * updater (a signed release served over HTTP, one notice for the 20 assets) so the figure shows
 * the sharing survives an update; the baseline after it is a session per asset of the release
 * (what the updater did before the pool). Reports windows/s, the latency of a window (p50, p99:
 * what batching adds) and the memory the sessions hold. LINEWATCH_BENCH_SHARED_MS sets each
 * round's length (default 1000).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Model } from '../core/components.js';
import { quantile } from '../core/quantile.js';
import type { Window } from '../core/types.js';
import { modelUpdatesSchema } from '../config/schema.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import { SessionPool } from '../inference/session-pool.js';
import { ModelUpdater } from '../sync/model-updater.js';
import { generateKeys, signRelease } from '../sync/release.js';
import { silentLogger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
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

/** Alternating rounds of the baseline and candidate models, after a warm-up of each. */
async function rounds(a: readonly Model[], b: readonly Model[], windows: readonly Window[], ms: number) {
  await closedLoops(a, windows, 200);
  await closedLoops(b, windows, 200);
  const baseline: Round[] = [];
  const candidate: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    baseline.push(await closedLoops(a, windows, ms));
    candidate.push(await closedLoops(b, windows, ms));
  }
  return { baseline, candidate };
}

/**
 * Updates the assets' models through the real updater: a signed release of the same model (a new
 * version) served over HTTP, one notice. Returns the assets' models after it, the release's
 * manifest and how many files were downloaded.
 */
async function update(
  pool: SessionPool,
  models: Model[],
): Promise<{ after: Model[]; release: LoadedManifest; downloads: number }> {
  const work = await mkdtemp(join(tmpdir(), 'lw-bench-update-'));
  const keys = await generateKeys(join(work, 'keys'));
  const dir = join(work, 'release');
  await cp(MODEL_DIR, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { version: string };
  manifest.version = '2.0.0-bench';
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await signRelease(dir, keys.privatePath, 1);
  let downloads = 0;
  const server = createServer((req, res) => {
    downloads++;
    const file = join(dir, (req.url ?? '/').split('?')[0]);
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end();
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const current = models.map((m, i) => ({ asset: `pump-${i + 1}`, model: m }));
  const updater = new ModelUpdater(
    modelUpdatesSchema.parse({
      public_key_file: keys.publicPath,
      mqtt: false,
      store_dir: join(work, 'store'),
      probation_s: 3600,
    }),
    undefined,
    {
      assetsRunning: (name) =>
        current.filter((c) => c.model.name === name).map((c) => ({ ...c, samplePeriodMs: c.model.samplePeriodMs })),
      currentModel: (asset) => current.find((c) => c.asset === asset)?.model,
      configuredModel: () => undefined, // no local rollback here
      swapModel: (asset, model) => {
        const c = current.find((x) => x.asset === asset)!;
        const previous = c.model;
        c.model = model;
        return previous;
      },
      runsEnded: async () => undefined, // scores nothing while it updates
      report: () => undefined,
    },
    { logger: silentLogger(), metrics: new GatewayMetrics(), pool },
  );
  await updater.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  updater.onNoticeText(JSON.stringify({ model: 'pump-ae', version: manifest.version, url }), 'benchmark');
  await updater.idle();
  // Confirming is not waited for: stop() closes the models kept for a rollback, as a confirmation does.
  await updater.stop();
  server.close();
  const release = await loadManifest(dir);
  await rm(work, { recursive: true, force: true });
  const after = current.map((c) => c.model);
  if (after.some((m) => m.version !== manifest.version)) throw new Error('shared-model: the update was not applied');
  return { after, release, downloads };
}

export const sharedModelBenchmark: Benchmark = {
  name: 'shared-model',
  description: `${ASSETS} assets on one model: a session each vs the pool's shared session, before and after a model update`,
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_SHARED_MS ?? 1000);
    const loaded = await loadManifest(MODEL_DIR);
    const before = memoryMb();
    const separate = await Promise.all(
      Array.from({ length: ASSETS }, (_, i) => AutoencoderModel.load(loaded, { asset: `pump-${i + 1}` })),
    );
    const separateMb = memoryMb() - before;
    const pool = new SessionPool();
    const views = await Promise.all(Array.from({ length: ASSETS }, () => pool.acquire(loaded)));
    const sharedMb = memoryMb() - before - separateMb;
    const windows = windowsFor(loaded, views[0].channels);
    const pre = await rounds(separate, views, windows, ms);
    for (const m of separate) await m.close();

    const sessionsBefore = pool.sessionsCreated;
    const { after, release, downloads } = await update(pool, views);
    const stats = pool.stats();
    const separateAfter = await Promise.all(
      Array.from({ length: ASSETS }, (_, i) => AutoencoderModel.load(release, { asset: `pump-${i + 1}` })),
    );
    const post = await rounds(separateAfter, after, windows, ms);
    for (const m of [...separateAfter, ...after]) await m.close();

    const rate = (rs: Round[]) => median(rs.map((r) => r.windowsPerS));
    const lat = (rs: Round[], q: number) => median(rs.map((r) => quantile(r.latenciesMs, q)));
    const ratio = (p: { baseline: Round[]; candidate: Round[] }) => (rate(p.candidate) / rate(p.baseline)).toFixed(2);
    const latency = (p: { baseline: Round[]; candidate: Round[] }) =>
      `a session each ${lat(p.baseline, 0.5).toFixed(3)} / ${lat(p.baseline, 0.99).toFixed(3)} ms; shared ${lat(p.candidate, 0.5).toFixed(3)} / ${lat(p.candidate, 0.99).toFixed(3)} ms`;
    return {
      name: this.name,
      title: `${ASSETS} assets, pump-ae int8, each scoring one window at a time in a closed loop; medians of ${ROUNDS} alternating rounds of ${ms} ms, before and after a model update`,
      unit: 'windows/s',
      baselineName: 'a session per asset',
      candidateName: 'one shared session (pool)',
      better: 'higher',
      rows: [
        {
          label: 'windows scored per second, all assets, before an update',
          baseline: rate(pre.baseline),
          candidate: rate(pre.candidate),
        },
        {
          label: 'windows scored per second, all assets, after an update',
          baseline: rate(post.baseline),
          candidate: rate(post.candidate),
        },
      ],
      notes: [
        `shared / separate ratio: before the update ${ratio(pre)}×, after it ${ratio(post)}×`,
        `the update (one notice for ${ASSETS} assets, through ModelUpdater): ${downloads} files downloaded, sessions created ${sessionsBefore} before and ${pool.sessionsCreated - sessionsBefore} by the update (the release carries the same model file); after it the pool holds ${stats.sessions} session(s), ${stats.models} checked model(s), ${stats.views} views`,
        `latency of a window, p50 / p99, before: ${latency(pre)}`,
        `latency of a window, p50 / p99, after: ${latency(post)}`,
        `memory (RSS growth): ${ASSETS} sessions ${separateMb.toFixed(1)} MB, one shared session ${sharedMb.toFixed(1)} MB`,
        'in the shared session a window waits at most for the run in flight; nothing waits for a batch to fill',
      ],
    };
  },
};
