/**
 * The model store's records as another reader finds them while they are written: the versions rolled back on an asset
 * are read by an update (is this version one of them?) while a rollback, which does not wait for updates, records
 * another.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelStore } from '../../src/sync/model-store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { logLines } from '../helpers/log-lines.js';

describe('ModelStore', () => {
  it('never lets a reader find the versions rolled back half written while another is recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-store-'));
    const before = Array.from({ length: 3 }, (_, i) => `1.0.${i}`);
    await mkdir(join(dir, 'pump-1'));
    await writeFile(join(dir, 'pump-1', 'rolled-back.json'), JSON.stringify(before));
    const store = new ModelStore(dir, silentLogger());
    let recording = true;
    const short: number[] = [];
    const reader = (async () => {
      while (recording) {
        const found = (await store.rolledBack('pump-1')).versions.length;
        if (found < before.length) short.push(found);
        // The file is read at once (json-file.ts): give the rollbacks being recorded their turn, as any reader does.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 30; i++) await store.recordRolledBack('pump-1', `2.0.${i}`);
    recording = false;
    await reader;
    expect(short).toEqual([]);
    expect((await store.rolledBack('pump-1')).versions).toHaveLength(before.length + 30);
  });

  it('leaves a versions list it cannot read as it is when recording a rollback, and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-store-'));
    const file = join(dir, 'pump-1', 'rolled-back.json');
    await mkdir(join(dir, 'pump-1'));
    await writeFile(file, '["1.0.0", "1.0');
    const log = logLines();
    await new ModelStore(dir, log.logger).recordRolledBack('pump-1', '2.0.0');
    expect(await readFile(file, 'utf8')).toBe('["1.0.0", "1.0'); // rewritten, it would have lost 1.0.0
    const [line, ...more] = log.at(50);
    expect(more).toEqual([]);
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(line).toMatch(
      new RegExp(
        `^cannot record the rollback of 2\\.0\\.0: ${escaped}: .+: the versions rolled back on pump-1 cannot be read, ` +
          'so no release is applied there until the file is put right \\(fix or remove it\\); left as it is$',
      ),
    );
  });
});
