/** The session pool: one session per model file, one checked model per manifest, reference counted. */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/core/errors.js';
import type { Window } from '../../src/core/types.js';
import { loadManifest, sha256Hex, type LoadedManifest } from '../../src/inference/manifest.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { ROOT } from '../helpers/cli.js';

let pump: LoadedManifest;

beforeAll(async () => {
  pump = await loadManifest(join(ROOT, 'models/pump-ae'));
});

/** The same model file under another manifest (a release that only changes version and threshold). */
function recalibrated(version: string, threshold: number): LoadedManifest {
  return { ...pump, manifest: { ...pump.manifest, version, score: { ...pump.manifest.score, threshold } } };
}

function golden(asset: string, channels: readonly string[]): Window {
  return {
    asset,
    channels,
    length: pump.manifest.input.window_length,
    start: 0,
    end: 1,
    data: Float32Array.from(pump.manifest.golden.input),
  };
}

describe('SessionPool', () => {
  it('gives every user of one manifest a view of one session and one checked model', async () => {
    const pool = new SessionPool();
    const [a, b, c] = await Promise.all([pool.acquire(pump), pool.acquire(pump), pool.acquire(pump)]);
    expect(pool.sessionsCreated).toBe(1);
    expect(pool.stats()).toEqual({ sessions: 1, models: 1, views: 3 });
    const [ra, rb] = await Promise.all([
      a.score([golden('pump-1', a.channels)]),
      b.score([golden('pump-2', b.channels)]),
    ]);
    expect([ra[0].asset, rb[0].asset]).toEqual(['pump-1', 'pump-2']);
    expect(Math.abs(ra[0].score - pump.manifest.golden.score)).toBeLessThanOrEqual(pump.manifest.golden.tolerance);
    await a.close();
    await a.close(); // idempotent: one close, one release
    expect(pool.stats()).toEqual({ sessions: 1, models: 1, views: 2 });
    await b.close();
    await c.close();
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  });

  it('runs two manifests of the same model file on one session, each with its own version and threshold', async () => {
    const pool = new SessionPool();
    const old = await pool.acquire(pump);
    const next = await pool.acquire(recalibrated('1.1.0', 0.5));
    expect(pool.stats()).toEqual({ sessions: 1, models: 2, views: 2 });
    expect(pool.sessionsCreated).toBe(1);
    const [r] = await next.score([golden('pump-1', next.channels)]);
    expect(r).toMatchObject({ modelVersion: '1.1.0', threshold: 0.5 });
    await old.close();
    expect(pool.stats()).toEqual({ sessions: 1, models: 1, views: 1 });
    expect((await next.score([golden('pump-1', next.channels)]))[0].modelVersion).toBe('1.1.0');
    await next.close();
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  });

  it('loads a model again after its last user released it', async () => {
    const pool = new SessionPool();
    await (await pool.acquire(pump)).close();
    const again = await pool.acquire(pump);
    expect(pool.sessionsCreated).toBe(2);
    expect((await again.score([golden('pump-1', again.channels)]))[0].model).toBe('pump-ae');
    await again.close();
  });

  it('refuses a manifest whose golden window does not reproduce with MODEL_GOLDEN_MISMATCH, keeping nothing of it', async () => {
    const pool = new SessionPool();
    const good = await pool.acquire(pump);
    const bad: LoadedManifest = {
      ...pump,
      manifest: { ...pump.manifest, version: 'bad', golden: { ...pump.manifest.golden, score: 99 } },
    };
    const err = await pool.acquire(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('MODEL_GOLDEN_MISMATCH');
    expect((err as Error).message).toMatch(/golden window scored [\d.e-]+, the manifest expects 99 ± /);
    expect(pool.stats()).toEqual({ sessions: 1, models: 1, views: 1 });
    await good.close();
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  });

  it('refuses bytes onnxruntime cannot load with MODEL_UNLOADABLE naming the file', async () => {
    const pool = new SessionPool();
    const garbage = randomBytes(2048);
    const loaded: LoadedManifest = {
      ...pump,
      modelPath: '/releases/garbage/model.int8.onnx',
      modelBytes: garbage,
      manifest: { ...pump.manifest, sha256: sha256Hex(garbage) },
    };
    const err = await pool.acquire(loaded).catch((e: unknown) => e);
    expect((err as ModelError).code).toBe('MODEL_UNLOADABLE');
    expect((err as Error).message).toMatch(
      /^model file \/releases\/garbage\/model\.int8\.onnx: onnxruntime cannot load it/,
    );
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  });
});
