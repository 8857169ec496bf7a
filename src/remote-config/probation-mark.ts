/**
 * Crash-loop protection for remote configurations, as the model side has it (sync/interrupted-probation.ts, whose
 * count INTERRUPTIONS_TO_ROLL_BACK this shares). Before an applied configuration is kept and started,
 * `<data_dir>/remote-config/probation.json` says it is on probation: its sequence, the sources it is judged on (those
 * that gave a good sample under the configuration before: the next start cannot know them otherwise), the
 * configuration it replaced, and how many times the gateway ended during this probation. It is removed once the
 * configuration is confirmed or rolled back; a stop in order leaves it, marked `stopped`. Found at start (markAtStart),
 * it means the gateway ended during that probation: the probation starts again, the end counted (a stop in order is
 * not), and at INTERRUPTIONS_TO_ROLL_BACK ends in a row the configuration is rolled back, so one that crashes the
 * gateway cannot do so at every start. Each write goes through a temporary file, synced and renamed (writeStoreJson),
 * one at a time. A configuration taken while the one running is on probation is marked with that one's mark inside
 * (`before`, newMark) until it is kept, so an end in between resumes the probation of the one that starts again.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { INTERRUPTIONS_TO_ROLL_BACK } from '../sync/interrupted-probation.js';
import { readJsonFile, type JsonFileRead } from '../sync/json-file.js';
import { writeStoreJson } from '../sync/store-files.js';

export const PROBATION_FILE = 'probation.json';
/** A mark names at most a few thousand sources: a larger file is refused unread. */
const MAX_MARK_BYTES = 256 * 1024;

const ownMarkSchema = z.strictObject({
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  judged: z.array(z.string().min(1).max(256)).max(4096),
  /** Where sources that gave good samples before are no longer named (`replaces`), as many of these must give one
   * (probation.ts); without replaces (a mark written before it came), one. */
  anyOf: z.array(z.string().min(1).max(256)).max(4096).optional(),
  replaces: z.array(z.string().min(1).max(256)).max(4096).optional(),
  /** The sequence of the configuration it replaced; null: the local file. */
  previous: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
  interrupted: z.number().int().min(0).max(1000),
  stopped: z.boolean().optional(),
});
const markSchema = ownMarkSchema.extend({
  /** The mark of the configuration it replaces, on probation still, until this one is kept (newMark). */
  before: ownMarkSchema.optional(),
});
export type ConfigProbationMark = z.infer<typeof ownMarkSchema>;
/** A mark as it is on disk: with the mark of the probation it interrupts, until the new configuration is kept. */
export type WrittenProbationMark = z.infer<typeof markSchema>;

/**
 * The mark written before `own.sequence` is kept: its own, and, where the configuration running (`running`) is on
 * probation (`found`, the mark on disk), that one's as `before`: a gateway that ends before the new one is kept starts
 * the one running again, and resumes its probation rather than losing its mark (markAtStart). Once the new one is kept,
 * its own is written alone (the probation it replaces ends there).
 */
export function newMark(
  own: ConfigProbationMark,
  running: number | undefined,
  found: JsonFileRead<WrittenProbationMark>,
): WrittenProbationMark {
  if (running === undefined || !('value' in found) || found.value.sequence !== running) return own;
  const { before: _older, ...onProbation } = found.value;
  return { ...own, before: onProbation };
}

/** What a start makes of the mark it found (markAtStart). */
export type MarkAtStart =
  | { readonly kind: 'none' }
  /** Unreadable, or not for the configuration kept (a rollback or a keep cut short): removed, nothing judged. */
  | { readonly kind: 'stale'; readonly why: string }
  /** The probation starts again (the mark as it is written back: the ends counted, not stopped). */
  | { readonly kind: 'resume'; readonly mark: ConfigProbationMark }
  /** Ended during this probation INTERRUPTIONS_TO_ROLL_BACK times in a row: rolled back. */
  | { readonly kind: 'roll_back'; readonly mark: ConfigProbationMark };

/** Pure: what a start does with the mark `read` where the configuration that starts is `kept` (undefined: the local
 * file). */
export function markAtStart(read: JsonFileRead<WrittenProbationMark>, kept: number | undefined): MarkAtStart {
  if ('absent' in read) return { kind: 'none' };
  if ('why' in read) return { kind: 'stale', why: `is unreadable (${read.why})` };
  const { before, ...written } = read.value;
  // The gateway ended while a configuration replacing the one on probation was kept: that one starts, on probation.
  const found = before && before.sequence === kept && written.sequence !== kept ? before : written;
  if (found.sequence !== kept)
    return {
      kind: 'stale',
      why: `is for sequence ${found.sequence}, and ${kept === undefined ? 'the local file' : `sequence ${kept}`} starts`,
    };
  const { stopped, ...mark } = found;
  const counted = { ...mark, interrupted: stopped ? mark.interrupted : mark.interrupted + 1 };
  return { kind: counted.interrupted >= INTERRUPTIONS_TO_ROLL_BACK ? 'roll_back' : 'resume', mark: counted };
}

/** The probation mark of the state folder `dir`, its reads and writes one at a time. */
export class ConfigProbationFile {
  readonly path: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    this.path = join(dir, PROBATION_FILE);
  }

  /** The mark as it is on disk (read only). */
  read(): JsonFileRead<WrittenProbationMark> {
    return readJsonFile(this.path, markSchema, MAX_MARK_BYTES);
  }

  /** Writes `mark` (in turn). */
  write(mark: WrittenProbationMark): Promise<void> {
    return this.inTurn(async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeStoreJson(this.path, mark);
    });
  }

  /** Removes the mark where it is for `sequence` (any mark where undefined), in turn: a probation that ended does
   * not remove the mark of the configuration that replaced it. */
  clear(sequence?: number): Promise<void> {
    return this.inTurn(async () => {
      const read = this.read();
      if (sequence !== undefined && 'value' in read && read.value.sequence !== sequence) return;
      await rm(this.path, { force: true });
    });
  }

  /** The gateway stops in order: a mark for `sequence` (its probation not ended) is marked `stopped`, in turn. */
  markStopped(sequence: number): Promise<void> {
    return this.inTurn(async () => {
      const read = this.read();
      if ('value' in read && read.value.sequence === sequence)
        await writeStoreJson(this.path, { ...read.value, stopped: true });
    });
  }

  private inTurn(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step, step);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
