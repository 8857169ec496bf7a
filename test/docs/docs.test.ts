/**
 * The README is the front door: short, opening with the two commands a newcomer types (the second
 * is exactly what CI runs), with a picture; it and docs/ link only to files that exist, their
 * tables are whole, and nothing reads ../shared/, which a clone does not have.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const DEMO = 'ONNXRUNTIME_NODE_INSTALL=skip npm ci && npm run demo';
const TESTS = 'bash scripts/install-test-deps.sh && ONNXRUNTIME_NODE_INSTALL=skip npm ci && npm test';
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n'));

/** The text outside fenced code blocks. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** Markdown link and image targets outside code, with the line they are on. */
function links(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  prose(text)
    .split('\n')
    .forEach((line, i) => {
      for (const m of line.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) out.push({ target: m[1], line: i + 1 });
    });
  return out;
}

/** The cells of a table row, split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('README and docs', () => {
  it('the README is under 12 kB and starts with the demo command, then the command CI runs', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12_000);
    expect(readme.startsWith(`# linewatch\n\n\`\`\`sh\n${DEMO}\n\`\`\`\n\n\`\`\`sh\n${TESTS}\n\`\`\`\n`)).toBe(true);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').trim().split('\n');
    expect(ci.at(-1)).toBe(TESTS);
  });

  it('the README shows a committed picture and links the quick starts', () => {
    const images = links(readme).filter(({ target }) => /\.(png|svg|jpe?g)$/.test(target));
    expect(images.length).toBeGreaterThan(0);
    for (const { target } of images) expect(tracked.has(target), target).toBe(true);
    const targets = links(readme).map((l) => l.target);
    expect(targets).toEqual(expect.arrayContaining(['docs/container.md', 'docs/node-red.md', 'docs/operations.md']));
  });

  it('every relative link in README.md and docs/*.md points at a file that exists', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const { target, line } of links(readFileSync(join(ROOT, page), 'utf8'))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = join(ROOT, dirname(page), decodeURIComponent(target.split('#')[0]));
        if (!existsSync(path) || !relative(ROOT, path) || relative(ROOT, path).startsWith('..'))
          broken.push(`${page}:${line} ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every table has a header, a separator and the same number of cells in each row, none of them a wall', () => {
    const problems: string[] = [];
    for (const page of pages) {
      const lines = prose(readFileSync(join(ROOT, page), 'utf8')).split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i].startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
        const block: string[] = [];
        for (let j = i; lines[j]?.startsWith('|'); j++) block.push(lines[j]);
        const width = cells(block[0]).length;
        if (block.length < 2 || !cells(block[1]).every((c) => /^:?-{3,}:?$/.test(c)))
          problems.push(`${page}:${i + 1} a table without a header and separator`);
        block.forEach((row, k) => {
          if (cells(row).length !== width) problems.push(`${page}:${i + k + 1} ${cells(row).length} cells, header ${width}`);
          for (const c of cells(row)) if (c.length > 600) problems.push(`${page}:${i + k + 1} a cell of ${c.length} characters`);
        });
      }
    }
    expect(problems).toEqual([]);
  });

  it('nothing the repository ships reads ../shared/, which a clone does not have', () => {
    const hits: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(ROOT, dir))) {
        const path = join(dir, name);
        if (statSync(join(ROOT, path)).isDirectory()) walk(path);
        else if (/\.(ts|js|mjs|md|sh|yaml|json)$/.test(name) && /\.\.\/shared\//.test(readFileSync(join(ROOT, path), 'utf8')))
          hits.push(path);
      }
    };
    for (const dir of ['src', 'test', 'docs', 'scripts', 'config', 'flows', 'node-red']) walk(dir);
    expect(hits.filter((h) => h !== 'test/docs/docs.test.ts')).toEqual([]);
    expect(readme).not.toContain('../shared/');
  });
});
