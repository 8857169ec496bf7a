/** Schema pieces every component's configuration uses: names, plain file names, TCP ports and timer delays. */
import { z } from 'zod';

/** A source, asset, channel or action name: safe in metrics labels, file names and URLs. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');

/** A channel's engineering unit: any text on one line (it is an InfluxDB tag on each sample, which cannot hold a
 * line break: a `unit: |` block scalar keeps its last). */
export const unitSchema = z
  .string()
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\x00-\x1f\x7f]*$/, 'no line break or other control character (written as a tag on each sample)')
  .describe('Engineering unit, carried on the samples.');

/**
 * A file or folder name that stays inside its folder: letters, digits, `.`, `_`, `+`, `-`, not starting with a dot
 * (so never `..`, a path, a URL or a hidden file), at most 128 characters. Model manifests' files, release folders.
 */
export const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export const plainFileNameSchema = z
  .string()
  .regex(PLAIN_FILE_NAME, 'expected a plain file name in the model folder (letters, digits, . _ + -, no path)');

export const portSchema = z.number().int().min(1).max(65535);

/**
 * The longest a Node timer waits: 2^31 - 1 ms, about 24.8 days. setTimeout, setInterval and AbortSignal.timeout fire a
 * longer one after 1 ms (TimeoutOverflowWarning), so a setting meant to wait long would not wait at all.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a timer's setting stops at MAX_TIMER_MS, its bound written in the setting's unit. */
function timerTooLong(bound: string): string {
  return `Too big: expected at most ${bound} (2^31 - 1 ms, about 24.8 days): a timer cannot wait longer, and one set longer fires at once`;
}

/** A setting in milliseconds that a timer waits (an interval, a timeout): an integer from `min` to MAX_TIMER_MS. */
export function timerMsSchema(min: number) {
  return z
    .number()
    .int()
    .min(min)
    .max(MAX_TIMER_MS, timerTooLong(`${MAX_TIMER_MS} ms`));
}

/** A setting in seconds that a timer waits: a positive number of at most MAX_TIMER_MS / 1000. */
export function timerSecondsSchema() {
  return z
    .number()
    .positive()
    .max(MAX_TIMER_MS / 1000, timerTooLong(`${MAX_TIMER_MS / 1000} s`));
}

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
