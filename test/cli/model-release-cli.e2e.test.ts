/** `linewatch model keygen | sign | verify` in child processes. */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signRelease } from '../../src/sync/release.js';
import { ROOT, runCli } from '../helpers/cli.js';

async function editManifest(dir: string, f: (m: Record<string, any>) => void): Promise<void> {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  f(m);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
}

describe('linewatch model keygen | sign | verify', () => {
  it('round-trips, and verify exits 1 naming the reason for an unsigned or tampered release', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'lw-cli-keys-'));
    expect((await runCli(['model', 'keygen', '--out', keyDir])).code).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'lw-cli-release-'));
    await cp(join(ROOT, 'models/press-ae'), dir, { recursive: true });
    const key = join(keyDir, 'release-signing.key.pem');
    const verify = () =>
      runCli(['model', 'verify', '--model', dir, '--public-key', join(keyDir, 'release-signing.pub.pem')]);
    const unsigned = await verify();
    expect([unsigned.code, unsigned.stderr]).toEqual([
      1,
      `linewatch: ${dir}: unsigned (no manifest.sig); sign it with linewatch model sign --model ${dir} --key KEY --sequence N\n`,
    ]);
    // Without a sequence the release would be refused by every gateway: sign asks for one.
    const noSequence = await runCli(['model', 'sign', '--model', dir, '--key', key]);
    expect(noSequence.code).toBe(2);
    expect(noSequence.stderr).toMatch(
      /^linewatch: --sequence N: required, as this manifest has no release_sequence yet/,
    );
    expect((await runCli(['model', 'sign', '--model', dir, '--key', key, '--sequence', '1'])).code).toBe(0);
    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^verified: press-ae 1\.0\.0\+seed7 .*; release_sequence 1\)\n$/);
    await editManifest(dir, (m) => (m.version = '9.9.9'));
    const bad = await verify();
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `linewatch: release ${dir}: the signature does not verify against the public key --public-key ` +
        `${join(keyDir, 'release-signing.pub.pem')}: the manifest changed since it was signed, or another key signed it\n`,
    );
  });

  it('warns on stderr when a signed manifest is signed again with a sequence not above its own, and signs it', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'lw-cli-keys-'));
    await runCli(['model', 'keygen', '--out', keyDir]);
    const dir = await mkdtemp(join(tmpdir(), 'lw-cli-release-'));
    await cp(join(ROOT, 'models/press-ae'), dir, { recursive: true });
    const sign = (...sequence: string[]) =>
      runCli(['model', 'sign', '--model', dir, '--key', join(keyDir, 'release-signing.key.pem'), ...sequence]);
    const sequenceOf = async () => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).release_sequence;
    const first = await sign('--sequence', '1');
    expect([first.code, first.stderr]).toEqual([0, '']);
    const warning = (it: string, signedAs: number) =>
      `linewatch: warning: manifest already signed as sequence ${signedAs}; a gateway that ` +
      `has taken sequence ${signedAs} will refuse ${it} as not newer (--sequence ${signedAs + 1} or higher for a ` +
      'release it takes)\n';
    const same = await sign('--sequence', '1');
    expect([same.code, same.stdout, same.stderr]).toEqual([
      0,
      `signed: ${join(dir, 'manifest.sig')}\n`,
      warning('it', 1),
    ]);
    const kept = await sign(); // no --sequence: signed again as the manifest's own
    expect([kept.code, kept.stderr]).toEqual([0, warning('it', 1)]);
    const higher = await sign('--sequence', '3');
    expect([higher.code, higher.stderr, await sequenceOf()]).toEqual([0, '', 3]);
    const lower = await sign('--sequence', '2');
    expect([lower.code, lower.stderr, await sequenceOf()]).toEqual([0, warning('sequence 2', 3), 2]);
  });

  it('verify exits 1 when the check fails (a model file changed after signing), 2 for an invalid model', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'lw-cli-keys-'));
    await runCli(['model', 'keygen', '--out', keyDir]);
    const key = join(keyDir, 'release-signing.key.pem');
    const release = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lw-cli-release-'));
      await cp(join(ROOT, 'models/press-ae'), dir, { recursive: true });
      return dir;
    };
    const verify = (dir: string) =>
      runCli(['model', 'verify', '--model', dir, '--public-key', join(keyDir, 'release-signing.pub.pem')]);
    const tampered = await release();
    await runCli(['model', 'sign', '--model', tampered, '--key', key, '--sequence', '1']);
    const onnx = join(tampered, 'model.int8.onnx');
    await writeFile(onnx, Buffer.concat([await readFile(onnx), Buffer.from([0])]));
    const changed = await verify(tampered);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      /^linewatch: release .*: model\.int8\.onnx has sha256 [0-9a-f]{64}, the signed manifest/,
    );
    // Signed as it is, but its golden window is not what the model computes: an invalid model, as validate says.
    const invalid = await release();
    await editManifest(invalid, (m) => (m.golden.score = m.golden.score * 10 + 1));
    await signRelease(invalid, key, 1); // model sign refuses it (below): signed as publishing tools other than ours may
    const golden = await verify(invalid);
    expect(golden.code).toBe(2);
    expect(golden.stderr).toMatch(/^linewatch: release .*: golden window scored [0-9.e-]+, the manifest expects /);
    expect((await runCli(['validate', '--model', invalid])).code).toBe(2);
  });

  it('sign refuses a release its gateways would refuse (its golden window, its model hash), signing nothing', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'lw-cli-keys-'));
    await runCli(['model', 'keygen', '--out', keyDir]);
    const sign = (dir: string) =>
      runCli(['model', 'sign', '--model', dir, '--key', join(keyDir, 'release-signing.key.pem'), '--sequence', '1']);
    const golden = await mkdtemp(join(tmpdir(), 'lw-cli-release-'));
    await cp(join(ROOT, 'models/press-ae'), golden, { recursive: true });
    await editManifest(golden, (m) => (m.golden.score = m.golden.score * 10 + 1));
    const manifest = await readFile(join(golden, 'manifest.json'), 'utf8');
    const refused = await sign(golden);
    expect(refused.code).toBe(2); // an invalid model, as verify and validate --model exit
    expect(refused.stderr).toMatch(
      /^linewatch: release .*: golden window scored [0-9.e-]+, the manifest expects [0-9.e-]+.*; not signed: every gateway would refuse this release \(golden_mismatch\), as model verify and model publish do\n$/,
    );
    expect(refused.stdout).toBe('');
    expect(existsSync(join(golden, 'manifest.sig'))).toBe(false);
    expect(await readFile(join(golden, 'manifest.json'), 'utf8')).toBe(manifest); // no release_sequence written
    const changed = await mkdtemp(join(tmpdir(), 'lw-cli-release-'));
    await cp(join(ROOT, 'models/press-ae'), changed, { recursive: true });
    const onnx = join(changed, 'model.int8.onnx');
    await writeFile(onnx, (await readFile(onnx)).subarray(0, 1000));
    const hash = await sign(changed);
    expect(hash.code).toBe(1);
    expect(hash.stderr).toMatch(
      /model\.int8\.onnx has sha256 [0-9a-f]{64}, the signed manifest says [0-9a-f]{64} \(1000 bytes read; .*; not signed: .*\(hash_mismatch\)/,
    );
    expect(existsSync(join(changed, 'manifest.sig'))).toBe(false);
  });
});
