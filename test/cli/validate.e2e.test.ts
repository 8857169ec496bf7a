/** `linewatch validate` in a child process: exit codes and what it prints. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

describe('linewatch validate', () => {
  it('exits 0 and summarises a good config', async () => {
    const res = await runCli(['validate', '--config', 'config/demo.yaml']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /demo\.yaml: OK \(2 source\(s\), 13 tag\(s\), 2 asset\(s\) with models: pump-1=pump-hybrid@.*, press-1=press-ae@/,
    );
  });

  it('exits non-zero and prints every problem with its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-validate-'));
    const bad = (await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'))
      .replace('type: uint16', 'type: uint17')
      .replace('unit_id: 1', 'unit_id: 1\n    unit_idd: 2');
    await writeFile(join(dir, 'bad.yaml'), bad);
    const res = await runCli(['validate', '--config', join(dir, 'bad.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('sources[0].registers[0].type: expected one of');
    expect(res.stderr).toContain('sources[0].unit_idd: unknown key');
  });
});
