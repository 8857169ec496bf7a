/**
 * Crash-loop protection for model updates. While a release is on probation on an asset,
 * `<store>/<asset>/probation.json` says so; it goes when the release is confirmed or rolled back, or the gateway
 * stops in order. Found at start, it means the gateway ended without stopping (a crash, a kill, power lost) while
 * that release was on probation: the release may be what ended it, and a retained notice would apply it again at
 * every start. The count of such ends is kept with the mark; at INTERRUPTIONS_TO_ROLL_BACK in a row the updater
 * rolls the release back for good.
 */
import { readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PROBATION_FILE, PROBATION_TMP_FILE } from './store-files.js';

/** Ends during one release's probation, in a row, after which it is rolled back (one may be a power cut). */
export const INTERRUPTIONS_TO_ROLL_BACK = 2;

export interface ProbationMark {
  readonly model: string;
  readonly version: string;
  /** How many times the gateway ended without stopping while this release was on probation. */
  readonly interrupted: number;
}

const file = (storeDir: string, asset: string) => join(storeDir, asset, PROBATION_FILE);

async function readMark(storeDir: string, asset: string): Promise<ProbationMark | undefined> {
  try {
    const m = JSON.parse(await readFile(file(storeDir, asset), 'utf8')) as Partial<ProbationMark>;
    if (typeof m.model !== 'string' || typeof m.version !== 'string') return undefined;
    const n = m.interrupted;
    return { model: m.model, version: m.version, interrupted: Number.isInteger(n) && n! > 0 ? n! : 0 };
  } catch {
    return undefined;
  }
}

async function writeMark(storeDir: string, asset: string, mark: ProbationMark): Promise<void> {
  const tmp = join(storeDir, asset, PROBATION_TMP_FILE);
  await writeFile(tmp, JSON.stringify(mark));
  await rename(tmp, file(storeDir, asset));
}

/** Marks `version` on probation on `asset`, keeping the count of ends it has seen if it was marked before. */
export async function markProbation(storeDir: string, asset: string, model: string, version: string): Promise<void> {
  const before = await readMark(storeDir, asset);
  const interrupted = before && before.model === model && before.version === version ? before.interrupted : 0;
  await writeMark(storeDir, asset, { model, version, interrupted });
}

/** The release on `asset` is off probation (confirmed, rolled back, or the gateway stops in order). */
export async function clearProbation(storeDir: string, asset: string): Promise<void> {
  await rm(file(storeDir, asset), { force: true });
}

/**
 * At start: every asset whose last run ended while a release was on probation there, with that end counted (written
 * back, so the count survives the next end too).
 */
export async function countInterruptedProbations(
  storeDir: string,
): Promise<{ readonly asset: string; readonly mark: ProbationMark }[]> {
  let assets: string[];
  try {
    assets = (await readdir(storeDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const found: { asset: string; mark: ProbationMark }[] = [];
  for (const asset of assets) {
    const before = await readMark(storeDir, asset);
    if (!before) continue;
    const mark = { ...before, interrupted: before.interrupted + 1 };
    await writeMark(storeDir, asset, mark);
    found.push({ asset, mark });
  }
  return found;
}
