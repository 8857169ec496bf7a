/**
 * `--report PATH` (train, eval): a name ending in .html is the page's file (it made a folder named train.html, walker
 * w2, 2026-12-07); a folder left at such a name by an earlier run is refused before any work, naming it.
 */
import { mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');

describe('--report PATH', () => {
  it('train --report train.html writes the page as that file, not a folder of that name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-report-file-'));
    const page = join(dir, 'pages', 'train.html');
    const res = await runCli([
      'train',
      '--csv',
      CSV,
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--out',
      join(dir, 'model'),
      '--report',
      page,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect((await stat(page)).isFile()).toBe(true);
    expect(await readFile(page, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(res.stderr).toContain(`report written to ${page}\n`);
  }, 120_000);

  it('eval --report NAME.html where a folder of that name is: refused before any work, naming the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-report-folder-'));
    const old = join(dir, 'eval.html');
    await mkdir(old);
    const res = await runCli(['eval', '--data', join(ROOT, 'data/skab/valve1'), '--report', old]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `--report ${old}: a name ending in .html names the page's file, and ${old} is a folder (linewatch before ` +
        `2026-12-07 wrote ${join(old, 'index.html')} there); remove the folder or give another name`,
    );
    expect(res.stdout).toBe('');
  }, 60_000);
});
