/**
 * Release sequences on the updater (a replayed older release is a downgrade): a release must be
 * above the sequence the asset confirmed, the one of a release on probation there, and the one
 * of the model it is configured with. Real signed releases over a real HTTP server, a real store.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

/** An updater with 3.0.0 (sequence 3) applied on pump-1 and on probation for 600 s; 2.0.0 (sequence 2) at `v2/`. */
async function newerOnProbation(): Promise<UpdaterFixture> {
  const f = await startUpdater({ config: () => ({ probation_s: 600 }) });
  await f.release('v3', '3.0.0', 3);
  await f.release('v2', '2.0.0', 2);
  f.notice('3.0.0', 'v3');
  await f.updater.idle();
  return f;
}

describe('release sequences on the updater', () => {
  it('refuses an older signed release while a newer one is on probation, writing nothing, and confirms the newer one', async () => {
    const f = await newerOnProbation();
    try {
      expect(f.current().version).toBe('3.0.0');
      f.notice('2.0.0', 'v2'); // replayed while 3.0.0 is on probation
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['3.0.0:applied', '2.0.0:rejected:not_newer']);
      expect(f.events[1].reason).toMatch(
        /^not_newer: release http:\/\/127\.0\.0\.1:\d+\/v2\/: release_sequence 2 is not above 3, that of 3\.0\.0, on probation on pump-1$/,
      );
      expect(f.current().version).toBe('3.0.0');
      expect((await readdir(join(f.store, 'pump-1'))).sort()).toEqual(['3.0.0', 'probation.json']);
      await f.judge();
      f.clock.now += 600_001;
      await f.updater.checkProbations();
      expect(f.events.map(outcomeOf).at(-1)).toBe('3.0.0:confirmed');
      expect(JSON.parse(await readFile(join(f.store, 'pump-1', 'active.json'), 'utf8'))).toMatchObject({
        version: '3.0.0',
        sequence: 3,
      });
    } finally {
      await f.close();
    }
  }, 60_000);

  it('refuses a release not above the release_sequence of the model the asset is configured with (nothing confirmed yet)', async () => {
    const f = await startUpdater({
      host: (host) => ({
        ...host,
        assetsRunning: (name) => host.assetsRunning(name).map((t) => ({ ...t, releaseSequence: 5 })),
      }),
    });
    try {
      await f.release('v4', '4.0.0', 4);
      await f.release('v6', '6.0.0', 6);
      f.notice('4.0.0', 'v4');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['4.0.0:rejected:not_newer']);
      expect(f.events[0].reason).toMatch(
        /: release_sequence 4 is not above 5, that of the model pump-1 is configured with$/,
      );
      expect(existsSync(join(f.store, 'pump-1', '4.0.0'))).toBe(false);
      f.notice('6.0.0', 'v6');
      await f.updater.idle();
      expect(f.current().version).toBe('6.0.0');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('holds a sequence confirmed here even when active.json cannot be written', async () => {
    const f = await newerOnProbation();
    try {
      // Fault: a folder where active.json is written first, so recording the confirmation fails.
      await mkdir(join(f.store, 'pump-1', 'active.json.tmp'));
      await f.judge();
      f.clock.now += 600_001;
      await f.updater.checkProbations();
      expect(f.events.map(outcomeOf)).toEqual(['3.0.0:applied', '3.0.0:confirmed']);
      expect(existsSync(join(f.store, 'pump-1', 'active.json'))).toBe(false);
      f.notice('2.0.0', 'v2');
      await f.updater.idle();
      expect(f.events.map(outcomeOf).at(-1)).toBe('2.0.0:rejected:not_newer');
      expect(f.events.at(-1)!.reason).toMatch(
        /: release_sequence 2 is not above 3, the last this gateway confirmed for pump-1$/,
      );
      expect(f.current().version).toBe('3.0.0');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('records each confirmed release with the two before it, and removes the stored releases no restart runs', async () => {
    const f = await startUpdater({ config: () => ({ probation_s: 1 }) });
    try {
      for (const [i, version] of ['1.1.0', '1.2.0', '1.3.0', '1.4.0'].entries()) {
        await f.release(`v${i}`, version, i + 1);
        f.notice(version, `v${i}`);
        await f.updater.idle();
        await f.judge();
        f.clock.now += 1001;
        await f.updater.checkProbations();
      }
      await f.release('v9', '1.9.0', 9);
      f.notice('1.9.0', 'v9'); // stored after the last prune, on probation: no confirmation removes it
      await f.updater.idle();
      expect(f.events.map(outcomeOf).slice(-3)).toEqual(['1.4.0:applied', '1.4.0:confirmed', '1.9.0:applied']);
      const active = JSON.parse(await readFile(join(f.store, 'pump-1', 'active.json'), 'utf8'));
      expect([active.version, active.sequence, active.earlier.map((e: { version: string }) => e.version)]).toEqual([
        '1.4.0',
        4,
        ['1.3.0', '1.2.0'],
      ]);
      expect(active.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await readdir(join(f.store, 'pump-1'))).sort()).toEqual([
        '1.2.0',
        '1.3.0',
        '1.4.0',
        '1.9.0',
        'active.json',
        'probation.json',
      ]);
    } finally {
      await f.close();
    }
  }, 60_000);
});
