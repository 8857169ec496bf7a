/**
 * A rollback (the operator's POST /api/models/<asset>/rollback, or the probation verdict) may
 * come while the updater is in the middle of swapping in a newer release: it rolls back what the
 * gateway runs, and the gateway, the updater's status and the store agree afterwards. Real signed
 * releases over a real HTTP server; the only fault injected is a slow close() of the model the
 * newer release replaces (a session being released).
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbationModel } from '../../src/sync/probation.js';
import { outcomeOf, startUpdater } from '../helpers/updater-fixture.js';

describe('rollback during an update', () => {
  it('rolls back the release being swapped in, records that one as rolled back, and confirms nothing later', async () => {
    const f = await startUpdater({ config: () => ({ probation_s: 600 }) });
    try {
      await f.release('v2', '2.0.0', 2);
      await f.release('v3', '3.0.0', 3);
      f.notice('2.0.0', 'v2');
      await f.updater.idle();
      const v2 = (f.current() as ProbationModel).inner;
      const close = v2.close.bind(v2);
      let closing!: () => void;
      const closeStarted = new Promise<void>((resolve) => (closing = resolve));
      let finishClose!: () => void;
      const closeMayFinish = new Promise<void>((resolve) => (finishClose = resolve));
      v2.close = async () => {
        closing();
        await closeMayFinish;
        return close();
      };
      f.notice('3.0.0', 'v3'); // replaces 2.0.0 on probation, closing it
      await closeStarted;
      expect(f.current().version).toBe('3.0.0');
      const rolledBack = f.updater.rollback('pump-1', 'requested by j.doe', 'j.doe');
      finishClose();
      const event = await rolledBack;
      await f.updater.idle();
      expect(event).toMatchObject({ outcome: 'rolled_back', version: '1.0.0+seed7', previousVersion: '3.0.0' });
      expect(f.current().version).toBe('1.0.0+seed7');
      expect(f.updater.status(['pump-1'])).toEqual([{ asset: 'pump-1', version: '1.0.0+seed7', last: event }]);
      expect(JSON.parse(await readFile(join(f.store, 'pump-1', 'rolled-back.json'), 'utf8'))).toEqual(['3.0.0']);
      f.clock.now += 600_001;
      await f.updater.checkProbations();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:applied', '3.0.0:applied', '1.0.0+seed7:rolled_back']);
      expect(existsSync(join(f.store, 'pump-1', 'active.json'))).toBe(false);
    } finally {
      await f.close();
    }
    expect(f.pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  }, 60_000);
});
