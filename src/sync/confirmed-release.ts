/**
 * The releases an asset confirmed before a restart (`<store>/<asset>/active.json`): the newest, which a restart runs
 * instead of the configured model, and the ones confirmed before it (newest first, at most EARLIER_KEPT), which a
 * restart runs where the newest no longer verifies (a damaged disk). Each is read from the store and verified again as
 * any release is (signature by a configured key, manifest, hash, inputs, model name). Loads nothing: the caller takes
 * the model from the session pool like any other.
 */
import type { KeyObject } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadedManifest, ModelManifest } from '../inference/manifest.js';
import { checkInputs, verifySigned } from './release.js';
import { readReleaseDir, type DownloadLimits } from './release-reader.js';
import { ACTIVE_FILE } from './store-files.js';

/** How many releases confirmed before the newest one active.json keeps, to fall back on. */
export const EARLIER_KEPT = 2;

/** A confirmed release as active.json records it. */
export interface ConfirmedRecord {
  readonly version: string;
  /** Its folder in the store, `<store>/<asset>/<version>`. */
  readonly dir: string;
  readonly sequence: number;
  /** The sha256 of its model file, as signed (absent in records written before 2026-12-05). */
  readonly sha256?: string;
  readonly confirmed_at?: string;
}

/** active.json: the newest confirmed release, and those confirmed before it. */
export interface ActiveFile extends ConfirmedRecord {
  readonly earlier?: readonly ConfirmedRecord[];
}

/** `<store>/<asset>/active.json`: the confirmed release a restart loads instead of the configured model. */
export function activeReleaseFile(storeDir: string, asset: string): string {
  return join(storeDir, asset, ACTIVE_FILE);
}

function isRecord(v: unknown): v is ConfirmedRecord {
  const r = v as Partial<ConfirmedRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.version === 'string' &&
    typeof r.dir === 'string' &&
    typeof r.sequence === 'number' &&
    Number.isInteger(r.sequence)
  );
}

/** The asset's active.json, or undefined where there is none or it is not one. */
export async function readActiveFile(storeDir: string, asset: string): Promise<ActiveFile | undefined> {
  try {
    const raw = JSON.parse(await readFile(activeReleaseFile(storeDir, asset), 'utf8')) as unknown;
    if (!isRecord(raw)) return undefined;
    const earlier = (raw as { earlier?: unknown }).earlier;
    return { ...raw, earlier: Array.isArray(earlier) ? earlier.filter(isRecord) : [] };
  } catch {
    return undefined;
  }
}

/** The record of a release just confirmed, with the ones before it (without the same folder), newest first. */
export function nextActiveFile(confirmed: ConfirmedRecord, before: ActiveFile | undefined): ActiveFile {
  const history = before ? [stripEarlier(before), ...(before.earlier ?? [])] : [];
  return { ...confirmed, earlier: history.filter((r) => r.dir !== confirmed.dir).slice(0, EARLIER_KEPT) };
}

function stripEarlier(a: ActiveFile): ConfirmedRecord {
  const { earlier: _earlier, ...record } = a;
  return record;
}

export interface RefusedRelease {
  readonly dir: string;
  readonly version: string;
  readonly reason: string;
}

export interface ConfirmedReleases<T> {
  /** What `load` made of the newest confirmed release that verifies and loads, if any. */
  readonly ok?: { readonly value: T; readonly dir: string; readonly version: string; readonly newest: boolean };
  /** The newer ones that did not verify or load (damaged), newest first: why each was passed over. */
  readonly refused: readonly RefusedRelease[];
  /** Records that are no candidates, and why: rolled back here since, or no release for the model the asset is
   * configured with now (another model, other inputs, a sequence not above the configured model's). */
  readonly passed: readonly RefusedRelease[];
  /** The newest candidate record, verified or not (undefined: none). */
  readonly newest?: ConfirmedRecord;
}

/**
 * The releases `asset` confirmed, newest first, each checked against the model it is configured with and given to
 * `load` (which takes the model): the first that verifies and loads, and why each newer one did not. A record is read
 * as hostile as any other file: its folder must be the folder of its version in the asset's own store folder (symbolic
 * links resolved), and the signed manifest there must be the release it records (version, sequence, model hash).
 */
