/**
 * Turns schema issues into "path: message" lines, the path written as `sources[1].registers[3].type`; a key that is
 * not a plain name (blank, spaces, dots, quotes) is written quoted, `gateway[" name"]`, so it can be seen.
 */
import type { z } from 'zod';
import { keysAt, nearestKey } from './schema-keys.js';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (!PLAIN_KEY.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/**
 * `schema`, where given (and `input`, what was parsed): an unknown key is named with the key it most likely misspells
 * (`did you mean …?`) among those its object takes.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, input?: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? keysAt(schema, issue.path, input) : [];
      for (const key of issue.keys) {
        const meant = nearestKey(key, known);
        lines.push(`${formatPath([...issue.path, key])}: unknown key${meant ? `; did you mean ${meant}?` : ''}`);
      }
    } else if (issue.code === 'invalid_value') {
      lines.push(`${formatPath(issue.path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`);
    } else if (issue.code === 'invalid_union' && issue.path.length > 0) {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}
