/**
 * The model store's own files, beside an asset's release folders in `<store>/<asset>/`: the confirmed release a
 * restart loads, the versions rolled back there, and the release on probation, each written through a temporary file
 * of its own (writeStoreJson). A release is stored as `<store>/<asset>/<signed version>/`, so a signed version may
 * never take one of these names (release-download.ts checkNotice); names starting with a dot (the `.incoming-*`
 * folders a release is written into) are already refused by the plain-name rule.
 */
import { replaceFile } from '../core/replace-file.js';

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
 * Writes `value` as JSON to the store file `path` in one step: written to its temporary file (`<path>.tmp`) and synced
 * to the disk, then renamed over it, and its folder synced; so a reader, or a restart after a power cut, finds the
 * file as it was or as it is now, never half written.
 */
export async function writeStoreJson(path: string, value: unknown): Promise<void> {
  await writeStoreFile(path, JSON.stringify(value));
}

/** writeStoreJson for bytes: written to `<path>.tmp`, synced, renamed over `path`, its folder synced (replaceFile). */
export async function writeStoreFile(path: string, data: string | Uint8Array): Promise<void> {
  await replaceFile(path, data, { suffix: TMP_SUFFIX, durable: true });
}
