/**
 * A notice for the version an asset runs is passed over (release-apply.ts): the retained notice of the release it
 * runs comes again at every start. But one that names another release under that version (a publisher who signed a
 * changed release and kept its version) was passed over too, said at info in the log only: `model publish` said
 * `published`, and the fleet did nothing, with no word in /api/status or the cloud (the walk of 2026-12-07). Where the
 * asset runs a release from the store (confirmed, or on probation), the notice's manifest.json (capped, never
 * followed past a redirect, only under release_url_prefixes) is compared with the one in the store: another manifest
 * is another release, refused as `version_taken` before anything else is fetched. The notice's bytes are
 * unverified: a refusal changes nothing on the gateway. Where either cannot be read, nothing is said: passed over as
 * before.
 */
import { join } from 'node:path';
import { readRegularFile } from '../core/regular-file.js';
import type { ConfirmedRecord } from './confirmed-release.js';
import { checkReleaseUrl, getCapped } from './release-download.js';
import type { ReleaseNotice } from './release-notice.js';
import { MANIFEST_FILE } from './release-reader.js';

export interface ReuseCheck {
  /** The release the asset runs: on probation, else as active.json records it (none: its configured model). */
  readonly running: ConfirmedRecord | undefined;
  readonly maxManifestBytes: number;
  readonly prefixes: readonly string[] | undefined;
  /** Aborted as the gateway stops. */
  readonly stop: AbortSignal;
}

/** Why `notice` (for the version `asset` runs) is another release under that version; undefined where it is not. */
export async function reusedVersion(
  notice: ReleaseNotice,
  asset: string,
  { running, maxManifestBytes, prefixes, stop }: ReuseCheck,
): Promise<string | undefined> {
  if (running?.version !== notice.version) return undefined;
  const folder = new URL(notice.url.endsWith('/') ? notice.url : `${notice.url}/`);
  let kept: Uint8Array;
  let offered: Uint8Array;
  try {
    checkReleaseUrl(folder.href, prefixes);
    kept = await readRegularFile(join(running.dir, MANIFEST_FILE), maxManifestBytes);
    offered = await getCapped(new URL(MANIFEST_FILE, folder), maxManifestBytes, MANIFEST_FILE, 10_000, stop);
  } catch {
    return undefined;
  }
  if (Buffer.from(kept).equals(Buffer.from(offered))) return undefined;
  return (
    `version_taken: release ${folder.href}: its manifest is not that of ${notice.model} ${notice.version}, which ` +
    `${asset} runs (sequence ${running.sequence}, kept in ${running.dir}): another release under a version this ` +
    'gateway runs is never applied; sign it under a version of its own'
  );
}
