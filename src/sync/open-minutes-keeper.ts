/**
 * The minutes cloud sync is summarising, and when they are kept against a crash (open-minutes.ts holds the file).
 * A minute's summary is queued once the minute is over; until then its counts are written beside the disk queue:
 *
 * - at an alarm transition or a part result: at once where the last write is CHANGES_KEPT_EVERY_MS (1 s) old, else
 *   when it is (a timer; or the next records past it): at most one write a second, the last change always written. A
 *   crash (kill -9, a power cut) loses up to the last second of them from the crashed minute's summary (each is also
 *   in the disk queue as a message of its own, with publish_alarms and publish_parts, the defaults). They were
 *   written at once, each: with a part every 100 ms, 10 rewrites a second of the whole file (about 200 kB with 20
 *   assets scored every 100 ms: 3.6 GB an hour, each synced);
 * - while only scores come, at most every SCORES_KEPT_EVERY_MS (30 s) after the last write: a crash loses up to that
 *   much of the minute's scores (the summary's `windows` says how many it holds). They were written every 5 s: 779
 *   rewrites of the whole file an hour with scores only (179 now; docs/operations.md), on a gateway's SD card or eMMC,
 *   for scores a crash loses anyway while the gateway is down;
 * - when a minute is over: first as they are, where anything changed since the last write (so a crash between
 *   queueing and the next write finds them as they were queued: a duplicate by id, never a part of them that would
 *   overwrite the whole where a consumer keys on the id), then what is left once its summaries are queued.
 *
 * Nothing is written where nothing changed since the last write. A failure to write is logged (once while the same one
 * repeats), never thrown, and tried again at each tick: the summaries still go out, only a crash would lose them.
 */
import type { SinkRecords } from '../core/components.js';
import { NODE_TIMER, type Timer } from '../core/timer.js';
import type { Logger } from '../telemetry/logger.js';
import type { OpenMinutesFile } from './open-minutes.js';
import { MinuteSummarizer, minuteSummary, type MinuteSummary } from './summaries.js';

/** While only scores come, the minutes are written at most this often (ms). */
export const SCORES_KEPT_EVERY_MS = 30_000;
/** Alarm transitions and part results are written at most this often (ms), the last one when this much has passed. */
export const CHANGES_KEPT_EVERY_MS = 1000;

export interface OpenMinutesKeeperDeps {
  readonly logger: Logger;
  /** The sink's name, in log lines. */
  readonly sink: string;
  readonly now: () => number;
  /** Queues summaries (the crashed run's, and each minute's once it is over). */
  readonly queue: (summaries: MinuteSummary[]) => void;
  /** Where the minutes are kept against a crash; none with a memory queue (nothing is written). */
  readonly file?: OpenMinutesFile;
  /** Writes a change held back by CHANGES_KEPT_EVERY_MS (setTimeout by default). */
  readonly timer?: Timer;
}

export class OpenMinutesKeeper {
  private readonly summaries: MinuteSummarizer;
  /** The run's start (ISO 8601), named by its summaries and by the file. */
  private readonly run: string;
  /** When the minutes were last written, or the run started (ms since the epoch). */
  private keptAt: number;
  /** When a write was last tried (ms since the epoch; none yet: -Infinity): a change is written a second after it. */
  private triedAt = Number.NEGATIVE_INFINITY;
  /** The timer that writes a change held back (none set: nothing is held back). */
  private held: unknown;
  /** Why the minutes could not be kept the last time (said once while it repeats). */
  private keepError: string | undefined;

  constructor(
    private readonly gateway: string,
    /** When this run (the gateway's sync) started, in ms since the epoch. */
    startedAt: number,
    private readonly deps: OpenMinutesKeeperDeps,
  ) {
    this.summaries = new MinuteSummarizer(gateway, startedAt);
    this.run = new Date(startedAt).toISOString();
    this.keptAt = startedAt;
  }

  /** Queues the summaries of the minutes a run before kept and did not queue: it ended in a crash. */
  queueCrashed(): void {
    const file = this.deps.file;
    if (!file) return;
    const { sink, logger } = this.deps;
    const { minutes: kept, problem } = file.kept(this.deps.now());
    if (problem) logger.error({ sink, file: file.path }, `cloud sync: ${problem}`);
    if (!kept) return;
    const summaries = kept.minutes.map((m) => minuteSummary(this.gateway, kept.run, m.asset, m.minute, m.counts));
    this.deps.queue(summaries);
    try {
      file.done();
    } catch (err) {
      // Left there, it is written over at this run's next keep; a crash before then queues them again (duplicates).
      logger.error({ sink, file: file.path }, `cloud sync: ${(err as Error).message}`);
    }
    logger.info(
      { sink, file: file.path, summaries: summaries.length },
      `cloud sync: ${summaries.length} minute summaries of the run started ${kept.run}, which ended before queueing them (a crash), queued from ${file.path}`,
    );
  }

  /** Counts the records in their minutes; an alarm transition or a part result is kept within a second. */
  add(records: SinkRecords): void {
    const parts = records.parts ?? [];
    this.summaries.addScores(records.scores);
    this.summaries.addParts(parts);
    for (const a of records.alarms) this.summaries.addAlarm(a);
    if (records.alarms.length > 0 || parts.length > 0 || this.held !== undefined) this.keepChange();
  }

  /** Writes at once where the last write was tried CHANGES_KEPT_EVERY_MS ago; else sets the timer for then. */
  private keepChange(): void {
    if (!this.deps.file) return;
    const wait = this.triedAt + CHANGES_KEPT_EVERY_MS - this.deps.now();
    if (wait <= 0) this.keep();
    else if (this.held === undefined) {
      const timer = this.deps.timer ?? NODE_TIMER;
      this.held = timer.set(() => {
        this.held = undefined;
        this.keep();
      }, wait);
    }
  }

  /**
   * Queues the summaries of the minutes over (`all`: of every minute, at a stop) and keeps what is left; otherwise
   * keeps the scores that came, where the last write is SCORES_KEPT_EVERY_MS old. Called every few seconds.
   */
  tick(all = false): void {
    const now = this.deps.now();
    if (this.summaries.due(now, all)) {
      if (this.summaries.changed) this.keep();
      this.deps.queue(this.summaries.take(now, all));
      this.keep();
      // A write that failed holds what was to be kept (an alarm, a part): tried again at each tick until one works.
    } else if (this.keepError !== undefined || (this.summaries.changed && now - this.keptAt >= SCORES_KEPT_EVERY_MS))
      this.keep();
  }

  /** Writes the minutes not queued yet (none: removes the file); a failure is logged, not thrown. */
  private keep(): void {
    const file = this.deps.file;
    if (!file) return;
    if (this.held !== undefined) (this.deps.timer ?? NODE_TIMER).clear(this.held);
    this.held = undefined;
    this.triedAt = this.deps.now();
    try {
      file.keep(this.run, this.summaries.open());
      this.keptAt = this.deps.now();
      this.keepError = undefined;
    } catch (err) {
      const message = `cloud sync: cannot keep the minutes being summarised in ${file.path}: ${(err as Error).message}; a crash loses them`;
      if (message !== this.keepError) this.deps.logger.error({ sink: this.deps.sink, file: file.path }, message);
      this.keepError = message;
    }
  }
}
