/**
 * Turns schema issues into "path: message" lines, the path written as `sources[1].registers[3].type`; a key that is
 * not a plain name (blank, spaces, dots, quotes) is written quoted, `gateway[" name"]`, so it can be seen.
 */
import type { z } from 'zod';

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

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
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
