/**
 * The releases an asset confirmed before a restart (`<store>/<asset>/active.json`): the newest, which a restart runs
 * instead of the configured model, and the ones confirmed before it (newest first, at most EARLIER_KEPT), which a
 * restart runs where the newest no longer verifies (a damaged disk), and an operator's local rollback goes back to
 * (local-rollback.ts: active.json is then rewritten, the sequence floor kept). Each is read from the store and verified
 * again as any release is (signature by a configured key, manifest, hash, inputs, model name). Loads nothing: the
 * caller takes the model from the session pool like any other.
 */
import type { KeyObject } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { LoadedManifest, ModelManifest } from '../inference/manifest.js';
import { formatIssues } from '../core/format-issues.js';
import { readJsonFile } from './json-file.js';
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

/**
 * The highest release sequence an asset confirmed, kept where an operator's local rollback (local-rollback.ts) put an
 * earlier model back since: a release from the network must still be above it, so the rollback opens no door to an
 * older signed release (a replay).
 */
export interface SequenceFloorRecord {
  readonly sequence: number;
  /** The version confirmed with that sequence. */
  readonly version: string;
}

/**
 * An operator's local rollback (local-rollback.ts), as active.json keeps it (`local_rollback`) until a release is
 * confirmed: the version rolled back, when (ISO 8601) and by whom. It says why the asset runs what active.json names
 * first, or the configured model where it names none.
 */
export interface LocalRollbackRecord {
  readonly version: string;
  readonly at: string;
  readonly by?: string;
}

/** active.json: the newest confirmed release, and those confirmed before it. */
export interface ActiveFile extends ConfirmedRecord {
  readonly earlier?: readonly ConfirmedRecord[];
  /** Where a local rollback put this release back: the highest sequence confirmed before it (above its own). */
  readonly floor?: SequenceFloorRecord;
}

/**
 * What `<store>/<asset>/active.json` holds: the release a restart runs, if any (none: the configured model), and the
 * sequence floor a local rollback left, if any (it stays where the rollback went back to the configured model).
 */
export interface ActiveJson {
  readonly active?: ActiveFile;
  readonly floor?: SequenceFloorRecord;
  /** The operator's local rollback that left it so, if that is what did (none once a release is confirmed). */
  readonly rollback?: LocalRollbackRecord;
  /** Where the file could not be read at all: `<path>: why` (it is then as none). */
  readonly problem?: string;
}

/** `<store>/<asset>/active.json`: the confirmed release a restart loads instead of the configured model. */
export function activeReleaseFile(storeDir: string, asset: string): string {
  return join(storeDir, asset, ACTIVE_FILE);
}

/** A larger active.json is not read (it holds three records and a floor: well under 2 kB). */
const MAX_ACTIVE_FILE_BYTES = 64 * 1024;

/** A record as written; keys this version does not know are kept (a newer version may have written them). */
const confirmedRecordSchema = z.looseObject({
  version: z.string(),
  dir: z.string(),
  sequence: z.number().int(),
  sha256: z.string().optional(),
  confirmed_at: z.string().optional(),
});
const floorSchema = z.looseObject({ sequence: z.number().int(), version: z.string() });
const rollbackSchema = z.looseObject({ version: z.string(), at: z.string(), by: z.string().optional() });
/** The file's parts, each checked on its own below: one that is not what it should be is left out, not the rest. */
const activeJsonSchema = z.looseObject({}, { error: 'not an object' });

/** What is wrong with the newest record, in one line. */
function issuesOf(error: z.ZodError): string {
  return `${formatIssues(error.issues).join('; ')}: the release it records is left out`;
}

/** `value` if `schema` takes it, else undefined. */
function partOf<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The asset's active.json, read: each part that is not what it should be is left out. A file that cannot be read at
 * all (over MAX_ACTIVE_FILE_BYTES, not JSON, not an object) is as none, and `problem` names it and says why; so does
 * a newest record not of its shape (then left out with the records before it).
 */
