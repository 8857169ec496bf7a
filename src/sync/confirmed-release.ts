/**
 * The releases an asset confirmed before a restart (`<store>/<asset>/active.json`): the newest, which a restart runs
 * instead of the configured model, and the ones confirmed before it (newest first, at most EARLIER_KEPT), which a
 * restart runs where the newest no longer verifies (a damaged disk). Each is read from the store and verified again as
 * any release is (signature by a configured key, manifest, hash, inputs, model name). Loads nothing: the caller takes
 * the model from the session pool like any other.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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

/** The release sequence an asset last confirmed (0: none). */
export async function confirmedSequence(storeDir: string, asset: string): Promise<number> {
  return (await readActiveFile(storeDir, asset))?.sequence ?? 0;
}

export interface RefusedRelease {
  readonly dir: string;
  readonly version: string;
  readonly reason: string;
}

export interface ConfirmedReleases<T> {
  /** What `load` made of the newest confirmed release that verifies and loads, if any. */
  readonly ok?: { readonly value: T; readonly dir: string; readonly version: string; readonly newest: boolean };
  /** The newer ones that did not verify or load, newest first (why each was passed over). */
  readonly refused: readonly RefusedRelease[];
  /** The newest confirmed release, verified or not (undefined: none confirmed). */
  readonly newest?: ConfirmedRecord;
}

/**
 * The releases `asset` confirmed, newest first, each checked against the model it is configured with and given to
 * `load` (which takes the model): the first that verifies and loads, and why each newer one did not. A record whose
 * folder is not in the asset's own store folder is refused unread (active.json names a path: it is read as hostile
 * as any other file).
 */
export async function readConfirmedRelease<T>(
  storeDir: string,
  asset: string,
  configured: ModelManifest,
  keys: readonly KeyObject[],
  load: (loaded: LoadedManifest) => Promise<T>,
  limits?: DownloadLimits,
): Promise<ConfirmedReleases<T>> {
  const active = await readActiveFile(storeDir, asset);
  if (!active) return { refused: [] };
  const refused: RefusedRelease[] = [];
  for (const [i, record] of [stripEarlier(active), ...(active.earlier ?? [])].entries()) {
    let reason = await verifyRecord(storeDir, asset, record, configured, keys, limits);
    if (typeof reason !== 'string')
      try {
        const value = await load(reason);
        return { ok: { value, dir: record.dir, version: record.version, newest: i === 0 }, refused, newest: active };
      } catch (err) {
        reason = (err as Error).message;
      }
    refused.push({ dir: record.dir, version: record.version, reason });
  }
  return { refused, newest: active };
}

/** The release a record names, verified; or why it does not verify. */
async function verifyRecord(
  storeDir: string,
  asset: string,
  record: ConfirmedRecord,
  configured: ModelManifest,
  keys: readonly KeyObject[],
  limits?: DownloadLimits,
): Promise<LoadedManifest | string> {
  const { dir } = record;
  if (dirname(resolve(dir)) !== resolve(storeDir, asset))
    return `its folder is not in the asset's store folder ${join(storeDir, asset)}`;
  try {
    const loaded = verifySigned(await readReleaseDir(dir, limits), keys);
    const expected = {
      channels: configured.input.channels.map((c) => c.name),
      windowLength: configured.input.window_length,
      samplePeriodMs: configured.input.sample_period_ms,
    };
    checkInputs(loaded.manifest, expected, dir);
    if (loaded.manifest.name !== configured.name)
      return `it is model ${loaded.manifest.name}, the asset is configured with ${configured.name}`;
    return loaded;
  } catch (err) {
    return (err as Error).message;
  }
}
