/**
 * `npm run build` (tsc's build mode, incremental) starts `npm run demo` and the test run in a second once dist/ is
 * built: run again with src/ unchanged it writes nothing; a changed source is compiled again; a removed dist/ (which
 * holds the build information) is built whole. Checked with the repository's build command, tsconfig.json and
 * compiler, on a three-file src/ in a temporary folder; tsc lists each file it writes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } };

/**
 * Runs `act` on a project with the repository's tsconfig.json (src/a.ts importing src/b.ts, src/c.ts on its own),
 * built once, then removes it.
 */
async function withBuiltProject(act: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-build-'));
  try {
    await cp(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'b.ts'), 'export const b: number = 1;\n');
    await writeFile(join(dir, 'src', 'a.ts'), "import { b } from './b.js';\nexport const a = b + 1;\n");
    await writeFile(join(dir, 'src', 'c.ts'), 'export const c = 3;\n');
    expect(await build(dir)).toEqual(WHOLE);
    await act(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds as `npm run build` does; the files tsc wrote, relative to the project, sorted. */
async function build(dir: string): Promise<string[]> {
  const [tsc, ...args] = pkg.scripts.build.split(' ');
  expect(tsc).toBe('tsc');
  const { stdout } = await run(process.execPath, [TSC, ...args, '--listEmittedFiles'], { cwd: dir });
  return [...stdout.matchAll(/^TSFILE: (.+)$/gm)].map((m) => relative(dir, m[1])).sort();
}

const WHOLE = ['dist/.tsbuildinfo', ...['a', 'b', 'c'].flatMap((f) => [`dist/${f}.js`, `dist/${f}.js.map`])];

describe('npm run build', () => {
  it('writes nothing when no source changed since the last build', () =>
    withBuiltProject(async (dir) => {
      expect(await build(dir)).toEqual([]);
    }));

  it('compiles a changed source (and what imports it) again, not the others', () =>
    withBuiltProject(async (dir) => {
      await writeFile(join(dir, 'src', 'b.ts'), 'export const b: number = 41;\n');
      const written = await build(dir);
      expect(written).toContain('dist/b.js');
      expect(written).not.toContain('dist/c.js');
      expect(await readFile(join(dir, 'dist', 'b.js'), 'utf8')).toContain('export const b = 41;');
    }));

  it('builds everything again when dist/ was removed', () =>
    withBuiltProject(async (dir) => {
      await rm(join(dir, 'dist'), { recursive: true });
      expect(await build(dir)).toEqual(WHOLE);
    }));
});
