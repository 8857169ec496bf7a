/**
 * The model store's own files, beside an asset's release folders in `<store>/<asset>/`: the confirmed release a
 * restart loads (and the temporary file it is written through), the versions rolled back there, and the release on
 * probation. A release is stored as `<store>/<asset>/<signed version>/`, so a signed version may never take one of
 * these names (release-download.ts checkNotice); names starting with a dot (the `.incoming-*` folders a release is
 * written into) are already refused by the plain-name rule.
 */
export const ACTIVE_FILE = 'active.json';
/** Written, then renamed over ACTIVE_FILE. */
export const ACTIVE_TMP_FILE = `${ACTIVE_FILE}.tmp`;
export const ROLLED_BACK_FILE = 'rolled-back.json';
/** The release on probation, while it is (interrupted-probation.ts), and the temporary file it is written through. */
export const PROBATION_FILE = 'probation.json';
export const PROBATION_TMP_FILE = `${PROBATION_FILE}.tmp`;

export const STORE_FILES: readonly string[] = [
  ACTIVE_FILE,
  ACTIVE_TMP_FILE,
  ROLLED_BACK_FILE,
  PROBATION_FILE,
  PROBATION_TMP_FILE,
];
/** The temporary folders a release is written into before it is renamed into place (release-download.ts). */
export const INCOMING_PREFIX = '.incoming-';
