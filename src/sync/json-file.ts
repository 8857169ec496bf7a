/**
 * A JSON file this gateway wrote itself, read as hostile all the same (a disk fault, a hand edit, another program): at
 * most `maxBytes` read (a larger file is refused by its size, unread), then parsed and checked against a zod schema.
 * What is wrong is said in one line naming the file, never quoting its text. Only a regular file is read: the open
 * does not wait (a FIFO there, or a link to one or to a terminal, blocked it, and the gateway's start with it).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues } from '../core/format-issues.js';

export type JsonFileRead<T> = { readonly value: T } | { readonly absent: true } | { readonly why: string };

/** `path` read and checked: its value, `absent` where there is no file, or why it is unusable (`<path>: …`). */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, maxBytes: number): JsonFileRead<T> {
  let text: string;
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) return { why: `${path}: not a regular file` };
      const { size } = info;
      if (size > maxBytes) return { why: `${path}: ${size} bytes, over ${maxBytes}` };
      const buffer = Buffer.alloc(size);
      const read = size > 0 ? readSync(fd, buffer, 0, size, 0) : 0;
      text = buffer.subarray(0, read).toString('utf8');
    } finally {
      closeSync(fd);
    }
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
