/** Schema pieces every component's configuration uses: names, plain file names and TCP ports. */
import { z } from 'zod';

/** A source, asset, channel or action name: safe in metrics labels, file names and URLs. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');

/**
 * A file or folder name that stays inside its folder: letters, digits, `.`, `_`, `+`, `-`, not starting with a dot
 * (so never `..`, a path, a URL or a hidden file), at most 128 characters. Model manifests' files, release folders.
 */
export const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export const plainFileNameSchema = z
  .string()
  .regex(PLAIN_FILE_NAME, 'expected a plain file name in the model folder (letters, digits, . _ + -, no path)');

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
