/**
 * Regression (pilot walk): a tampered release announced by a retained notice was downloaded again, and a new
 * `rejected` outcome published, at every restart: the updater's memory of refused notices lived in memory only. Now
 * the refusals are kept in the model store (`.refused-notices.json`: the notice's hash, the code, when; bounded) and
 * a start remembers them: the retained notice delivered at the start is a notice delivered again, passed over until
 * REEXAMINE_REDELIVERED_MS after its refusal. Real signed releases over a real HTTP server, a real store on disk.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REEXAMINE_REDELIVERED_MS } from '../../src/sync/notice-memory.js';
import { MAX_KEPT_REFUSALS, REFUSED_NOTICES_FILE } from '../../src/sync/refused-notices.js';
import { logLines } from '../helpers/log-lines.js';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

/** Starts an updater on `before`'s store, keys and release server (a restart), its clock at `now`. */
async function restarted(before: UpdaterFixture, now: number, logger = logLines().logger) {
  const f = await startUpdater({ store: before.store, keys: before.keys, releases: before.releases, logger });
  f.clock.now = now;
  return f;
}

const manifests = (f: UpdaterFixture) => f.releases.requests.filter((p) => p.endsWith('/manifest.json'));

describe('release notices refused for good, across a restart', () => {
  it('does not download again, nor report again, a tampered release its retained notice announces at each start', async () => {
    const first = await startUpdater();
    await first.release('bad', '2.0.0', 2);
    const manifest = join(first.releases.root, 'bad', 'manifest.json');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('"2.0.0"', '"2.0.0" ')); // tampered
    first.notice('2.0.0', 'bad'); // retained: delivered at each connect
    await first.updater.idle();
    expect(first.events.map(outcomeOf)).toEqual(['2.0.0:rejected:bad_signature']);
    const refusedAt = first.clock.now;
    await first.updater.stop();
    await first.current().close();
    const kept = JSON.parse(await readFile(join(first.store, REFUSED_NOTICES_FILE), 'utf8'));
    expect(kept).toEqual([
      { key: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/), code: 'bad_signature', at: refusedAt },
    ]);
    expect(JSON.stringify(kept)).not.toContain('127.0.0.1'); // the hash, never the URL

    const log = logLines('info');
    const second = await restarted(first, refusedAt + 60_000, log.logger);
    try {
      second.notice('2.0.0', 'bad'); // the retained notice, delivered at the start
      await second.updater.idle();
      // Before: downloaded again and a second 2.0.0:rejected:bad_signature reported.
      expect(second.events).toEqual([]);
      expect(manifests(second)).toEqual(['/bad/manifest.json']);
      expect(log.at(30).filter((m) => m.includes('already handled: rejected (bad_signature)'))).toHaveLength(1);
    } finally {
      await second.updater.stop();
      await second.current().close();
    }
    // Past the wait for a notice delivered again, it is looked at again once, as during a run.
    const third = await restarted(first, refusedAt + REEXAMINE_REDELIVERED_MS);
    try {
      third.notice('2.0.0', 'bad');
      await third.updater.idle();
      expect(third.events.map(outcomeOf)).toEqual(['2.0.0:rejected:bad_signature']);
      expect(manifests(third)).toEqual(['/bad/manifest.json', '/bad/manifest.json']);
    } finally {
      await third.close();
      await first.releases.close();
    }
  }, 60_000);

  it('sets aside a kept file that is not a list, or too large, saying which file; keeps only well-formed entries', async () => {
    const first = await startUpdater({ start: false });
    const path = join(first.store, REFUSED_NOTICES_FILE);
    const cases: [string, RegExp][] = [
      ['{"key": 1}', /\.refused-notices\.json: not a list of refusals: not read/],
      ['[{', /\.refused-notices\.json: not JSON: not read/],
      [' '.repeat(70_000), /\.refused-notices\.json: 70000 bytes, over 65536: not read/],
    ];
    try {
      for (const [text, said] of cases) {
        await writeFile(path, text);
        const log = logLines('info');
        const f = await restarted(first, first.clock.now, log.logger);
        await f.updater.stop();
        await f.current().close();
        expect(log.at(40).filter((m) => said.test(m))).toHaveLength(1);
      }
      // Entries of another shape (a path for a key, a code that is no code) are left out; at most MAX_KEPT_REFUSALS.
      const good = (n: number) => ({ key: `${String(n).padStart(43, 'A')}=`, code: 'bad_signature', at: 1 });
      await writeFile(
        path,
        JSON.stringify([
          { key: '../../etc/passwd', code: 'bad_signature', at: 1 },
          { key: good(0).key, code: 'Bad Code!', at: 1 },
          ...Array.from({ length: MAX_KEPT_REFUSALS + 1 }, (_, n) => good(n)),
        ]),
      );
      const f = await restarted(first, first.clock.now);
      await f.release('bad', '2.0.0', 2); // a refusal written now keeps the last MAX_KEPT_REFUSALS, its own included
      const manifest = join(f.releases.root, 'bad', 'manifest.json');
      await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('"2.0.0"', '"2.0.0" '));
      f.notice('2.0.0', 'bad');
      await f.updater.idle();
      await f.updater.stop();
      await f.current().close();
      const kept = JSON.parse(await readFile(path, 'utf8')) as { key: string }[];
      expect(kept).toHaveLength(MAX_KEPT_REFUSALS);
      expect(kept[0].key).toBe(good(2).key);
      expect(kept.map((k) => k.key)).not.toContain('../../etc/passwd');
    } finally {
      await first.current().close();
      await first.releases.close();
    }
  }, 60_000);
});
