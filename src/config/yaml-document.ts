/**
 * Reads a YAML document for any of our schemas: YAML errors with line and column, `${ENV}`
 * substitution, then the schema's own check, every problem reported as "path: message".
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError, LinewatchError } from '../core/errors.js';
import { substituteEnv } from './env-substitution.js';
import { formatIssues } from './format-issues.js';

export async function readTextFile(file: string, what: string): Promise<{ path: string; text: string }> {
  const path = resolve(file);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (err) {
    throw new LinewatchError('CONFIG_FILE', `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function parseYamlDocument<S extends z.ZodType>(schema: S, text: string, path: string, env: NodeJS.ProcessEnv): z.infer<S> {
  let tree: unknown;
  try {
    tree = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new ConfigError(path, [`${pos ? `line ${pos.line}, column ${pos.col}` : 'YAML'}: ${err.message.split('\n')[0]}`]);
    }
    throw err;
  }
  const envIssues: string[] = [];
  tree = substituteEnv(tree, env, envIssues);
  if (envIssues.length > 0) throw new ConfigError(path, envIssues);
  const parsed = schema.safeParse(tree ?? {});
  if (!parsed.success) throw new ConfigError(path, formatIssues(parsed.error.issues));
  return parsed.data;
}
