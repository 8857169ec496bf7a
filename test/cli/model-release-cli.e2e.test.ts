/** `linewatch model keygen | sign | verify` in child processes. */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

async function editManifest(dir: string, f: (m: Record<string, any>) => void): Promise<void> {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  f(m);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
}

describe('linewatch model keygen | sign | verify', () => {
  it('round-trips, and verify exits non-zero naming the reason for a tampered release', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'lw-cli-keys-'));
    expect((await runCli(['model', 'keygen', '--out', keyDir])).code).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'lw-cli-release-'));
    await cp(join(ROOT, 'models/press-ae'), dir, { recursive: true });
    const key = join(keyDir, 'release-signing.key.pem');
    const verify = () =>
      runCli(['model', 'verify', '--model', dir, '--public-key', join(keyDir, 'release-signing.pub.pem')]);
    const unsigned = await verify();
    expect([unsigned.code, unsigned.stderr]).toEqual([
      2,
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
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the signature does not verify against the configured public key');
  });
});
