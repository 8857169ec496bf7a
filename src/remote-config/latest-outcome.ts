/**
 * The latest remote configuration outcome, kept on disk until the broker has it: `<data_dir>/remote-config/
 * outcome.json` holds the outcome and whether the broker acknowledged its publication. An outcome replaces the one
 * before at once, published or not (the outcome topic is retained: only the latest matters, and two latest outcomes
 * must never contradict each other); the receiver publishes the latest whenever it connects, after a restart too,
 * until it is acknowledged (receiver.ts). Written through a temporary file, synced and renamed, one write at a time;
 * read back as hostile (size-capped, checked); an unreadable file is said and replaced by the next outcome.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RemoteConfigStatus } from '../runtime/gateway.js';
import { readJsonFile, type JsonFileRead } from '../sync/json-file.js';
import { writeStoreJson } from '../sync/store-files.js';

export const OUTCOME_FILE = 'outcome.json';
export type ConfigOutcome = NonNullable<RemoteConfigStatus['last']>;

/** A reason names sources and errors: a file much larger is none of this gateway's. */
const MAX_OUTCOME_BYTES = 64 * 1024;
/** A reason longer than this (an invalid configuration's every issue) is kept, and published, cut here. */
const MAX_REASON_CHARS = 16 * 1024;
const outcomeSchema = z.strictObject({
  outcome: z.enum(['applied', 'confirmed', 'refused', 'rolled_back']),
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  code: z.string().max(64).optional(),
  reason: z
    .string()
    .max(32 * 1024)
    .optional(),
  ts: z.number(),
});
const fileSchema = z.strictObject({ outcome: outcomeSchema, published: z.boolean() });
export type KeptOutcome = z.infer<typeof fileSchema>;

/** Reads the latest outcome kept in the state folder `dir` (read only). */
export function readLatestOutcome(dir: string): JsonFileRead<KeptOutcome> {
  return readJsonFile(join(dir, OUTCOME_FILE), fileSchema, MAX_OUTCOME_BYTES);
}

export class LatestOutcome {
  /** The latest outcome (of this run, or kept by the one before). */
  current: ConfigOutcome | undefined;
  /** Whether the broker has not acknowledged `current` yet. */
  pending = false;
  private chain: Promise<unknown> = Promise.resolve();

  /** Reads the outcome kept in `dir`; `onUnreadable` is told why a file there cannot be used. */
  constructor(
    private readonly dir: string,
    private readonly onWriteFailed: (why: string) => void,
    onUnreadable: (why: string) => void,
  ) {
    const read = readLatestOutcome(dir);
    if ('why' in read) onUnreadable(read.why);
    if (!('value' in read)) return;
    this.current = read.value.outcome;
    this.pending = !read.value.published;
  }

  /** `outcome` is the latest, not yet published (its reason bounded); kept on disk (in turn) before the promise
   * settles. */
  keep(outcome: ConfigOutcome): Promise<void> {
    const kept = bounded(outcome);
    this.current = kept;
    this.pending = true;
    return this.write({ outcome: kept, published: false });
  }

  /** The broker acknowledged `outcome`: recorded where it is still the latest. */
  published(outcome: ConfigOutcome): Promise<void> {
    if (outcome !== this.current || !this.pending) return Promise.resolve();
    this.pending = false;
    return this.write({ outcome, published: true });
  }

  /** Settles once every write asked for so far has ended. */
  written(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  private write(kept: KeptOutcome): Promise<void> {
    const step = async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeStoreJson(join(this.dir, OUTCOME_FILE), kept);
    };
    const next = this.chain.then(step, step).catch((err: unknown) => {
      this.onWriteFailed(`${join(this.dir, OUTCOME_FILE)}: ${(err as Error).message}`);
    });
    this.chain = next;
    return next;
  }
}

/** `outcome` with its reason cut at MAX_REASON_CHARS (an ellipsis where it was). */
function bounded(outcome: ConfigOutcome): ConfigOutcome {
  const { reason } = outcome;
  return reason !== undefined && reason.length > MAX_REASON_CHARS
    ? { ...outcome, reason: `${reason.slice(0, MAX_REASON_CHARS)}…` }
    : outcome;
}