export async function readActiveJson(storeDir: string, asset: string): Promise<ActiveJson> {
  const path = activeReleaseFile(storeDir, asset);
  const read = readJsonFile(path, activeJsonSchema, MAX_ACTIVE_FILE_BYTES);
  if ('absent' in read) return {};
  if ('why' in read) return { problem: read.why };
  const raw = read.value;
  const floor = partOf(floorSchema, raw.floor);
  const rollback = partOf(rollbackSchema, raw.local_rollback);
  const kept = floor ? { floor } : {};
  const said = rollback ? { rollback } : {};
  const newest = confirmedRecordSchema.safeParse(raw);
  if (!newest.success) {
    // A file with no release (a local rollback to the configured model) has only a floor and a rollback: no problem.
    const problem = 'version' in raw || 'dir' in raw ? { problem: `${path}: ${issuesOf(newest.error)}` } : {};
    return { ...kept, ...said, ...problem };
  }
  const { floor: _floor, local_rollback: _rollback, earlier, ...record } = newest.data;
  const records = Array.isArray(earlier) ? earlier.flatMap((e) => partOf(confirmedRecordSchema, e) ?? []) : [];
  return { active: { ...record, earlier: records, ...kept }, ...kept, ...said };
}

/** The asset's active.json, or undefined where there is none, it is not one, or it names no release. */
export async function readActiveFile(storeDir: string, asset: string): Promise<ActiveFile | undefined> {
  return (await readActiveJson(storeDir, asset)).active;
}

/** The releases active.json records, newest first. */
export function recordsOf(active: ActiveFile | undefined): ConfirmedRecord[] {
  return active ? [stripEarlier(active), ...(active.earlier ?? [])] : [];
}

/**
 * The record of a release just confirmed, with the ones before it (without the same folder), newest first; with the
 * floor a local rollback left where it is above the release's sequence (the same release confirmed again).
 */
export function nextActiveFile(
  confirmed: ConfirmedRecord,
  before: ActiveFile | undefined,
  floor?: SequenceFloorRecord,
): ActiveFile {
  const history = recordsOf(before);
  return {
    ...confirmed,
    earlier: history.filter((r) => r.dir !== confirmed.dir).slice(0, EARLIER_KEPT),
    ...(floor && floor.sequence > confirmed.sequence ? { floor } : {}),
  };
}

/**
 * active.json once an operator rolled the asset back locally to `to`, a release it records (undefined: the configured
 * model): that release, with those recorded after it; the releases recorded before it are no more, and the highest
 * sequence of those (or the floor there was) stays as the floor, so no older signed release comes back from the
 * network. Undefined `active`: no release recorded (a restart runs the configured model), the floor only.
 */
export function activeAfterRollback(before: ActiveJson, to: string | undefined): ActiveJson {
  const records = recordsOf(before.active);
  const at = to === undefined ? records.length : records.findIndex((r) => r.version === to);
  if (at < 0) throw new Error(`active.json records no release ${to}`);
  const floor = [...records.slice(0, at), ...(before.floor ? [before.floor] : [])].reduce<
    SequenceFloorRecord | undefined
  >((a, r) => (a && a.sequence >= r.sequence ? a : { sequence: r.sequence, version: r.version }), undefined);
  const kept = floor && floor.sequence > (records[at]?.sequence ?? -Infinity) ? { floor } : {};
  if (at === records.length) return kept;
  return { active: { ...records[at], earlier: records.slice(at + 1), ...kept }, ...kept };
}

/** What active.json holds, as it is written. */
export function activeJsonValue(
  json: ActiveJson,
): (ActiveFile | { floor?: SequenceFloorRecord }) & { local_rollback?: LocalRollbackRecord } {
  const value = json.active ?? (json.floor ? { floor: json.floor } : {});
  return json.rollback ? { ...value, local_rollback: json.rollback } : value;
}

/** The release record alone, without the ones before it and the floor. */
function stripEarlier(a: ActiveFile): ConfirmedRecord {
  const { earlier: _earlier, floor: _floor, ...record } = a;
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
  options: {
    limits?: DownloadLimits;
    rolledBack?: readonly string[];
    /** Only the releases recorded after (confirmed before) this version, and none where it is not recorded. */
    after?: string;
    /** Only the first candidate: where it does not verify or load, none (a local rollback goes no further back). */
    firstOnly?: boolean;
  } = {},
): Promise<ConfirmedReleases<T>> {
  let records = recordsOf(await readActiveFile(storeDir, asset));
  if (options.after !== undefined) {
    const at = records.findIndex((r) => r.version === options.after);
    records = at < 0 ? [] : records.slice(at + 1);
  }
  const refused: RefusedRelease[] = [];
  const passed: RefusedRelease[] = [];
  let newest: ConfirmedRecord | undefined;
  for (const record of records) {
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
    if (options.firstOnly) break;
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
