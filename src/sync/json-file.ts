/**
 * A JSON file this gateway wrote itself, read as hostile all the same (a disk fault, a hand edit, another program): at
 * most `maxBytes` read (a larger file is refused by its size, unread), then parsed and checked against a zod schema.
 * What is wrong is said in one line naming the file, never quoting its text. Only a regular file is read, opened
 * without waiting (readRegularFileSync: a FIFO there, or a link to one or to a terminal, blocked the gateway's start).
 */
import { z } from 'zod';
import { formatIssues } from '../core/format-issues.js';
import { readRegularFileSync } from '../core/regular-file.js';

export type JsonFileRead<T> = { readonly value: T } | { readonly absent: true } | { readonly why: string };

/** `path` read and checked: its value, `absent` where there is no file, or why it is unusable (`<path>: …`). */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, maxBytes: number): JsonFileRead<T> {
  let text: string;
  try {
    text = readRegularFileSync(path, maxBytes).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { absent: true };
    return { why: `${path}: ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { why: `${path}: not JSON` };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { value: parsed.data };
  const issues = formatIssues(parsed.error.issues).map((line) => line.replace(/^\(root\): /, ''));
  return { why: `${path}: ${issues.join('; ')}` };
}
