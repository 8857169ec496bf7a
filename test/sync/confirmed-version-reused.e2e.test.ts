/**
 * A signed release that carries the version of a release the asset confirmed is refused (`version_taken`) unless it
 * is that release, and the confirmed release's folder is left as it was. Regression: a release 1.1.0 signed again
 * (sequence 3) while 1.2.0 was on probation above the confirmed 1.1.0 (sequence 1) was stored in `<store>/pump-1/1.1.0`
 * in its place: active.json's record no longer matched its folder, so a restart found the confirmed release damaged.
 * Real signed releases over a real HTTP server, a real store.
 */
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

/** Every file of `dir` by name, its bytes as base64. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, (await readFile(join(dir, n))).toString('base64')])),
  );
}

/** Judges the release on probation on pump-1 healthy, past its probation: confirmed. */
async function confirm(f: UpdaterFixture): Promise<void> {
  await f.judge();
  f.clock.now += 600_001;
  await f.updater.checkProbations();
}

/** Applies and confirms release 1.1.0 (sequence 1, in `v11/`) on pump-1; its folder in the store. */
async function confirmed11(f: UpdaterFixture): Promise<string> {
  await f.release('v11', '1.1.0', 1);
  f.notice('1.1.0', 'v11');
  await f.updater.idle();
  await confirm(f);
  return join(f.store, 'pump-1', '1.1.0');
}

/** The model sha256 a release folder's signed manifest carries, cut as the refusal says it. */
async function shaOf(dir: string): Promise<string> {
  const { sha256 } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { sha256: string };
  return `${sha256.slice(0, 12)}…`;
}

describe("a release that reuses a confirmed release's version", () => {
  it('is refused, naming the confirmed release, and leaves its folder byte for byte', async () => {
    const f = await startUpdater({ config: () => ({ probation_s: 600 }) });
    try {
      const confirmedDir = await confirmed11(f);
      const before = await filesOf(confirmedDir);
      await f.release('v12', '1.2.0', 2);
      f.notice('1.2.0', 'v12');
      await f.updater.idle();
      // 1.1.0 signed again, above 1.2.0 on probation: another release under the confirmed one's version.
      await f.release('v11b', '1.1.0', 3);
      f.notice('1.1.0', 'v11b');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual([
        '1.1.0:applied',
        '1.1.0:confirmed',
        '1.2.0:applied',
        '1.1.0:rejected:version_taken',
      ]);
      const sha = await shaOf(join(f.releases.root, 'v11'));
      expect(f.events[3].reason).toBe(
        `version_taken: release ${f.releases.url}/v11b/: version 1.1.0 is that of a release this gateway confirmed ` +
          `for pump-1 (sequence 1, model sha256 ${sha}), kept in ${confirmedDir}; this one is another (sequence 3, ` +
          `model sha256 ${sha}): sign it under a version of its own`,
      );
      expect(await filesOf(confirmedDir)).toEqual(before);
      expect(f.current().version).toBe('1.2.0'); // still on probation

      // 1.2.0 confirmed: 1.1.0 is kept before it (what a rollback goes back to); reused again, refused again.
      await confirm(f);
      await f.release('v11c', '1.1.0', 4);
      f.notice('1.1.0', 'v11c');
      // The confirmed 1.1.0 itself, from another URL: not newer, nothing written.
      await cp(join(f.releases.root, 'v11'), join(f.releases.root, 'v11same'), { recursive: true });
      f.notice('1.1.0', 'v11same');
      await f.updater.idle();
      expect(f.events.map(outcomeOf).slice(4)).toEqual([
        '1.2.0:confirmed',
        '1.1.0:rejected:version_taken',
        '1.1.0:rejected:not_newer',
      ]);
      expect(await filesOf(confirmedDir)).toEqual(before);
      expect(f.current().version).toBe('1.2.0');
    } finally {
      await f.close();
    }
  }, 60_000);

  // The walk of 2026-12-07: a changed release published under the version the fleet runs was passed over, said at
  // info in the log only; `model publish` said `published` and nothing anywhere said why nothing happened.
  it('where the asset runs that version: refused by its manifest alone, the release it runs said again passed over', async () => {
    const f = await startUpdater({ config: () => ({ probation_s: 600 }) });
    try {
      const confirmedDir = await confirmed11(f);
      await f.release('v11b', '1.1.0', 2);
      f.notice('1.1.0', 'v11b');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['1.1.0:applied', '1.1.0:confirmed', '1.1.0:rejected:version_taken']);
      expect(f.events[2].reason).toBe(
        `version_taken: release ${f.releases.url}/v11b/: its manifest is not that of pump-ae 1.1.0, which pump-1 runs ` +
          `(sequence 1, kept in ${confirmedDir}): another release under a version this gateway runs is never applied; ` +
          'sign it under a version of its own',
      );
      expect(f.updater.lastRefusals()).toEqual([
        { model: 'pump-ae', version: '1.1.0', at: f.clock.now, reason: f.events[2].reason },
      ]);
      expect(f.releases.requests.filter((p) => p.startsWith('/v11b/'))).toEqual(['/v11b/manifest.json']);
      // The release it runs, its retained notice delivered again (a restart) from another URL: passed over, silently.
      await cp(join(f.releases.root, 'v11'), join(f.releases.root, 'v11same'), { recursive: true });
      f.notice('1.1.0', 'v11same');
      await f.updater.idle();
      expect(f.events).toHaveLength(3);
      expect(f.current().version).toBe('1.1.0');

      // On probation: 1.2.0 runs (shadowed), and a changed 1.2.0 is refused the same way.
      await f.release('v12', '1.2.0', 3);
      f.notice('1.2.0', 'v12');
      await f.release('v12b', '1.2.0', 4);
      f.notice('1.2.0', 'v12b');
      await f.updater.idle();
      expect(f.events.map(outcomeOf).slice(3)).toEqual(['1.2.0:applied', '1.2.0:rejected:version_taken']);
      expect(f.events[4].reason).toMatch(
        /^version_taken: release .*\/v12b\/: its manifest is not that of pump-ae 1\.2\.0, which pump-1 runs \(sequence 3, kept in .*\/pump-1\/1\.2\.0\)/,
      );
    } finally {
      await f.close();
    }
  }, 60_000);
});
