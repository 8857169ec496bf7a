/**
 * `--report page.html` (train, eval) where something is already at that name, on real files: a link (one another user
 * left in a shared folder) is replaced by the page, never written through to the file it points to; so is a link left
 * at the page's partial file; a file of the page's name is replaced whole.
 */
import { lstat, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportPage } from '../../src/report/report-data.js';
import { renderReport, writeReport } from '../../src/report/render-report.js';

const PAGE: ReportPage = { title: 'written', files: [] };
const VICTIM_TEXT = 'ssh-ed25519 AAAA... the victim file\n';

/** A folder with a file the page must not touch ("victim"). */
async function folder(): Promise<{ dir: string; victim: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-report-links-'));
  const victim = join(dir, 'victim');
  await writeFile(victim, VICTIM_TEXT);
  return { dir, victim };
}

describe('writeReport over what is already at the page name', () => {
  it('replaces a link at page.html with the page, leaving the file it pointed to as it was (regression)', async () => {
    const { dir, victim } = await folder();
    const page = join(dir, 'page.html');
    await symlink(victim, page);
    expect(await writeReport(page, PAGE)).toBe(page);
    expect(await readFile(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect((await lstat(page)).isFile()).toBe(true);
    expect(await readFile(page, 'utf8')).toBe(renderReport(PAGE));
    expect((await readdir(dir)).sort()).toEqual(['page.html', 'victim']);
  });

  it('does not write through a link left at page.html.partial', async () => {
    const { dir, victim } = await folder();
    const page = join(dir, 'page.html');
    await symlink(victim, `${page}.partial`);
    await writeReport(page, PAGE);
    expect(await readFile(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(await readFile(page, 'utf8')).toBe(renderReport(PAGE));
    expect((await readdir(dir)).sort()).toEqual(['page.html', 'victim']);
  });

  it('replaces a longer file of that name whole (no tail of the old one left)', async () => {
    const { dir } = await folder();
    const page = join(dir, 'page.html');
    await writeFile(page, 'x'.repeat(renderReport(PAGE).length * 2));
    await writeReport(page, PAGE);
    expect(await readFile(page, 'utf8')).toBe(renderReport(PAGE));
  });
});
