/**
 * Reads the repository's Dockerfile into stages of instructions, as `docker build` sees them:
 * continuation lines joined, comments dropped, ARG defaults substituted in FROM. No engine runs
 * here, so the container tests replay and check what this returns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface Instruction {
  readonly op: string;
  /** Everything after the keyword, continuation lines joined by a space. */
  readonly args: string;
}

export interface Stage {
  readonly name: string;
  /** The image or earlier stage it starts from, ARGs substituted. */
  readonly from: string;
  /** `FROM --platform=...`: the platform it is pinned to (else the build's target platform). */
  readonly platform?: string;
  readonly instructions: readonly Instruction[];
}

export interface Copy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly dest: string;
}

export function readDockerfile(file = join(ROOT, 'Dockerfile')): {
  args: Record<string, string>;
  stages: Stage[];
} {
  const lines: string[] = [];
  let pending = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const continued = raw.endsWith('\\');
    pending += (pending ? ' ' : '') + (continued ? raw.slice(0, -1) : raw).trim();
    if (!continued) {
      if (pending) lines.push(pending);
      pending = '';
    }
  }
  const args: Record<string, string> = {};
  const stages: { name: string; from: string; platform?: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\w+)\s*(.*)$/.exec(line)!;
    const upper = op.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [key, value] = rest.split('=');
      args[key] = value ?? '';
    } else if (upper === 'FROM') {
      const words = rest.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '').split(/\s+/);
      const platform = words[0].startsWith('--platform=') ? words.shift()!.slice('--platform='.length) : undefined;
      const [image, , name] = words;
      stages.push({ name: name ?? String(stages.length), from: image, platform, instructions: [] });
    } else stages.at(-1)!.instructions.push({ op: upper, args: rest });
  }
  return { args, stages };
}

export function stage(stages: readonly Stage[], name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`Dockerfile has no stage ${name}`);
  return found;
}

/** The instructions of one kind in a stage. */
export function ops(s: Stage, op: string): string[] {
  return s.instructions.filter((i) => i.op === op).map((i) => i.args);
}

/** An exec-form argument list (`["node", "x.js"]`); a HEALTHCHECK's options are skipped. */
export function execForm(args: string): string[] {
  return JSON.parse(args.slice(args.indexOf('['))) as string[];
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** `ENV A=1 B=2` as a record. */
export function parseEnv(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}
