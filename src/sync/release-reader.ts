/**
 * The one reader of a release folder, wherever it lies (a URL from a notice, a folder in the
 * store, a folder on the publishing machine): manifest.json, manifest.sig and the model file the
 * (still unsigned) manifest names, each read whole into memory under its own size cap. The model
 * file name must be a plain name in the folder (never a path, an absolute URL or another host).
 * Nothing here trusts what it read: verifyRelease (release.ts) does.
 */
import { join } from 'node:path';
import { PLAIN_FILE_NAME } from '../core/config-primitives.js';
import { FileRefused, readRegularFile } from '../core/regular-file.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../inference/manifest.js';
import type { ModelUpdatesConfig } from './schema.js';

export { MANIFEST_FILE, SIGNATURE_FILE } from '../inference/manifest.js';
/** The model file of a manifest that names none. */
const DEFAULT_MODEL_FILE = 'model.int8.onnx';

export interface ReleaseFiles {
  readonly manifest: Uint8Array;
  readonly signature: Uint8Array;
  /** The model file named by the manifest. */
  readonly model: Uint8Array;
  /** Where it came from, for messages: the folder's URL (ending in `/`) or its path on this machine. */
  readonly origin: string;
  /** Why the signature or model file could not be read (read as empty), if one could not: it may be there later. */
  readonly unread?: readonly string[];
}

/**
 * Where the file `name` of the release read from `origin` is, for messages: a URL resolved as a URL (path.join made
 * `http://host/r/model.onnx` into `http:/host/r/model.onnx`, which no one could open), a folder's path joined.
 */
export function releaseFileAt(origin: string, name: string): string {
  if (!/^https?:\/\//i.test(origin)) return join(origin, name);
  return new URL(name, origin.endsWith('/') ? origin : `${origin}/`).href;
}

/** Per-file size caps for reading a release, in bytes (config: cloud.model_updates.max_*_bytes). */
export interface DownloadLimits {
  readonly manifestBytes: number;
  readonly signatureBytes: number;
  readonly modelBytes: number;
}

/** The caps `cloud.model_updates` sets. */
export function downloadLimitsOf(updates: ModelUpdatesConfig): DownloadLimits {
  return {
    manifestBytes: updates.max_manifest_bytes,
    signatureBytes: updates.max_signature_bytes,
    modelBytes: updates.max_model_bytes,
  };
}

/** A manifest of a few hundred kB (golden windows of wide models), a 64-byte signature in base64, models up to 64
 * MiB. */
export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  manifestBytes: 1 << 20,
  signatureBytes: 4096,
  modelBytes: 64 << 20,
};

/** A file or folder name a release may use (a plain name, never a path). */
export const RELEASE_NAME = PLAIN_FILE_NAME;

/** A release file over its size cap: never swallowed, unlike a missing model file (which verification reports). */
export class DownloadTooLarge extends Error {
  override readonly name = 'DownloadTooLarge';
}

/** A cap refusal, naming the setting that raises the cap (`cloud.model_updates.<key>`); any other error as it is. */
export function namingSetting(err: unknown, key: string): unknown {
  return err instanceof DownloadTooLarge ? new DownloadTooLarge(`${err.message} (cloud.model_updates.${key})`) : err;
}

/** Reads one file of a release folder, refusing more than `limit` bytes (a DownloadTooLarge). */
export type ReleaseFileReader = (name: string, limit: number) => Promise<Uint8Array>;

/**
 * Reads a release through `read`. A missing manifest is an error; a missing signature or model
 * file reads as empty, so verification names what is wrong (no signature, a hash mismatch), and
 * why it could not be read is kept (`unread`); a file over its cap is always an error.
 */
export async function readRelease(
  read: ReleaseFileReader,
  origin: string,
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
): Promise<ReleaseFiles> {
  const unread: string[] = [];
  // Each named by its file: a URL in a message may be redacted down to its host.
  const orEmpty =
    (name: string, hint = '') =>
    (err: unknown): Uint8Array => {
      if (err instanceof DownloadTooLarge) throw err;
      unread.push(`${name}: ${(err as Error).message}${hint}`);
      return new Uint8Array();
    };
  const capped = (name: string, limit: number, key: string): Promise<Uint8Array> =>
    read(name, limit).catch((err: unknown) => {
      throw namingSetting(err, key);
    });
  const manifest = await capped(MANIFEST_FILE, limits.manifestBytes, 'max_manifest_bytes');
  const signature = await capped(SIGNATURE_FILE, limits.signatureBytes, 'max_signature_bytes').catch(
    orEmpty(SIGNATURE_FILE, ' (an unsigned release? sign it with linewatch model sign --sequence N)'),
  );
  let file: unknown = DEFAULT_MODEL_FILE;
  try {
    file = (JSON.parse(Buffer.from(manifest).toString('utf8')) as { file?: unknown }).file ?? file;
  } catch {
    // verifyRelease reports the bad manifest
  }
  const model =
    typeof file === 'string' && RELEASE_NAME.test(file)
      ? await capped(file, limits.modelBytes, 'max_model_bytes').catch(orEmpty(file))
      : new Uint8Array();
  return { manifest, signature, model, origin, ...(unread.length > 0 ? { unread } : {}) };
}

/**
 * A reader of a local folder: each file read as hostile (core/regular-file.ts: opened without waiting, only a regular
 * file, refused by its size before anything is read, and where it grew while it was read). A FIFO blocked the read
 * for ever, a link to /dev/zero, whose size says 0, read until the memory gave out. A file over its cap is a
 * DownloadTooLarge (readRelease lets no such error pass as unread).
 */
export function folderReader(dir: string): ReleaseFileReader {
  return async (name, limit) => {
    const path = join(dir, name);
    try {
      return await readRegularFile(path, limit);
    } catch (err) {
      if (!(err instanceof FileRefused)) throw err;
      const text = `${path}: ${err.message}`;
      throw err.kind === 'too_large' ? new DownloadTooLarge(`${text} bytes`) : new Error(text);
    }
  };
}

/** Reads a release folder on this machine (the store, or a folder to verify before publishing). */
export function readReleaseDir(dir: string, limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS): Promise<ReleaseFiles> {
  return readRelease(folderReader(dir), dir, limits);
}
