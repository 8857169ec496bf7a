/**
 * Regression: files on this machine that the gateway reads as hostile were read through whatever they are. A release
 * folder (a confirmed release verified again at start or for a local rollback, a folder `model verify` and `model
 * publish` check) with a FIFO in place of its model file blocked the read for ever (and the start with it); a link to
 * /dev/zero read until the memory gave out (its size says 0, so the cap passed it). The store's rolled-back.json and
 * probation.json, read at every start, the same. Each is now opened without waiting and read only where it is a
 * regular file. Real files, real FIFOs (mkfifo), the shipped pump-ae model signed with a fresh key.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readProbationMark } from '../../src/sync/interrupted-probation.js';
import { readRolledBack } from '../../src/sync/model-store.js';
import { generateKeys, readPublicKeys, signRelease, verifySigned } from '../../src/sync/release.js';
import { DownloadTooLarge, readReleaseDir } from '../../src/sync/release-reader.js';
import { ROOT } from '../helpers/cli.js';

let keys: { privatePath: string; publicPath: string };
let publicKeys: Awaited<ReturnType<typeof readPublicKeys>>;

beforeAll(async () => {
  keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-keys-')));
  publicKeys = await readPublicKeys(keys.publicPath);
});

/** A signed pump-ae release whose file `name` is then replaced by `make(path)`. */
async function releaseWith(name: string, make: (path: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-release-files-'));
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  await signRelease(dir, keys.privatePath, 2);
  await rm(join(dir, name));
  await make(join(dir, name));
  return dir;
}

const fifo = async (path: string) => void execFileSync('mkfifo', [path]);

describe('a release folder on this machine', () => {
  it('refuses a model file that is a FIFO, without waiting on it', async () => {
    const dir = await releaseWith('model.int8.onnx', fifo);
    const files = await readReleaseDir(dir);
    expect(files.unread).toEqual([`model.int8.onnx: ${join(dir, 'model.int8.onnx')}: not a regular file`]);
    expect(() => verifySigned(files, publicKeys)).toThrow(/model\.int8\.onnx has sha256 /);
  }, 10_000);

  it('refuses a model file that links to /dev/zero, reading nothing of it', async () => {
    const dir = await releaseWith('model.int8.onnx', (path) => symlink('/dev/zero', path));
    const files = await readReleaseDir(dir);
    expect(files.unread).toEqual([`model.int8.onnx: ${join(dir, 'model.int8.onnx')}: not a regular file`]);
    expect(files.model.length).toBe(0);
  }, 10_000);

  it('refuses a model file over its cap by its size, unread, naming the file and the setting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-release-files-'));
    await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
    const path = join(dir, 'model.int8.onnx');
    const { size } = await stat(path);
    await expect(
      readReleaseDir(dir, { manifestBytes: 1 << 20, signatureBytes: 4096, modelBytes: size - 1 }),
    ).rejects.toThrow(
      new DownloadTooLarge(`${path}: ${size} bytes, over ${size - 1} bytes (cloud.model_updates.max_model_bytes)`),
    );
  });

  it('refuses a manifest that is a FIFO, naming it', async () => {
    const dir = await releaseWith('manifest.json', fifo);
    await expect(readReleaseDir(dir)).rejects.toThrow(`${join(dir, 'manifest.json')}: not a regular file`);
  }, 10_000);
});

describe("the model store's own files", () => {
  it('passes over a rolled-back.json or probation.json that is a FIFO or a link to /dev/zero, without waiting on it', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-store-files-'));
    await mkdir(join(store, 'pump-1'));
    await mkdir(join(store, 'pump-2'));
    await fifo(join(store, 'pump-1', 'rolled-back.json'));
    await fifo(join(store, 'pump-1', 'probation.json'));
    await symlink('/dev/zero', join(store, 'pump-2', 'rolled-back.json'));
    await symlink('/dev/zero', join(store, 'pump-2', 'probation.json'));
    for (const asset of ['pump-1', 'pump-2']) {
      const path = join(store, asset, 'rolled-back.json');
      expect(await readRolledBack(store, asset)).toEqual({
        versions: [],
        why: `${path}: not a regular file`, // a FIFO (pump-1) and a link to /dev/zero (pump-2) alike
      });
      expect(await readProbationMark(store, asset)).toBeUndefined();
    }
  }, 10_000);

  it('reads them as before where they are regular files', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-store-files-'));
    await mkdir(join(store, 'pump-1'));
    await writeFile(join(store, 'pump-1', 'rolled-back.json'), JSON.stringify(['1.2.0', 3, '1.3.0']));
    await writeFile(
      join(store, 'pump-1', 'probation.json'),
      JSON.stringify({ model: 'pump-ae', version: '1.3.0', interrupted: 1 }),
    );
    expect(await readRolledBack(store, 'pump-1')).toEqual({ versions: ['1.2.0', '1.3.0'] });
    expect(await readProbationMark(store, 'pump-1')).toEqual({ model: 'pump-ae', version: '1.3.0', interrupted: 1 });
  });
});
