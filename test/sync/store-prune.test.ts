/**
 * The model store stays bounded: after a confirmation, release folders no restart runs are removed; the store's own
 * files, a release being written (`.incoming-*`) and the folders to keep are left alone.
 */
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneReleases } from '../../src/sync/store-prune.js';

describe('pruneReleases', () => {
  it('removes the release folders not kept, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-prune-'));
    for (const v of ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rolled-back', '.incoming-0a1b2c'])
      await mkdir(join(dir, v, 'sub'), { recursive: true });
    for (const f of ['active.json', 'rolled-back.json', 'notes.txt']) await writeFile(join(dir, f), '{}');
    const removed = await pruneReleases(dir, [join(dir, '1.2.0'), join(dir, '1.1.0/')]);
    expect(removed.sort()).toEqual(['1.0.0', '1.3.0-rolled-back']);
    expect((await readdir(dir)).sort()).toEqual([
      '.incoming-0a1b2c',
      '1.1.0',
      '1.2.0',
      'active.json',
      'notes.txt',
      'rolled-back.json',
    ]);
  });
});
