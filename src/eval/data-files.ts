/**
 * The files eval reads under its --data path: every CSV (or other named file) in a folder, or the path itself, and
 * whether a file's header has labels.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { csvHeader } from '../core/csv-table.js';

/** Every CSV file under `dir` (or `dir` itself, a file), sorted; `.csv` or `.tsv` (tab-separated) in any case. */
export function csvFilesUnder(dir: string): string[] {
  return filesUnder(dir, /\.[ct]sv$/i);
}

/** Every file under `dir` (or `dir` itself, a file) whose name matches `name`, sorted. */
export function filesUnder(dir: string, name: RegExp): string[] {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) throw new Error(`--data ${dir}: no such file or folder`);
  if (info.isFile()) return [dir];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      const info = statSync(p);
      if (info.isDirectory()) walk(p);
      // A FIFO or a socket named .csv would block the header read: regular files only.
      else if (info.isFile() && name.test(entry)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Whether a CSV's header has the anomaly label column (in any case: `Anomaly`), or the one `labelName` names. */
export const hasLabels = (path: string, labelName?: string): boolean =>
  csvHeader(path).some((h) => (labelName ? h === labelName : h.toLowerCase() === 'anomaly'));
