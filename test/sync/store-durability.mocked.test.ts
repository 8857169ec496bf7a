/**
 * The model store survives a power cut: what it records (the confirmed release, the versions rolled back, the release
 * on probation) and the release folders are on the disk before they take their place, and the folder they are renamed
 * into is synced after; otherwise a restart after a power cut may find a record empty (a confirmed release forgotten,
 * and with it the sequence a release must be above) or a release folder without its files. Every open file's sync
 * and every rename is logged here, in order.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelManifest } from '../../src/inference/manifest.js';
import { ModelStore } from '../../src/sync/model-store.js';
import { storeRelease } from '../../src/sync/release-download.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const ops = vi.hoisted(() => [] as string[]);

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (path: string, ...rest: []) => {
    const handle = await fs.open(path, ...rest);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      await sync();
      ops.push(`sync ${path}`);
    };
    return handle;
  }) as typeof fs.open;
  const rename = (async (from: string, to: string) => {
    await fs.rename(from, to);
    ops.push(`rename ${from} → ${to}`);
  }) as typeof fs.rename;
  return { ...fs, open, rename, default: { ...fs, open, rename } };
});

let dir: string;
/** The operations logged, paths relative to the store, a release's temporary folder as `.incoming-*`. */
const logged = () =>
  ops.splice(0).map((op) => op.replaceAll(`${dir}/`, '').replace(/\.incoming-[0-9a-f]+/g, '.incoming-*'));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-store-sync-'));
  ops.length = 0;
});

describe('the model store, across a power cut', () => {
  it('syncs each record before it is renamed over the one before, and its folder after', async () => {
    const store = new ModelStore(dir, silentLogger());
    const recorded = (file: string) => [
      `sync pump-1/${file}.tmp`,
      `rename pump-1/${file}.tmp → pump-1/${file}`,
      'sync pump-1',
    ];
    await store.markProbation('pump-1', 'pump-ae', '2.0.0');
    expect(logged()).toEqual(recorded('probation.json'));
    await store.recordRolledBack('pump-1', '2.0.0');
    expect(logged()).toEqual(recorded('rolled-back.json'));
    const release = { version: '2.1.0', dir: join(dir, 'pump-1', '2.1.0'), sequence: 3, sha256: 'ab' };
    await store.recordConfirmed('pump-1', release, () => undefined);
    expect(logged()).toEqual(recorded('active.json'));
  });

  it("syncs a release's files and folder before it is renamed into place, and the asset's folder after", async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    const files = { manifest: bytes('{}'), signature: bytes('sig'), model: bytes('onnx'), origin: 'test' };
    const signed = { version: '2.0.0', file: 'model.int8.onnx' } as ModelManifest;
    await storeRelease(dir, 'pump-1', files, signed);
    expect(logged()).toEqual([
      'sync pump-1/.incoming-*/manifest.json',
      'sync pump-1/.incoming-*/manifest.sig',
      'sync pump-1/.incoming-*/model.int8.onnx',
      'sync pump-1/.incoming-*',
      'rename pump-1/.incoming-* → pump-1/2.0.0',
      'sync pump-1',
    ]);
  });
});
