/** Signed model releases: the publishing commands, and every tampered release refused. */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/inference/manifest.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import {
  generateKeys,
  readPublicKey,
  readPublicKeys,
  ReleaseRejected,
  signRelease,
  verifyRelease,
  verifySigned,
  type RejectionCode,
} from '../../src/sync/release.js';
import { readReleaseDir } from '../../src/sync/release-reader.js';
import { ROOT } from '../helpers/cli.js';

let keys: { privatePath: string; publicPath: string };
let otherKeys: { privatePath: string; publicPath: string };
const EXPECTED = {
  channels: ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'],
  windowLength: 20,
  samplePeriodMs: 200,
};

beforeAll(async () => {
  keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-keys-')));
  otherKeys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-keys-other-')));
});

async function release(edit?: (dir: string) => Promise<void>, signWith = () => keys.privatePath): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-release-'));
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  if (edit) await edit(dir);
  await signRelease(dir, signWith());
  return dir;
}

async function editManifest(dir: string, f: (m: Record<string, any>) => void): Promise<void> {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  f(m);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
}

async function outcome(dir: string): Promise<RejectionCode | 'accepted'> {
  try {
    const { model } = await verifyRelease(
      await readReleaseDir(dir),
      await readPublicKey(keys.publicPath),
      EXPECTED,
      new SessionPool(),
    );
    await model.close();
    return 'accepted';
  } catch (err) {
    return (err as { code: RejectionCode }).code;
  }
}

describe('signed model releases', () => {
  it('a properly signed release verifies', async () => {
    expect(await outcome(await release())).toBe('accepted');
  });

  it.each<[string, () => Promise<string>, RejectionCode]>([
    [
      'a manifest changed after signing',
      async () => {
        const dir = await release();
        await editManifest(dir, (m) => (m.score.threshold *= 10));
        return dir;
      },
      'bad_signature',
    ],
    ['signed with another key', () => release(undefined, () => otherKeys.privatePath), 'bad_signature'],
    [
      'a missing signature',
      async () => {
        const dir = await release();
        await writeFile(join(dir, 'manifest.sig'), '');
        return dir;
      },
      'bad_signature',
    ],
    [
      'a model file swapped after signing (wrong hash)',
      async () => {
        const dir = await release();
        await cp(join(dir, 'model.fp32.onnx'), join(dir, 'model.int8.onnx'));
        return dir;
      },
      'hash_mismatch',
    ],
    [
      'garbage bytes, correctly hashed and signed',
      () =>
        release(async (dir) => {
          const garbage = randomBytes(4096);
          await writeFile(join(dir, 'model.int8.onnx'), garbage);
          await editManifest(dir, (m) => (m.sha256 = sha256Hex(garbage)));
        }),
      'unloadable',
    ],
    [
      'a model for another input shape',
      () =>
        release((dir) =>
          editManifest(dir, (m) => ((m.input.window_length = 10), (m.golden.input = m.golden.input.slice(0, 70)))),
        ),
      'wrong_inputs',
    ],
    [
      'a golden vector that does not match',
      () => release((dir) => editManifest(dir, (m) => (m.golden.score = m.golden.score + 1))),
      'golden_mismatch',
    ],
  ])('refuses %s', async (_, make, code) => {
    expect(await outcome(await make())).toBe(code);
  });

  it('a model file truncated after signing: the refusal says how many bytes were read', async () => {
    const dir = await release();
    const onnx = join(dir, 'model.int8.onnx');
    await writeFile(onnx, (await readFile(onnx)).subarray(0, 1234));
    const [files, key] = await Promise.all([readReleaseDir(dir), readPublicKey(keys.publicPath)]);
    expect(() => verifySigned(files, key)).toThrow(
      new RegExp(
        `^release ${dir}: model\\.int8\\.onnx has sha256 [0-9a-f]{64}, the signed manifest says [0-9a-f]{64} ` +
          '\\(1234 bytes read; the manifest records no size: fewer bytes than the signed file has is a truncated ' +
          'upload or download\\)$',
      ),
    );
  });

  it.each<[string, (m: Record<string, any>) => void, string]>([
    [
      'a golden input of the wrong length',
      (m) => m.golden.input.pop(),
      'golden.input: 139 values, expected 140 (20 × 7 channels)',
    ],
    ['a std array of the wrong length', (m) => m.normalisation.std.pop(), 'normalisation.std: 6 values for 7 channels'],
  ])('refuses a signed manifest with %s before loading it, naming the file and the field', async (_, edit, problem) => {
    const files = await readReleaseDir(await release((dir) => editManifest(dir, edit)));
    const refusal = await verifyRelease(files, await readPublicKey(keys.publicPath), EXPECTED, new SessionPool()).then(
      ({ model }) => model.close().then(() => 'accepted'),
      (err: ReleaseRejected) => ({ code: err.code, message: err.message }),
    );
    expect(refusal).toEqual({ code: 'bad_manifest', message: `release ${files.origin}: manifest.json: ${problem}` });
  });
});

describe('key rotation: public_key_file lists several keys', () => {
  it('verifies a release signed by any configured key, and refuses one signed by a retired key no longer listed', async () => {
    const retired = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-keys-retired-')));
    const configured = await readPublicKeys([keys.publicPath, otherKeys.publicPath]);
    const byFirst = verifySigned(await readReleaseDir(await release()), configured);
    const bySecond = verifySigned(
      await readReleaseDir(await release(undefined, () => otherKeys.privatePath)),
      configured,
    );
    expect([byFirst.manifest.name, bySecond.manifest.name]).toEqual(['pump-ae', 'pump-ae']);
    const old = await readReleaseDir(await release(undefined, () => retired.privatePath));
    expect(() => verifySigned(old, configured)).toThrow(
      new ReleaseRejected(
        'bad_signature',
        `release ${old.origin}: the signature does not verify against the configured public keys (2): the manifest changed since it was signed, or another key signed it`,
      ),
    );
  });

  it('names the key file that cannot be read, and refuses an empty list', async () => {
    await expect(readPublicKeys([keys.publicPath, '/nonexistent/release.pub.pem'])).rejects.toThrow(
      'public key /nonexistent/release.pub.pem: no such file',
    );
    await expect(readPublicKeys([])).rejects.toThrow('public_key_file: no public key configured');
  });
});
