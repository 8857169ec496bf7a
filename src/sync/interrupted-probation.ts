/**
 * Crash-loop protection for model updates. From the moment a release is loaded for an asset until it is confirmed,
 * rolled back or refused (or the gateway stops in order), `<store>/<asset>/probation.json` says so. Found at start,
 * it means the gateway ended without stopping (a crash, a kill, power lost) while that release was being loaded or
 * on probation: the release may be what ended it, and a retained notice would apply it again at every start. The
 * start takes the mark (it counts once) and keeps the count; where the same release goes on probation again the mark
 * is written with it, and at INTERRUPTIONS_TO_ROLL_BACK ends in a row the updater rolls the release back for good.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from './json-file.js';
import { PROBATION_FILE, writeStoreJson } from './store-files.js';

/** Ends during one release's probation, in a row, after which it is rolled back (one may be a power cut). */
export const INTERRUPTIONS_TO_ROLL_BACK = 2;

export interface ProbationMark {
  readonly model: string;
  readonly version: string;
  /** How many times the gateway ended without stopping while this release was on probation. */
  readonly interrupted: number;
}

const file = (storeDir: string, asset: string) => join(storeDir, asset, PROBATION_FILE);

/** A mark is a few dozen bytes: a larger file is none. */
const MAX_MARK_BYTES = 4096;
const markSchema = z.looseObject({ model: z.string(), version: z.string(), interrupted: z.unknown() });

/**
 * The mark on `asset`, if any, read only (validate says what the next start will make of it). Read as the store's
 * other files are (json-file.ts: a regular file only, bounded); none where it cannot be read.
 */
export async function readProbationMark(storeDir: string, asset: string): Promise<ProbationMark | undefined> {
  const read = readJsonFile(file(storeDir, asset), markSchema, MAX_MARK_BYTES);
  if (!('value' in read)) return undefined;
  const { model, version, interrupted: n } = read.value;
  return { model, version, interrupted: typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0 };
}

/** Marks a release on probation on `asset`, with the count of ends it has seen on probation before (write, rename). */
export async function markProbation(storeDir: string, asset: string, mark: ProbationMark): Promise<void> {
  await mkdir(join(storeDir, asset), { recursive: true }); // before the release's folder, at its first update
  await writeStoreJson(file(storeDir, asset), mark);
}

/** The release on `asset` is off probation (confirmed, rolled back, refused, or the gateway stops in order). */
export async function clearProbation(storeDir: string, asset: string): Promise<void> {
  await rm(file(storeDir, asset), { force: true });
}

/**
 * At start: the mark a run that ended without stopping left on `asset`, if any, taken (removed from the store: it
 * counts once; it is written again only where that release goes on probation again).
 */
export async function takeProbationMark(storeDir: string, asset: string): Promise<ProbationMark | undefined> {
  const mark = await readProbationMark(storeDir, asset);
  if (mark) await clearProbation(storeDir, asset);
  return mark;
}

/**
 * What a start makes of a mark it found: the end counted once more, or nothing where the mark is for the release
 * active.json records as confirmed (it was left during the confirmation, which counts for nothing).
 */
export function countedEnd(mark: ProbationMark, confirmedVersion: string | undefined): ProbationMark | undefined {
  return mark.version === confirmedVersion ? undefined : { ...mark, interrupted: mark.interrupted + 1 };
}
