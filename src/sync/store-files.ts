/**
 * The model store's own files, beside an asset's release folders in `<store>/<asset>/`: the confirmed release a
 * restart loads (and the temporary file it is written through), the versions rolled back there, and the release on
 * probation. A release is stored as `<store>/<asset>/<signed version>/`, so a signed version may never take one of
 * these names (release-download.ts checkNotice); names starting with a dot (the `.incoming-*` folders a release is
 * written into) are already refused by the plain-name rule.
 */
import { rename, writeFile } from 'node:fs/promises';

/** The temporary file a store file is written through (writeStoreJson) is named after it with this ending. */
const TMP_SUFFIX = '.tmp';

export const ACTIVE_FILE = 'active.json';
/** Written, then renamed over ACTIVE_FILE. */
export const ACTIVE_TMP_FILE = `${ACTIVE_FILE}${TMP_SUFFIX}`;
export const ROLLED_BACK_FILE = 'rolled-back.json';
/** The release on probation, while it is (interrupted-probation.ts), and the temporary file it is written through. */
export const PROBATION_FILE = 'probation.json';
export const PROBATION_TMP_FILE = `${PROBATION_FILE}${TMP_SUFFIX}`;

export const STORE_FILES: readonly string[] = [
  ACTIVE_FILE,
  ACTIVE_TMP_FILE,
  ROLLED_BACK_FILE,
  PROBATION_FILE,
  PROBATION_TMP_FILE,
];
/** The temporary folders a release is written into before it is renamed into place (release-download.ts). */
export const INCOMING_PREFIX = '.incoming-';

/**
 * Writes `value` as JSON to the store file `path` in one step: written to its temporary file (`<path>.tmp`), then
 * renamed over it, so a reader finds the file as it was or as it is now, never half written.
 */
export async function writeStoreJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}${TMP_SUFFIX}`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, path);
}
