/**
 * Reads a YAML document for any of our schemas: YAML errors with line and column, `${ENV}`
 * substitution, then the schema's own check, every problem reported as "path: message".
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { ConfigError, LinewatchError } from './errors.js';
import { substituteEnv } from './env-substitution.js';
import { formatIssues, formatPath } from './format-issues.js';
import { MAX_YAML_DEPTH, tooDeep } from './yaml-depth.js';

export async function readTextFile(file: string, what: string): Promise<{ path: string; text: string }> {
  const path = resolve(file);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (err) {
    throw new LinewatchError(
      'CONFIG_FILE',
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/**
 * Where a tree holds itself (`a: &x [*x]`, which the YAML library turns into a list that is its own item): the path of
 * the first mapping or list found inside itself; undefined where there is none. Every later step walks the tree, and
 * such a loop overflowed the stack (a RangeError instead of a message).
 */
export function aliasLoop(tree: unknown): PropertyKey[] | undefined {
  const open = new Set<object>();
  const visit = (node: unknown, at: PropertyKey[]): PropertyKey[] | undefined => {
    if (typeof node !== 'object' || node === null) return undefined;
    if (open.has(node)) return at;
    open.add(node);
    const entries: [PropertyKey, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      const found = visit(value, [...at, key]);
      if (found) return found;
    }
    open.delete(node);
    return undefined;
  };
  return visit(tree, []);
}

export function parseYamlDocument<S extends z.ZodType>(
  schema: S,
  text: string,
  path: string,
  env: NodeJS.ProcessEnv,
  /** Where a placeholder of a variable that is not set stays as written, not an issue (env-substitution.ts). */
  leaveUnset?: (path: string) => boolean,
): z.infer<S> {
  let tree: unknown;
  // Before the library composes it (recursively): a text nested thousands deep ended the process (yaml-depth.ts).
  const deep = tooDeep(text);
  if (deep)
    throw new ConfigError(path, [
      `line ${deep.line}, column ${deep.col}: mappings and lists nested more than ${MAX_YAML_DEPTH} deep: a configuration is a few levels deep`,
    ]);
  // A warning (an unknown tag such as `!secret`) is a problem of the file too, not a line on the console.
  const doc = parseDocument(text, { prettyErrors: true, logLevel: 'error' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    throw new ConfigError(path, [
      // The pretty message repeats the position (" at line 12, column 3:") before its snippet: said once, up front.
      `${pos ? `line ${pos.line}, column ${pos.col}` : 'YAML'}: ${problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}${layoutHint(problem, text)}`,
    ]);
  }
  try {
    tree = doc.toJS();
  } catch (err) {
    // e.g. "Excessive alias count indicates a resource exhaustion attack" (an alias bomb).
    throw new ConfigError(path, [`YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const loop = aliasLoop(tree);
  if (loop)
    throw new ConfigError(path, [
      `${formatPath(loop)}: holds itself through a YAML alias (an anchor &name used as *name inside what it names): a configuration cannot be a loop`,
    ]);
  const envIssues: string[] = [];
  const retyped = new Map<string, string>();
  tree = substituteEnv(tree, env, envIssues, '', retyped, leaveUnset);
  let parsed = schema.safeParse(tree ?? {});
  if (envIssues.length > 0) {
    // Every problem at once: the unset variables, and the file's other problems but those the empty values left
    // where the variables were (a port that is no number).
    const unset = envIssues
      .map((issue) => issue.slice(0, issue.indexOf(': environment variable')))
      .map((u) => (u === '(root)' ? '' : u)); // the whole document was one variable
    const under = (p: string) =>
      unset.some((u) => u === '' || p === u || p.startsWith(`${u}.`) || p.startsWith(`${u}[`));
    const others = parsed.success ? [] : parsed.error.issues.filter((i) => !under(issuePath(i.path)));
    throw new ConfigError(path, [...envIssues, ...(others.length > 0 ? formatIssues(others, schema, tree ?? {}) : [])]);
  }
  // A placeholder that expanded to digits where the schema wants text (a password) takes its text back.
  const back = parsed.success
    ? []
    : parsed.error.issues.filter(
        (i) => i.code === 'invalid_type' && i.expected === 'string' && retyped.has(issuePath(i.path)),
      );
  if (back.length > 0) {
    for (const issue of back) setAt(tree, issue.path, retyped.get(issuePath(issue.path))!);
    parsed = schema.safeParse(tree ?? {});
  }
  if (!parsed.success) throw new ConfigError(path, formatIssues(parsed.error.issues, schema, tree ?? {}));
  return parsed.data;
}

/**
 * For the YAML errors an indentation slip or a missing comma makes, what the lines say and what to check, since the
 * parser's words ("Nested mappings are not allowed in compact mappings") name its grammar, not the slip. A line is
 * quoted without the value of a key that may hold a secret (password, token, key).
 */
function layoutHint(problem: YAMLError, text: string): string {
  const from = problem.linePos?.[0];
  if (!from) return '';
  const lines = text.split(/\r?\n/);
  const quoted = (n: number) =>
    JSON.stringify((lines[n - 1] ?? '').trim().replace(/^(.*(?:password|token|secret|key)[^:]*:).*$/i, '$1 …'));
  const sameColumn = 'the keys of one mapping start in the same column';
  const commas = `: ${quoted(from.line)}; inside { } or [ ] the entries are separated by commas`;
  const flow = /[{[]/.test(lines[from.line - 1] ?? '');
  if (problem.code === 'BLOCK_IN_FLOW') return commas;
  if (problem.code === 'BLOCK_AS_IMPLICIT_KEY' || problem.code === 'MULTILINE_IMPLICIT_KEY') {
    if (flow) return commas;
    // The key's value runs on into the next line, indented further than the key, and so is read as part of it.
    const next = nextContentLine(lines, from.line);
    return next && indentOf(lines[next - 1]) > indentOf(lines[from.line - 1])
      ? `: line ${from.line} ${quoted(from.line)} runs on into line ${next} ${quoted(next)}, indented further than it: ${sameColumn}`
      : '';
  }
  // A quoted value that ends where its text goes on: a quote of the same kind inside it (a Siemens node id,
  // ns=3;s="DB_Pump"."Flow", written in double quotes).
  const quote = (lines[from.line - 1] ?? '')[from.col - 2];
  if (problem.code === 'UNEXPECTED_TOKEN' && (quote === '"' || quote === "'"))
    return quote === '"'
      ? `: ${quoted(from.line)}; a value in double quotes ends at its next ": one that holds double quotes, as a Siemens node id does, goes in single quotes ('ns=3;s="DB_Pump"."Flow"')`
      : `: ${quoted(from.line)}; a value in single quotes ends at its next ': write a quote inside it twice ('it''s'), or put the value in double quotes`;
  if (problem.code === 'MISSING_CHAR' && problem.message.startsWith('Sequence item without'))
    return `: line ${from.line} ${quoted(from.line)} is indented less than the keys above it: ${sameColumn}`;
  return '';
}

const indentOf = (line: string) => line.search(/\S/);

/** The number (from 1) of the first line after `line` that is neither blank nor a comment. */
function nextContentLine(lines: readonly string[], line: number): number | undefined {
  for (let n = line + 1; n <= lines.length; n++) if (!/^\s*(#.*)?$/.test(lines[n - 1])) return n;
  return undefined;
}

/** A zod issue path as substituteEnv writes paths: `a.b[0].c`. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

function setAt(tree: unknown, path: readonly PropertyKey[], value: string): void {
  let node = tree as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<PropertyKey, unknown>;
  node[path[path.length - 1]] = value;
}
