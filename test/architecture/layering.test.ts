/**
 * The layering of src/ (docs/architecture.md), checked on every import: a folder imports only
 * from its own folder and from folders in lower layers, and no module imports itself back
 * through others (no cycle, type-only imports included). Reads the sources, runs nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Lowest first. A folder may import from a folder of a lower layer, never from its own layer's siblings. */
export const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['telemetry'],
  ['windows', 'buffer', 'inference', 'alarms'],
  ['sources', 'sinks', 'sync'],
  ['actions'],
  ['registry'],
  ['config'],
  ['runtime'],
  ['api'],
  ['daemon'],
  ['remote-config'],
  // Apart from the gateway: the Node-RED nodes and tools built on it, each above what it uses.
  ['node-red', 'sim', 'testing'],
  ['training'],
  ['eval', 'report'],
  ['bench', 'soak'],
  ['cli'],
];

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of a module (static, re-export, dynamic, type-only), as src/-relative .ts paths. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '.');

const graph = new Map(sourceFiles(SRC).map((f) => [relative(SRC, f), importsOf(f)]));

/** Strongly connected components of more than one module (or a module importing itself): the cycles. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('layering of src/', () => {
  it('puts every folder of src/ in a layer', () => {
    const folders = new Set([...graph.keys()].map(folderOf));
    expect([...folders].filter((f) => !rank.has(f))).toEqual([]);
  });

  it('has no import from a folder of the same or a higher layer', () => {
    const against: string[] = [];
    for (const [file, imports] of graph)
      for (const target of imports) {
        const from = folderOf(file);
        const to = folderOf(target);
        if (from !== to && !(rank.get(to)! < rank.get(from)!)) against.push(`${file} imports ${target}`);
      }
    expect(against).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle and an import against the layers when there is one', () => {
    const made = new Map([
      ['a/x.ts', ['a/y.ts']],
      ['a/y.ts', ['a/z.ts']],
      ['a/z.ts', ['a/x.ts']],
      ['b/w.ts', []],
    ]);
    expect(cycles(made)).toEqual([['a/x.ts', 'a/y.ts', 'a/z.ts']]);
    expect(
      importsOf(join(SRC, 'core/x.ts'), "import type { A } from '../runtime/a.js';\nexport * from './b.js';"),
    ).toEqual(['runtime/a.ts', 'core/b.ts']);
  });
});
