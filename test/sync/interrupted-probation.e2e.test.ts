/**
 * Crash-loop protection: a release being loaded or on probation when the gateway ended without stopping (the store
 * copied as it was, the updater then abandoned) is said at the next start; ended so twice in a row, it is rolled back
 * for good, so its retained notice cannot apply it at every start. An orderly stop is no crash, nor is an end during a
 * confirmation, and one end counts once. Real signed releases, a real store.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedManifest } from '../../src/inference/manifest.js';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';
import { logLines } from '../helpers/log-lines.js';

type StoreAndKeys = Pick<UpdaterFixture, 'store' | 'keys'>;

/** Applies 2.0.0 (sequence 2) on pump-1, on probation for 600 s, in an updater on `from`'s store and keys (or new). */
async function onProbation(from?: StoreAndKeys, logger = logLines().logger): Promise<UpdaterFixture> {
  const f = await startUpdater({ config: () => ({ probation_s: 600 }), logger, ...(from ?? {}) });
  await f.release('v2', '2.0.0', 2);
  f.notice('2.0.0', 'v2');
  await f.updater.idle();
  expect(f.events.map(outcomeOf).at(-1)).toBe('2.0.0:applied');
  return f;
}

/** The store as the disk holds it at that moment: what a restart after a crash finds. */
async function crashCopy(f: UpdaterFixture): Promise<StoreAndKeys> {
  const store = await mkdtemp(join(tmpdir(), 'lw-upd-crashed-'));
  await cp(f.store, store, { recursive: true });
  await f.close();
  return { store, keys: f.keys };
}

const ENDED =
  'asset pump-1: the gateway ended without stopping (a crash, a kill, power lost) while 2.0.0 was being loaded or on ' +
  'probation: it runs again only where its notice comes again, on probation anew, and is rolled back for good if the ' +
  'gateway ends so 2 times in a row';

