/**
 * The model store's own files, beside an asset's release folders in `<store>/<asset>/`: the confirmed release a
 * restart loads, the versions rolled back there, and the release on probation, each written through a temporary file
 * of its own (writeStoreJson). A release is stored as `<store>/<asset>/<signed version>/`, so a signed version may
 * never take one of these names (release-download.ts checkNotice); names starting with a dot (the `.incoming-*`
 * folders a release is written into) are already refused by the plain-name rule.
 */
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The temporary file a store file is written through (writeStoreJson): named after it with this ending. */
const TMP_SUFFIX = '.tmp';

export const ACTIVE_FILE = 'active.json';
export const ROLLED_BACK_FILE = 'rolled-back.json';
/** The release on probation, while it is (interrupted-probation.ts). */
export const PROBATION_FILE = 'probation.json';

/** Each of the store's files, and the temporary file it is written through. */
export const STORE_FILES: readonly string[] = [ACTIVE_FILE, ROLLED_BACK_FILE, PROBATION_FILE].flatMap((file) => [
  file,
  `${file}${TMP_SUFFIX}`,
]);
/** The temporary folders a release is written into before it is renamed into place (release-download.ts). */
export const INCOMING_PREFIX = '.incoming-';

/**
 * Writes `data` to the new file `path` and syncs it to the disk, so that a power cut after it finds the file whole.
 * Made new ('wx', which follows no link): a file or link already there fails it, never written through.
 */
export async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Syncs a folder to the disk: a file renamed into it is found there after a power cut. A file system that cannot sync
 * a folder (EINVAL, ENOTSUP) leaves the rename as durable as it makes it.
 */
export async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync().catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EINVAL' && err.code !== 'ENOTSUP') throw err;
    });
  } finally {
    await folder.close();
  }
}

/**
 * Writes `value` as JSON to the store file `path` in one step: written to its temporary file (`<path>.tmp`) and synced
 * to the disk, then renamed over it, and its folder synced; so a reader, or a restart after a power cut, finds the
 * file as it was or as it is now, never half written.
 */
export async function writeStoreJson(path: string, value: unknown): Promise<void> {
  await writeStoreFile(path, JSON.stringify(value));
}

/** writeStoreJson for bytes: written to `<path>.tmp`, synced, renamed over `path`, its folder synced. */
export async function writeStoreFile(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}${TMP_SUFFIX}`;
  // One left there (a crash's, or a planted link) is removed, not written through.
  await rm(tmp, { force: true });
  await writeSynced(tmp, data);
  await rename(tmp, path);
  await syncFolder(dirname(path));
}
