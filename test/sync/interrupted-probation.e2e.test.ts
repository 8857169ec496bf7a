/**
 * Crash-loop protection: a release on probation when the gateway ended without stopping (the store copied as it was,
 * the updater then abandoned) is said at the next start; ended so twice in a row, it is rolled back for good, so its
 * retained notice cannot apply it at every start. An orderly stop is no crash. Real signed releases, a real store.
 */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';
import { logLines } from '../helpers/log-lines.js';

/** Applies 2.0.0 (sequence 2) on pump-1, on probation for 600 s, in an updater on `from`'s store and keys (or new). */
async function onProbation(
  from?: Pick<UpdaterFixture, 'store' | 'keys'>,
  logger = logLines().logger,
): Promise<UpdaterFixture> {
  const f = await startUpdater({ config: () => ({ probation_s: 600 }), logger, ...(from ?? {}) });
  await f.release('v2', '2.0.0', 2);
  f.notice('2.0.0', 'v2');
  await f.updater.idle();
  expect(f.events.map(outcomeOf)).toEqual(['2.0.0:applied']);
  return f;
}

/** The store as the disk holds it at that moment: what a restart after a crash finds. */
async function crashCopy(f: UpdaterFixture): Promise<Pick<UpdaterFixture, 'store' | 'keys'>> {
  const store = await mkdtemp(join(tmpdir(), 'lw-upd-crashed-'));
  await cp(f.store, store, { recursive: true });
  await f.close();
  return { store, keys: f.keys };
}

describe('a release on probation when the gateway ended without stopping', () => {
  it('is said at the next start, and rolled back for good when it happens twice in a row', async () => {
    const first = await crashCopy(await onProbation());
    const log = logLines();
    const second = await onProbation(first, log.logger); // its retained notice applies it again
    expect(log.at(40)).toContain(
      'asset pump-1: the gateway ended without stopping (a crash, a kill, power lost) while 2.0.0 was on probation: it ' +
        'runs again only where its notice comes again, on probation anew, and is rolled back for good if the gateway ' +
        'ends so 2 times in a row',
    );
    const third = await startUpdater({ ...(await crashCopy(second)), config: () => ({ probation_s: 600 }) });
    try {
      expect(third.events.map(outcomeOf)).toEqual(['1.0.0+seed7:rolled_back']);
      expect(third.events[0]).toMatchObject({ model: 'pump-ae', previousVersion: '2.0.0', asset: 'pump-1' });
      expect(third.events[0].reason).toBe(
        'the gateway ended without stopping (a crash, a kill, power lost) while 2.0.0 was on probation, 2 times in a ' +
          'row: not applied again (publish a new version)',
      );
      expect(JSON.parse(await readFile(join(third.store, 'pump-1', 'rolled-back.json'), 'utf8'))).toEqual(['2.0.0']);
      await third.release('v2', '2.0.0', 2);
      third.notice('2.0.0', 'v2');
      await third.updater.idle();
      expect(third.current().version).toBe('1.0.0+seed7');
      expect(third.events).toHaveLength(1);
    } finally {
      await third.close();
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
