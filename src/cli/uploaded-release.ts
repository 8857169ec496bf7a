/**
 * Before `model publish` announces a release, the release at its URL is fetched as a gateway fetches it (no redirect,
 * each file capped: release-download.ts) and must be the signed folder's, byte for byte: a notice for a folder not
 * uploaded yet, or for an older upload at the same URL, would send every gateway to a download that fails or to a
 * release it refuses. Where the publishing machine cannot reach the URL the gateways use, `--no-url-check` skips this.
 */
import { basename } from 'node:path';
import { redactCredentials } from '../core/redact.js';
import { downloadRelease } from '../sync/release-download.js';
import { MANIFEST_FILE, readReleaseDir, SIGNATURE_FILE, type ReleaseFiles } from '../sync/release-reader.js';

const SKIP = 'or --no-url-check where this machine cannot reach the URL the gateways use';

/** Resolves when the release at `url` is the one in `folder` (whose model file is `modelPath`); else throws why. */
export async function checkUploaded(folder: string, modelPath: string, url: string): Promise<void> {
  const shown = redactCredentials(url);
  let remote: ReleaseFiles;
  try {
    remote = await downloadRelease(url);
  } catch (err) {
    throw new Error(
      `--url ${shown}: ${redactCredentials((err as Error).message)}; upload the release folder there (${SKIP})`,
      {
        cause: err,
      },
    );
  }
  if (remote.unread !== undefined)
    throw new Error(
      `--url ${shown}: ${redactCredentials(remote.unread.join('; '))}; upload the whole release folder there (${SKIP})`,
    );
  const local = await readReleaseDir(folder);
  const files: ['manifest' | 'signature' | 'model', string][] = [
    ['manifest', MANIFEST_FILE],
    ['signature', SIGNATURE_FILE],
    ['model', basename(modelPath)],
  ];
  const differ = files.filter(([key]) => !Buffer.from(local[key]).equals(Buffer.from(remote[key]))).map(([, n]) => n);
  if (differ.length > 0)
    throw new Error(
      `--url ${shown}: the release there is not the one in ${folder}: ${differ.join(', ')} differ${differ.length === 1 ? 's' : ''} ` +
        `(an older upload, or the folder signed again since?); upload the folder again (${SKIP})`,
    );
}
