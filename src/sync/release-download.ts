/**
 * Fetching a release named by a notice, and keeping it once verified. Everything that arrives is
 * hostile until the signature says otherwise, so:
 *   - the three files are read into memory with a size cap each, and a redirect is refused;
 *   - the model file name the (still unsigned) manifest gives must be a plain file name;
 *   - nothing is written before verifyRelease (release.ts) has accepted the bytes;
 *   - the release is then stored as `<store>/<asset>/<signed version>/`, named from the signed
 *     manifest after a strict check, written into a temporary folder, synced to the disk and renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { readBytesStart } from '../core/http-body.js';
import type { LoadedManifest, ModelManifest } from '../inference/manifest.js';
import { ReleaseRejected, verifySigned } from './release.js';
import { syncFolder, writeSynced } from '../core/replace-file.js';
import { INCOMING_PREFIX, STORE_FILES } from './store-files.js';
import {
  DEFAULT_DOWNLOAD_LIMITS,
  DownloadTooLarge,
  readRelease,
  RELEASE_NAME,
  SIGNATURE_FILE,
  type DownloadLimits,
  type ReleaseFiles,
} from './release-reader.js';

/**
 * GETs `url` into memory, refusing redirects (a release is fetched from where its notice says, a
 * notice from the configured poll_url) and bodies over `limit` bytes (a DownloadTooLarge naming
 * `what`); gives up after `timeoutMs`, or once `stop` aborts (the gateway stopping).
 */
export async function getCapped(
  url: URL,
  limit: number,
  what: string,
  timeoutMs = 60_000,
  stop?: AbortSignal,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
  const res = await fetch(url, { redirect: 'manual', signal });
  if (res.status >= 300 && res.status < 400)
    throw new Error(`GET ${url} answered ${res.status} (a redirect): refused, redirects are not followed`);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel();
    throw new DownloadTooLarge(`GET ${url}: ${what} of ${declared} bytes is over the ${limit}-byte limit`);
  }
  const { data, truncated } = await readBytesStart(res, limit);
  if (truncated) throw new DownloadTooLarge(`GET ${url}: ${what} is over the ${limit}-byte limit`);
  return data;
}

/** Downloads a release folder's manifest, signature and model file into memory (release-reader.ts); writes
 * nothing. `stop` abandons it (the gateway stopping). */
export function downloadRelease(
  folderUrl: string,
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
  stop?: AbortSignal,
): Promise<ReleaseFiles> {
  const base = new URL(folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`);
  return readRelease((name, limit) => getCapped(new URL(name, base), limit, name, undefined, stop), base.href, limits);
}

/**
 * The release URL a notice names, before anything is fetched: http or https only, and, where the gateway lists
 * `release_url_prefixes`, under one of them (compared after the URL is normalised, so `..` cannot climb out, and with
 * no encoded slash in its path, which a server may decode and climb out by). Without
 * the list, whoever can publish a notice can make the gateway GET any address it reaches.
 */
export function checkReleaseUrl(url: string, prefixes: readonly string[] | undefined): void {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ReleaseRejected('url_not_allowed', `release ${parsed.href}: only http and https URLs are fetched`);
  // A file server (nginx, IIS) may decode %2F or %5C before it resolves `..`: /approved/..%2Fother/ is then /other/.
  if (prefixes && /%(2f|5c)/i.test(parsed.pathname))
    throw new ReleaseRejected(
      'url_not_allowed',
      `release ${parsed.href}: its path holds an encoded slash or backslash (%2F, %5C), which a server may decode into another folder`,
    );
  if (prefixes && !prefixes.some((p) => parsed.href.startsWith(new URL(p).href)))
    throw new ReleaseRejected(
      'url_not_allowed',
      `release ${parsed.href}: not under cloud.model_updates.release_url_prefixes (${prefixes.join(', ')})`,
    );
}

/** Checks that a verified release is the one its notice announced, and that its version can name its folder in the
 * store; a ReleaseRejected otherwise. */
export function checkNotice(notice: { model: string; version: string }, signed: ModelManifest, origin: string): void {
  if (signed.name !== notice.model || signed.version !== notice.version) {
    throw new ReleaseRejected(
      'notice_mismatch',
      `release ${origin}: the notice announces ${notice.model} ${notice.version}, the signed manifest is ${signed.name} ${signed.version}`,
    );
  }
  if (!RELEASE_NAME.test(signed.version))
    throw new ReleaseRejected(
      'bad_manifest',
      `release ${origin}: version "${signed.version}" cannot name a folder (letters, digits, . _ + -)`,
    );
  if (STORE_FILES.includes(signed.version.toLowerCase()))
    throw new ReleaseRejected(
      'bad_manifest',
      `release ${origin}: version "${signed.version}" is the name of a file the model store keeps beside the release folders (${STORE_FILES.join(', ')})`,
    );
}

/** Stores a verified release as `<store>/<asset>/<signed version>/` (temporary folder synced to the disk, then
 * rename); returns the folder. */
export async function storeRelease(
  storeDir: string,
  asset: string,
  files: ReleaseFiles,
  signed: ModelManifest,
): Promise<string> {
  const parent = join(storeDir, asset);
  const dir = join(parent, signed.version);
  const tmp = join(parent, `${INCOMING_PREFIX}${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    // On the disk before it takes its place: active.json will name it, and a restart after a power cut will load it.
    await writeSynced(join(tmp, 'manifest.json'), files.manifest);
    await writeSynced(join(tmp, SIGNATURE_FILE), files.signature);
    await writeSynced(join(tmp, signed.file), files.model);
    await syncFolder(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await syncFolder(parent);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/** A release as a notice announced it, downloaded and its signature, manifest and hash verified. */
export interface SignedRelease {
  readonly files: ReleaseFiles;
  readonly loaded: LoadedManifest;
}

/**
 * A notice to a verified release, once for every asset it concerns: download (capped, in
 * memory), verify what the signature covers, check that the signed release is the one announced.
 * Writes nothing and loads nothing; rejects with a ReleaseRejected, or a download error (also when
 * a release does not verify because one of its files did not download, or `stop` abandoned it).
 */
export async function fetchSignedRelease(
  notice: { model: string; version: string; url: string },
  keys: KeyObject | readonly KeyObject[],
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
  stop?: AbortSignal,
): Promise<SignedRelease> {
  const files = await downloadRelease(notice.url, limits, stop);
  let loaded: LoadedManifest;
  try {
    loaded = verifySigned(files, keys);
  } catch (err) {
    // A file that did not download (not uploaded yet, the server failing): no verdict on the release.
    if (files.unread) throw new Error(`release ${files.origin} is incomplete: ${files.unread.join('; ')}`);
    throw err;
  }
  checkNotice(notice, loaded.manifest, files.origin);
  return { files, loaded };
}
