/** Assets running the same model share one session (their windows go into the same runs); the session's optimised
 * graph is cached. */
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Window } from '../../src/core/types.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { SharedModel } from '../../src/inference/shared-model.js';
import { optimisedModelPath } from '../../src/inference/onnx-session.js';
import { ROOT } from '../helpers/cli.js';

async function sharedPump() {
  const loaded = await loadManifest(join(ROOT, 'models/pump-ae'));
  const inner = await AutoencoderModel.load(loaded, { asset: 'pumps' });
  const runs: string[][] = [];
  const score = inner.score.bind(inner);
  // Records which assets' windows each session run carried (the real model scores them).
  inner.score = (windows) => {
    runs.push(windows.map((w) => w.asset));
    return score(windows);
  };
  const window = (asset: string, end: number, shift = 0): Window => ({
    asset,
    channels: inner.channels,
    length: inner.windowLength,
    start: end - 1,
    end,
    data: Float32Array.from(
      loaded.manifest.golden.input,
      (v, k) => v + shift * loaded.manifest.normalisation.std[k % inner.channels.length],
    ),
  });
  // The model's own score of the golden window on this CPU (int8 kernels differ a little between CPUs).
  const [own] = await inner.scoreRaw([loaded.manifest.golden.input]);
  return { inner, runs, window, golden: own.score };
}

describe('SharedModel', () => {
  it('scores windows of several assets in one run, each result with its own asset, in order', async () => {
    const { inner, runs, window, golden } = await sharedPump();
    const shared = new SharedModel(inner);
    const [a, b, c] = [shared.view(), shared.view(), shared.view()];
    const [ra, rb, rc] = await Promise.all([
      a.score([window('pump-1', 1), window('pump-1', 2)]),
      b.score([window('pump-2', 1, 8)]),
      c.score([window('pump-3', 1)]),
    ]);
    expect(runs).toEqual([['pump-1', 'pump-1', 'pump-2', 'pump-3']]);
    expect(ra.map((r) => [r.asset, r.ts])).toEqual([
      ['pump-1', 1],
      ['pump-1', 2],
    ]);
    expect(ra[0].score).toBeCloseTo(golden, 5);
    expect(rb[0].asset).toBe('pump-2');
    expect(rb[0].anomalous).toBe(true);
    expect(rc[0].anomalous).toBe(false);
    for (const v of [a, b, c]) await v.close();
  });

  it('windows arriving while a run is in flight wait only for that run, then go together', async () => {
    const { inner, runs, window } = await sharedPump();
    const shared = new SharedModel(inner);
    const [a, b] = [shared.view(), shared.view()];
    const first = a.score([window('pump-1', 1)]);
    await Promise.resolve(); // the first run has started
    const later = [a.score([window('pump-1', 2)]), b.score([window('pump-2', 1)]), b.score([window('pump-2', 2)])];
    await Promise.all([first, ...later]);
    expect(runs).toEqual([['pump-1'], ['pump-1', 'pump-2', 'pump-2']]);
    await a.close();
    await b.close();
  });

  it("closes the session when the last view closes (an asset's own threshold is its pipeline's: shared-sessions.e2e)", async () => {
    const { inner, window } = await sharedPump();
    const shared = new SharedModel(inner);
    const first = shared.view();
    const second = shared.view();
    const [s] = await first.score([window('pump-1', 1)]);
    expect([s.threshold, s.anomalous]).toEqual([inner.threshold, false]);
    await first.close();
    await first.close(); // idempotent: the other view keeps the session
    const [p] = await second.score([window('pump-2', 1)]);
    expect(p.anomalous).toBe(false);
    await second.close();
    await expect(inner.score([window('pump-2', 2)])).rejects.toThrow('Session already disposed.');
  });
});

describe('optimised-model cache', () => {
  it('saves the optimised graph on the first load and loads it on the next; a corrupt cache file is made again', async () => {
    const loaded = await loadManifest(join(ROOT, 'models/pump-ae'));
    const cacheDir = await mkdtemp(join(tmpdir(), 'lw-ort-cache-'));
    const warnings: string[] = [];
    const logger = {
      warn: (_: unknown, m: string) => warnings.push(m),
      info: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    } as never;
    const first = await AutoencoderModel.load(loaded, { asset: 'a', cacheDir, logger });
    expect(first.optimisedFromCache).toBe(false);
    await first.close();
    const file = optimisedModelPath(cacheDir, loaded.manifest.sha256);
    expect((await stat(file)).size).toBeGreaterThan(0);
    // The second load skips the optimiser; the golden window (checked at load) still scores right.
    const second = await AutoencoderModel.load(loaded, { asset: 'a', cacheDir, logger });
    expect(second.optimisedFromCache).toBe(true);
    await second.close();
    await writeFile(file, 'torn write');
    const third = await AutoencoderModel.load(loaded, { asset: 'a', cacheDir, logger });
    expect(third.optimisedFromCache).toBe(false);
    expect(warnings.join('\n')).toMatch(/cached optimised model .* does not load, making it again/);
    await third.close();
    expect((await readdir(cacheDir)).length).toBe(1);
  });

  it("removes this model's graphs cached under another key (an older onnxruntime, other settings), not other models'", async () => {
    const loaded = await loadManifest(join(ROOT, 'models/pump-ae'));
    const cacheDir = await mkdtemp(join(tmpdir(), 'lw-ort-cache-stale-'));
    const sha = loaded.manifest.sha256;
    const other = 'ab'.repeat(32);
    const kept = [`${other}.0123456789abcdef.ort.onnx`, `${sha}.notes.txt`];
    for (const name of [`${sha}.0123456789abcdef.ort.onnx`, ...kept]) await writeFile(join(cacheDir, name), 'old');
    const model = await AutoencoderModel.load(loaded, { asset: 'a', cacheDir });
    await model.close();
    expect((await readdir(cacheDir)).sort()).toEqual([basename(optimisedModelPath(cacheDir, sha)), ...kept].sort());
  });
});

describe('SharedModel isolation', () => {
  it('a bad window fails only its own asset, not the others in the same run', async () => {
    const { inner, window } = await sharedPump();
    const shared = new SharedModel(inner);
    const [a, b] = [shared.view(), shared.view()];
    const bad = window('pump-1', 1);
    bad.data[3] = Number.NaN;
    const [ra, rb] = await Promise.allSettled([a.score([bad]), b.score([window('pump-2', 1)])]);
    expect(ra.status).toBe('rejected');
    expect((ra as PromiseRejectedResult).reason.message).toMatch(/NaN or Inf/);
    expect(rb.status).toBe('fulfilled');
    expect((rb as PromiseFulfilledResult<{ asset: string }[]>).value[0].asset).toBe('pump-2');
    await a.close();
    await b.close();
  });
});
