/**
 * Regression (adversarial review r1's note): a rolled-back.json that could not be read (a disk fault, a hand edit)
 * counted as no version rolled back, so a retained notice of a release rolled back before was applied again, and the
 * next rollback rewrote the file with its own version alone. Now no release is applied on that asset while the list
 * cannot be read, each notice refused as any refusal is (naming the file), and applied once the file is put right.
 * Real signed releases, a real store.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeOf, startUpdater } from '../helpers/updater-fixture.js';

describe('a rolled-back.json that cannot be read', () => {
  it('applies no release on that asset, says why naming the file, and applies a release again once it is removed', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-rolled-back-bad-'));
    const file = join(store, 'pump-1', 'rolled-back.json');
    await mkdir(join(store, 'pump-1'));
    await writeFile(file, '["2.0.0", "1.9'); // cut short: the disk filled while it was written by another program
    const f = await startUpdater({ store });
    try {
      await f.release('v2', '2.0.0', 2);
      f.notice('2.0.0', 'v2');
      await f.updater.idle();
      expect(f.current().version).toBe('1.0.0+seed7');
      expect(f.events).toHaveLength(1);
      expect(f.events[0]).toMatchObject({ outcome: 'rejected', version: '2.0.0', asset: 'pump-1' });
      expect(f.events[0].reason).toMatch(
        new RegExp(
          `^rolled_back_unreadable: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+: the versions rolled back on ` +
            'pump-1 cannot be read, so no release is applied there until the file is put right \\(fix or remove it\\)$',
        ),
      );
      expect(await readFile(file, 'utf8')).toBe('["2.0.0", "1.9'); // left as it was
      await rm(file); // put right: no version rolled back there
      await f.release('v3', '2.0.1', 3);
      f.notice('2.0.1', 'v3');
      await f.updater.idle();
      expect(f.events.map(outcomeOf).at(-1)).toBe('2.0.1:applied');
      expect(f.current().version).toBe('2.0.1');
    } finally {
      await f.close();
    }
  }, 60_000);
});
