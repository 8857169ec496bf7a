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
    expect(
      (await runCli(['model', 'sign', '--model', dir, '--key', join(keyDir, 'release-signing.key.pem')])).code,
    ).toBe(0);
    const ok = await runCli([
      'model',
      'verify',
      '--model',
      dir,
      '--public-key',
      join(keyDir, 'release-signing.pub.pem'),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^verified: press-ae 1\.0\.0\+seed7/);
    await editManifest(dir, (m) => (m.version = '9.9.9'));
    const bad = await runCli([
      'model',
      'verify',
      '--model',
      dir,
      '--public-key',
      join(keyDir, 'release-signing.pub.pem'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the signature does not verify against the configured public key');
  });
});
