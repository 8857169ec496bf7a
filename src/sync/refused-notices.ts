/**
 * The release notices refused for good, kept across restarts in `<store>/.refused-notices.json` (notice-memory.ts),
 * so that a tampered release announced by a retained notice is not downloaded again, and refused again, at every
 * start. Each is kept as the notice's sha256 (never its URL: the file names no path and no host), the refusal's code
 * and when: at most MAX_KEPT_REFUSALS, the most recent, a few kB. The file is read as hostile (json-file.ts): over
 * MAX_FILE_BYTES, not JSON or not a list, it is not read, with a warning naming it and why (the notices are then
 * downloaded again once, as before, and the file written over at the next refusal); an entry not of that shape is left
 * out, the others kept. Asset names never start with a dot: no asset folder is this file.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../telemetry/logger.js';
import { readJsonFile } from './json-file.js';
import type { KeptRefusal } from './notice-memory.js';
import { writeStoreJson } from './store-files.js';

export const REFUSED_NOTICES_FILE = '.refused-notices.json';
/** Refusals kept across restarts: the most recent; far more than the releases a gateway is offered at once. */
export const MAX_KEPT_REFUSALS = 64;
/** A larger file is not read (64 entries take about 7 kB). */
const MAX_FILE_BYTES = 64 * 1024;

/** A kept refusal: the notice's sha256 (base64), the refusal's code, when (ms since the epoch). */
const keptRefusalSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  code: z.string().regex(/^[a-z_]{1,64}$/),
  at: z.number().nonnegative(),
});
/** The file: a list, each entry checked on its own (one of another shape is left out, the others kept). */
const refusedNoticesSchema = z.array(z.unknown(), { error: 'not a list of refusals' });

/** The refusals kept in `storeDir`, oldest first; none where there is no file, or a warning where it is unusable. */
export async function readRefusedNotices(storeDir: string, logger: Logger): Promise<KeptRefusal[]> {
  const path = join(storeDir, REFUSED_NOTICES_FILE);
  const read = readJsonFile(path, refusedNoticesSchema, MAX_FILE_BYTES);
  if ('why' in read) {
    logger.warn(
      { component: 'model-updates', file: path },
      `${read.why}: not read; notices refused before this start are downloaded again once when they come`,
    );
    return [];
  }
  if ('absent' in read) return [];
  return read.value
    .flatMap((e) => {
      const kept = keptRefusalSchema.safeParse(e);
      return kept.success ? [kept.data] : [];
    })
    .slice(-MAX_KEPT_REFUSALS);
}

/** Keeps `refusals` (oldest first; the last MAX_KEPT_REFUSALS) in `storeDir`, written whole (write, sync, rename). */
export async function writeRefusedNotices(storeDir: string, refusals: readonly KeptRefusal[]): Promise<void> {
  await mkdir(storeDir, { recursive: true }); // before any release is stored
  await writeStoreJson(join(storeDir, REFUSED_NOTICES_FILE), refusals.slice(-MAX_KEPT_REFUSALS));
}
