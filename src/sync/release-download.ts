/**
 * Fetching a release named by a notice, and keeping it once verified. Everything that arrives is
 * hostile until the signature says otherwise, so:
 *   - the three files are read into memory with a size cap each, and a redirect is refused;
 *   - the model file name the (still unsigned) manifest gives must be a plain file name;
 *   - nothing is written before verifyRelease (release.ts) has accepted the bytes;
 *   - the release is then stored as `<store>/<asset>/<signed version>/`, named from the signed
 *     manifest after a strict check, written into a temporary folder and renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { ModelManifest } from '../inference/manifest.js';
import type { ExecutionProvider } from '../inference/onnx-session.js';
import { ReleaseRejected, SIGNATURE_FILE, verifyRelease, type ExpectedInputs, type ReleaseFiles } from './release.js';

/** Per-file size caps for a release download, in bytes. */
export interface DownloadLimits {
  readonly manifestBytes: number;
  readonly signatureBytes: number;
  readonly modelBytes: number;
}

/** A manifest of a few hundred kB (golden windows of wide models), a 64-byte signature in base64, models up to 64 MiB.
 * */
export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  manifestBytes: 1 << 20,
  signatureBytes: 4096,
  modelBytes: 64 << 20,
};

/** A file or folder name a release may use: letters, digits, `.`, `_`, `+`, `-`, not starting with a dot, at most 128
 * characters. */
export const RELEASE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** A download over its size cap: never swallowed, unlike a missing model file (which verification reports). */
export class DownloadTooLarge extends Error {
  override readonly name = 'DownloadTooLarge';
}

/** GETs `url` into memory, refusing redirects and bodies over `limit` bytes. */
async function getCapped(url: URL, limit: number, what: string): Promise<Uint8Array> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(60_000) });
  if (res.status >= 300 && res.status < 400)
    throw new Error(
      `GET ${url} answered ${res.status} (a redirect): refused, a release is fetched from where its notice says`,
    );
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel();
    throw new DownloadTooLarge(`GET ${url}: ${what} of ${declared} bytes is over the ${limit}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new DownloadTooLarge(`GET ${url}: ${what} is over the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Downloads a release folder's manifest, signature and model file into memory; writes nothing. */
export async function downloadRelease(
  folderUrl: string,
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
): Promise<ReleaseFiles> {
  const base = new URL(folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`);
  const manifest = await getCapped(new URL('manifest.json', base), limits.manifestBytes, 'manifest.json');
  const signature = await getCapped(new URL(SIGNATURE_FILE, base), limits.signatureBytes, SIGNATURE_FILE).catch(
    () => new Uint8Array(),
  );
  let file: unknown = 'model.int8.onnx';
  try {
    file = (JSON.parse(Buffer.from(manifest).toString('utf8')) as { file?: unknown }).file ?? file;
  } catch {
    // verifyRelease reports the bad manifest
  }
  // Only a plain name in the release folder: never a path, an absolute URL or another host.
  // A model file that cannot be fetched is left empty: verification then names the hash mismatch.
  const orEmpty = (err: Error): Uint8Array => {
    if (err instanceof DownloadTooLarge) throw err;
    return new Uint8Array();
  };
  const model =
    typeof file === 'string' && RELEASE_NAME.test(file)
      ? await getCapped(new URL(file, base), limits.modelBytes, file).catch(orEmpty)
      : new Uint8Array();
  return { manifest, signature, model, origin: base.href };
}

/** Checks that a verified release is the one its notice announced; a ReleaseRejected otherwise. */
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
  if (!RELEASE_NAME.test(signed.file))
    throw new ReleaseRejected('bad_manifest', `release ${origin}: file "${signed.file}" is not a plain file name`);
}

/** Stores a verified release as `<store>/<asset>/<signed version>/` (temporary folder, then rename); returns the
 * folder. */
export async function storeRelease(
  storeDir: string,
  asset: string,
  files: ReleaseFiles,
  signed: ModelManifest,
): Promise<string> {
  const parent = join(storeDir, asset);
  const dir = join(parent, signed.version);
  const tmp = join(parent, `.incoming-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, 'manifest.json'), files.manifest);
    await writeFile(join(tmp, SIGNATURE_FILE), files.signature);
    await writeFile(join(tmp, signed.file), files.model);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/**
 * The whole path of a notice to a stored release: download (capped, in memory), verify, check that
 * the signed release is the one announced, store. Rejects with a ReleaseRejected (or a download
 * error) and writes nothing when any step fails; the loaded model is the caller's to close.
 */
export async function fetchVerifiedRelease(
  notice: { model: string; version: string; url: string },
  publicKey: KeyObject,
  expected: ExpectedInputs | undefined,
  place: { storeDir: string; asset: string },
  providers?: readonly ExecutionProvider[],
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
  /** The caller's own check of the signed manifest (e.g. its release sequence), before anything is written. */
  accept?: (signed: ModelManifest, origin: string) => void,
): Promise<{ dir: string; verified: Awaited<ReturnType<typeof verifyRelease>> }> {
  const files = await downloadRelease(notice.url, limits);
  const verified = await verifyRelease(files, publicKey, expected, place.asset, providers);
  try {
    checkNotice(notice, verified.loaded.manifest, files.origin);
    accept?.(verified.loaded.manifest, files.origin);
    return { dir: await storeRelease(place.storeDir, place.asset, files, verified.loaded.manifest), verified };
  } catch (err) {
    await verified.model.close();
    throw err;
  }
}
