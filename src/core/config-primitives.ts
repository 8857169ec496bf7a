/** Schema pieces every component's configuration uses: names and TCP ports. */
import { z } from 'zod';

/** A source, asset, channel or action name: safe in metrics labels, file names and URLs. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');

export const portSchema = z.number().int().min(1).max(65535);

/** Where the config file's paths are resolved: its folder, and `data_dir` (already absolute). */
export interface ConfigPaths {
  readonly baseDir: string;
  readonly dataDir: string;
}

/** The names listed more than once. */
export function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}
