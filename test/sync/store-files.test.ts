/**
 * The model store's files are written through `<file>.tmp`: a link planted there (the store folder is writable by
 * whoever can write the gateway's data) must not make the gateway write through it into the file it names.
 */
import { lstat, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStoreJson } from '../../src/sync/store-files.js';

describe('writeStoreJson', () => {
  it('does not write through a link left at the temporary file: the linked file is untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-store-files-'));
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'keep me');
    const file = join(dir, 'active.json');
    await symlink(victim, `${file}.tmp`);
    await writeStoreJson(file, { version: '1.2.0' });
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: '1.2.0' });
    expect((await lstat(file)).isSymbolicLink()).toBe(false);
  });

  it('replaces a temporary file a crash left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-store-files-'));
    const file = join(dir, 'rolled-back.json');
    await writeFile(`${file}.tmp`, '["0.9.0", "half writ');
    await writeStoreJson(file, ['1.0.0']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(['1.0.0']);
  });
});
