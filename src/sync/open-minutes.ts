/**
 * The minutes cloud sync is summarising, kept beside its disk queue (`<queue file>.minutes.json`). A summary is built
 * in memory and queued when its minute is over: a crash (kill -9, a power cut) lost the minute it was in, an alarm
 * raised in it included. So the counts are written here whole (a temporary file renamed over it; synced too where the
 * queue is, `buffer.sync: full`) at alarm transitions and part results at most once a second, at most every 30 s while
 * only scores come, and when a minute is over (open-minutes-keeper.ts says when). The next start queues a summary of
 * each minute found here, under the run that kept it (its `run` and id: one queued before the crash and found again is
 * a duplicate by id), then removes the file. A file that cannot be used is set aside as `<file>.bad-<time>` with an
 * error naming it and why.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { nameSchema } from '../core/config-primitives.js';
import { readJsonFile } from './json-file.js';
import type { OpenMinute } from './summaries.js';

const SCHEMA = 'linewatch.open-minutes/1';
/** A larger file is not read: a minute of one window a second on 100 assets takes about 200 kB. */
export const MAX_OPEN_MINUTES_BYTES = 16 * 1024 * 1024;

const count = z.number().int().nonnegative();
/** The last time a JavaScript Date holds, in ms since the epoch. */
const LAST_DATE_MS = 8.64e15;
const openMinutesSchema = z.strictObject({
  schema: z.literal(SCHEMA),
  /** When the run that kept them started (ISO 8601, as in its summaries). */
  run: z.iso.datetime(),
  minutes: z
    .array(
      z.strictObject({
        asset: nameSchema.max(256),
        // Within a Date's range: its summary's id is the minute as ISO 8601 (toISOString throws beyond it).
        minute: count.multipleOf(60_000).max(LAST_DATE_MS, 'past the last time a date holds (8.64e15 ms)'),
        counts: z.strictObject({
          scores: z.array(z.number()),
          threshold: z.number().nullable(),
          raised: count,
          transitions: z.record(z.string().max(64), count),
          parts: z.strictObject({ pass: count, fail: count, unknown: count }),
          // Kept by a version before held counts (2026-12-07): none held.
          held: z.strictObject({ windows: count, parts: count }).default({ windows: 0, parts: 0 }),
        }),
      }),
    )
    .max(100_000),
});

export type KeptMinutes = z.infer<typeof openMinutesSchema>;

/** Where the minutes of the cloud queue at `queuePath` are kept. */
export function openMinutesFile(queuePath: string): string {
  return `${queuePath}.minutes.json`;
}

export class OpenMinutesFile {
  constructor(
    readonly path: string,
    /** Sync the file and its folder to the disk at each write (the queue's `sync: full`). */
    private readonly synced: boolean,
  ) {}

  /**
   * The minutes a run before this one kept and did not queue (undefined where none), the file then to be removed
   * (`done`) once their summaries are queued. An unusable file is set aside: `problem` says what and where.
   */
  kept(now: number): { minutes?: KeptMinutes; problem?: string } {
    const read = readJsonFile(this.path, openMinutesSchema, MAX_OPEN_MINUTES_BYTES);
    if ('absent' in read) return {};
    if ('value' in read) return { minutes: read.value };
    const aside = `${this.path}.bad-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.path, aside);
      return { problem: `${read.why}: set aside as ${aside}; the minutes it held are not summarised` };
    } catch (err) {
      return {
        problem: `${read.why}; setting it aside failed (${(err as Error).message}): this run's minutes are written over it`,
      };
    }
  }

  /** Keeps `minutes` of the run started at `run` (ISO 8601), replacing what was kept; none: removes the file. */
  keep(run: string, minutes: readonly OpenMinute[]): void {
    if (minutes.length === 0) {
      this.done();
      return;
    }
    const tmp = `${this.path}.tmp`;
    // Made new ('wx' follows no link): one left there (a crash's, or planted) is removed, never written through.
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, JSON.stringify({ schema: SCHEMA, run, minutes }));
      if (this.synced) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    if (this.synced) syncFolder(dirname(this.path));
  }

  /** Nothing is kept (their summaries are queued). */
  done(): void {
    rmSync(this.path, { force: true });
  }
}

function syncFolder(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
  } finally {
    closeSync(fd);
  }
}