describe('a release on probation when the gateway ended without stopping', () => {
  it('is said at the next start, and rolled back for good when it happens twice in a row', async () => {
    const first = await crashCopy(await onProbation());
    const log = logLines();
    const second = await onProbation(first, log.logger); // its retained notice applies it again
    expect(log.at(40)).toContain(ENDED);
    const third = await startUpdater({ ...(await crashCopy(second)), config: () => ({ probation_s: 600 }) });
    try {
      expect(third.events.map(outcomeOf)).toEqual(['1.0.0+seed7:rolled_back']);
      expect(third.events[0]).toMatchObject({ model: 'pump-ae', previousVersion: '2.0.0', asset: 'pump-1' });
      expect(third.events[0].reason).toBe(
        'the gateway ended without stopping (a crash, a kill, power lost) while 2.0.0 was being loaded or on ' +
          'probation, 2 times in a row: not applied again (publish a new version)',
      );
      expect(JSON.parse(await readFile(join(third.store, 'pump-1', 'rolled-back.json'), 'utf8'))).toEqual(['2.0.0']);
      expect((await readdir(join(third.store, 'pump-1'))).sort()).toEqual(['rolled-back.json']); // its folder gone
      await third.release('v2', '2.0.0', 2);
      third.notice('2.0.0', 'v2');
      await third.updater.idle();
      expect(third.current().version).toBe('1.0.0+seed7');
      // Its notice again: refused, and said as any refusal is.
      expect(third.events.slice(1)).toMatchObject([
        {
          outcome: 'rejected',
          version: '2.0.0',
          reason:
            'rolled_back_before: pump-ae 2.0.0 was rolled back on pump-1 before; not applied again (publish a new version, signed with a release sequence above the last this gateway took)',
        },
      ]);
    } finally {
      await third.close();
    }
  }, 60_000);

  it('counts a release whose load ends the process (the mark is written before the load)', async () => {
    let from: StoreAndKeys | undefined;
    for (let start = 1; start <= 2; start++) {
      const f = await startUpdater({ config: () => ({ probation_s: 600 }), ...(from ?? {}) });
      await f.release('v2', '2.0.0', 2);
      const acquire = f.pool.acquire.bind(f.pool);
      const loading = new Promise<void>((resolve) => {
        // Fault: the load of 2.0.0 never returns (the process dies in it).
        f.pool.acquire = (m: LoadedManifest) => {
          if (m.manifest.version !== '2.0.0') return acquire(m);
          resolve();
          return new Promise(() => {});
        };
      });
      f.notice('2.0.0', 'v2');
      await loading;
      from = { store: await mkdtemp(join(tmpdir(), 'lw-upd-crashed-')), keys: f.keys };
      await cp(f.store, from.store, { recursive: true });
      await f.releases.close();
    }
    const third = await startUpdater({ ...from!, config: () => ({ probation_s: 600 }) });
    try {
      expect(third.events.map(outcomeOf)).toEqual(['1.0.0+seed7:rolled_back']);
    } finally {
      await third.close();
    }
  }, 60_000);

  it('counts one end once: a start without the notice, then an orderly stop, leaves nothing to count', async () => {
    const crashed = await crashCopy(await onProbation());
    const log = logLines();
    const restarted = await startUpdater({ ...crashed, logger: log.logger }); // the notice does not come again
    expect(log.at(40)).toContain(ENDED);
    await restarted.close();
    const again = await startUpdater(crashed);
    try {
      expect(again.events).toEqual([]);
      expect(existsSync(join(crashed.store, 'pump-1', 'probation.json'))).toBe(false);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('counts no end during a confirmation, no folder that is no configured asset, and no release being written', async () => {
    const f = await onProbation();
    await f.judge();
    f.clock.now += 600_001;
    await f.updater.checkProbations();
    const confirmed = await crashCopy(f);
    // Fault: the end came after active.json was written, before the mark went (as an older version left it).
    await writeFile(
      join(confirmed.store, 'pump-1', 'probation.json'),
      JSON.stringify({ model: 'pump-ae', version: '2.0.0', interrupted: 1 }),
    );
    await mkdir(join(confirmed.store, 'old-asset'));
    await writeFile(
      join(confirmed.store, 'old-asset', 'probation.json'),
      JSON.stringify({ model: 'pump-ae', version: '3.0.0', interrupted: 5 }),
    );
    await mkdir(join(confirmed.store, 'pump-1', '.incoming-0a1b2c3d4e5f'));
    const restarted = await startUpdater(confirmed);
    try {
      expect(restarted.events).toEqual([]);
      expect((await readdir(join(confirmed.store, 'pump-1'))).sort()).toEqual(['2.0.0', 'active.json']);
    } finally {
      await restarted.close();
    }
  }, 60_000);

  it('counts no orderly stop, and no probation that ended: confirmed or rolled back', async () => {
    const stopped = await onProbation();
    await stopped.close(); // in order: no mark left
    expect(existsSync(join(stopped.store, 'pump-1', 'probation.json'))).toBe(false);
    const confirmed = await onProbation();
    try {
      expect(JSON.parse(await readFile(join(confirmed.store, 'pump-1', 'probation.json'), 'utf8'))).toEqual({
        model: 'pump-ae',
        version: '2.0.0',
        interrupted: 0,
      });
      await confirmed.judge();
      confirmed.clock.now += 600_001;
      await confirmed.updater.checkProbations();
      expect(existsSync(join(confirmed.store, 'pump-1', 'probation.json'))).toBe(false);
    } finally {
      await confirmed.close();
    }
    const rolledBack = await onProbation();
    try {
      await rolledBack.updater.rollback('pump-1', 'requested by j.doe', 'j.doe');
      expect(existsSync(join(rolledBack.store, 'pump-1', 'probation.json'))).toBe(false);
    } finally {
      await rolledBack.close();
    }
  }, 60_000);
});
