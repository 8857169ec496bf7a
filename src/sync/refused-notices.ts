/**
 * The release notices refused for good, kept across restarts in `<store>/.refused-notices.json` (notice-memory.ts),
 * so that a tampered release announced by a retained notice is not downloaded again, and refused again, at every
 * start. Each is kept as the notice's sha256 (never its URL: the file names no path and no host), the refusal's code
 * and when: at most MAX_KEPT_REFUSALS, the most recent, a few kB. The file is read as hostile: over MAX_FILE_BYTES, not
 * JSON or not a list, it is set aside with a warning naming it (the notices are then downloaded again once, as
 * before); an entry not of that shape is left out. Asset names never start with a dot: no asset folder is this file.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../telemetry/logger.js';
import type { KeptRefusal } from './notice-memory.js';
import { writeStoreJson } from './store-files.js';

export const REFUSED_NOTICES_FILE = '.refused-notices.json';
/** Refusals kept across restarts: the most recent; far more than the releases a gateway is offered at once. */
export const MAX_KEPT_REFUSALS = 64;
/** A larger file is not read (64 entries take about 7 kB). */
const MAX_FILE_BYTES = 64 * 1024;

const KEY = /^[A-Za-z0-9+/]{43}=$/;
const CODE = /^[a-z_]{1,64}$/;

function isKept(e: unknown): e is KeptRefusal {
  const r = e as Partial<KeptRefusal> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.key === 'string' &&
    KEY.test(r.key) &&
    typeof r.code === 'string' &&
    CODE.test(r.code) &&
    typeof r.at === 'number' &&
    Number.isFinite(r.at) &&
    r.at >= 0
  );
}

/** The refusals kept in `storeDir`, oldest first; none where there is no file, or a warning where it is unusable. */
export async function readRefusedNotices(storeDir: string, logger: Logger): Promise<KeptRefusal[]> {
  const path = join(storeDir, REFUSED_NOTICES_FILE);
  const unusable = (why: string) => {
    logger.warn(
      { component: 'model-updates', file: path },
      `${path}: ${why}: not read; notices refused before this start are downloaded again once when they come`,
    );
    return [];
  };
  try {
    const { size } = await stat(path);
    if (size > MAX_FILE_BYTES) return unusable(`${size} bytes, over ${MAX_FILE_BYTES}`);
    const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) return unusable('not a list of refusals');
    return parsed.filter(isKept).slice(-MAX_KEPT_REFUSALS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return unusable(err instanceof SyntaxError ? `not JSON (${err.message})` : (err as Error).message);
  }
}

/** Keeps `refusals` (oldest first; the last MAX_KEPT_REFUSALS) in `storeDir`, written whole (write, sync, rename). */
export async function writeRefusedNotices(storeDir: string, refusals: readonly KeptRefusal[]): Promise<void> {
  await mkdir(storeDir, { recursive: true }); // before any release is stored
  await writeStoreJson(join(storeDir, REFUSED_NOTICES_FILE), refusals.slice(-MAX_KEPT_REFUSALS));
}
