/**
 * Regression: a release folder on this machine (a confirmed release the gateway verifies again at start or for a local
 * rollback, a folder `model verify` and `model publish` check) was read through whatever its files are. A FIFO in
 * place of the model file blocked the read for ever (and the start with it); a link to /dev/zero read until the
 * memory gave out (its size says 0, so the cap passed it). Each file is opened without waiting and read only where it
 * is a regular file. Real files, a real FIFO (mkfifo), the shipped pump-ae model signed with a fresh key.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeys, readPublicKeys, signRelease, verifySigned } from '../../src/sync/release.js';
import { readReleaseDir } from '../../src/sync/release-reader.js';
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

  it('refuses a manifest that is a FIFO, naming it', async () => {
    const dir = await releaseWith('manifest.json', fifo);
    await expect(readReleaseDir(dir)).rejects.toThrow(`${join(dir, 'manifest.json')}: not a regular file`);
  }, 10_000);
});