export async function readConfirmedRelease<T>(
  storeDir: string,
  asset: string,
  configured: ModelManifest,
  keys: readonly KeyObject[],
  load: (loaded: LoadedManifest) => Promise<T>,
  options: { limits?: DownloadLimits; rolledBack?: readonly string[] } = {},
): Promise<ConfirmedReleases<T>> {
  const active = await readActiveFile(storeDir, asset);
  const refused: RefusedRelease[] = [];
  const passed: RefusedRelease[] = [];
  let newest: ConfirmedRecord | undefined;
  for (const record of active ? [stripEarlier(active), ...(active.earlier ?? [])] : []) {
    const { dir, version } = record;
    if (options.rolledBack?.includes(version)) {
      passed.push({ dir, version, reason: 'it was rolled back here since' });
      continue;
    }
    const verified = await verifyRecord(storeDir, asset, record, configured, keys, options.limits);
    if (verified.kind === 'passed') {
      passed.push({ dir, version, reason: verified.reason });
      continue;
    }
    const first = newest === undefined;
    newest ??= record;
    let reason = verified.kind === 'damaged' ? verified.reason : '';
    if (verified.kind === 'ok')
      try {
        const value = await load(verified.loaded);
        return { ok: { value, dir, version, newest: first }, refused, passed, newest };
      } catch (err) {
        reason = (err as Error).message;
      }
    refused.push({ dir, version, reason });
  }
  return { refused, passed, ...(newest ? { newest } : {}) };
}

type Verified =
  | { readonly kind: 'ok'; readonly loaded: LoadedManifest }
  | { readonly kind: 'damaged'; readonly reason: string }
  | { readonly kind: 'passed'; readonly reason: string };

/** The real path of `path`, or undefined where there is nothing. */
async function realPath(path: string): Promise<string | undefined> {
  return realpath(path).catch(() => undefined);
}

/** The release a record names, verified and matched to the record; or why it is damaged, or no candidate. */
async function verifyRecord(
  storeDir: string,
  asset: string,
  record: ConfirmedRecord,
  configured: ModelManifest,
  keys: readonly KeyObject[],
  limits?: DownloadLimits,
): Promise<Verified> {
  const { dir } = record;
  const own = join(storeDir, asset);
  const [real, realOwn] = [await realPath(dir), await realPath(own)];
  if (
    resolve(dir) !== resolve(own, record.version) ||
    (real !== undefined && real !== join(realOwn ?? own, record.version))
  )
    return {
      kind: 'damaged',
      reason: `its folder is not ${join(own, record.version)} (the store keeps a release there)`,
    };
  let loaded: LoadedManifest;
  try {
    loaded = verifySigned(await readReleaseDir(dir, limits), keys);
  } catch (err) {
    return { kind: 'damaged', reason: (err as Error).message };
  }
  const m = loaded.manifest;
  if (m.name !== configured.name)
    return { kind: 'passed', reason: `it is model ${m.name}, the asset is configured with ${configured.name}` };
  try {
    const expected = {
      channels: configured.input.channels.map((c) => c.name),
      windowLength: configured.input.window_length,
      samplePeriodMs: configured.input.sample_period_ms,
    };
    checkInputs(m, expected, dir);
  } catch (err) {
    return { kind: 'passed', reason: (err as Error).message };
  }
  if (configured.release_sequence !== undefined && (m.release_sequence ?? 0) <= configured.release_sequence)
    return {
      kind: 'passed',
      reason: `its release_sequence ${m.release_sequence} is not above ${configured.release_sequence}, that of the configured model`,
    };
  const differs = [
    m.version !== record.version ? `version ${m.version}` : '',
    m.release_sequence !== record.sequence ? `release_sequence ${m.release_sequence}` : '',
    record.sha256 !== undefined && m.sha256 !== record.sha256 ? `model sha256 ${m.sha256}` : '',
  ].filter(Boolean);
  if (differs.length > 0)
    return {
      kind: 'damaged',
      reason: `its signed manifest is not the release recorded (${differs.join(', ')}; recorded ${record.version}, sequence ${record.sequence})`,
    };
  return { kind: 'ok', loaded };
}
