/**
 * What `linewatch dataset`'s presets share: the flags as commander hands them over, a whole-number flag checked
 * against its range, and writing the files into --out without mixing them with another data set's.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './usage.js';

/** The flags as commander hands them over (strings). */
export interface DatasetOptions {
  out?: string;
  preset?: string;
  channels?: string;
  periodMs?: string;
  rows?: string;
  files?: string;
  seed?: string;
  noiseScale?: string;
  faults?: string;
  recovering?: string;
  analysers?: string;
}

export function integerFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  [min, max]: readonly [number, number],
  note = '',
): number {
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    throw new UsageError(`${flag} ${raw}: expected an integer from ${min} to ${max}${note}`);
  return value;
}

/**
 * Writes a data set's files (name → text) into `out`, created if missing. `eval` reads every labelled CSV under a
 * folder: files of an earlier, different data set would be scored too, so a folder holding others is refused.
 */
export function writeDatasetFiles(out: string, files: ReadonlyMap<string, string>): void {
  mkdirSync(out, { recursive: true });
  const strangers = readdirSync(out).filter((name) => !files.has(name));
  if (strangers.length > 0) {
    const examples = strangers.slice(0, 3).join(', ');
    throw new UsageError(
      `--out ${out}: holds ${strangers.length} file(s) this data set would not replace (${examples}); choose an empty or new folder`,
    );
  }
  for (const [name, text] of files) writeFileSync(join(out, name), text);
}
