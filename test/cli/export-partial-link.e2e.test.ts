/**
 * Regression: `linewatch export --out FILE` wrote through `FILE.partial` opened with 'w', which follows a link: a link
 * planted there (another user of a shared folder) had the export truncate and write the file it named, then the link
 * was renamed to FILE. Now a leftover `.partial` is removed and the file made new ('wx'). A real local store under the
 * demo configuration; the CLI in a child process.
 */
import { symlink, readFile, lstat, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { insertRows, openStoreDatabase, prepareStatements } from '../../src/sinks/local/store-tables.js';
import { runCli } from '../helpers/cli.js';
import { writeDemoConfig } from '../helpers/demo-config-file.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

describe('linewatch export --out', () => {
  it('never writes through a link left at <out>.partial', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-partial-'));
    const config = await writeDemoConfig(dir);
    const samples: Sample[] = [];
    for (let i = 0; i < 5; i++) {
      const ts = T0 + i * 200;
      for (const [channel, value] of Object.entries({ force: 10 + i, position: i, cycle_active: 1 }))
        samples.push({ source: 'press-plc', asset: 'press-1', channel, ts, value, quality: 'good' });
      const serial = { channel: 'serial', value: NaN, text: `PRS-${i}` };
      samples.push({ source: 'press-plc', asset: 'press-1', ts, quality: 'good', ...serial });
    }
    const db = openStoreDatabase(join(dir, 'store.db'));
    db.transaction(() =>
      insertRows(prepareStatements(db), { samples, scores: [], parts: [], alarms: [], holds: [], gaps: [] }),
    )();
    db.close();
    const victim = join(dir, 'authorized_keys');
    await writeFile(victim, 'ssh-ed25519 AAAA operator\n');
    const out = join(dir, 'press.csv');
    await symlink(victim, `${out}.partial`);
    const res = await runCli(['export', '--config', config, '--asset', 'press-1', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(await readFile(victim, 'utf8')).toBe('ssh-ed25519 AAAA operator\n'); // the CSV before the fix
    expect((await lstat(out)).isFile()).toBe(true); // a link to the victim before the fix
    expect((await readFile(out, 'utf8')).split('\n')[0]).toBe('timestamp,force,position,cycle_active,serial');
  }, 60_000);
});
