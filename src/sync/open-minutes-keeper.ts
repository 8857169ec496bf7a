/**
 * The minutes cloud sync is summarising, and when they are kept against a crash (open-minutes.ts holds the file): at
 * each alarm transition and part result, at each tick where anything changed, and when a minute is over (first as they
 * are, so a crash between queueing and the next write finds them as they were queued: a duplicate by id, never a part
 * of them that would overwrite the whole where a consumer keys on the id; then what is left once its summaries are
 * queued). Failures to write are logged (once while the same one repeats), never thrown: the summaries still go out,
 * only a crash would lose them.
 */
import type { SinkRecords } from '../core/components.js';
import type { Logger } from '../telemetry/logger.js';
import type { OpenMinutesFile } from './open-minutes.js';
import { MinuteSummarizer, minuteSummary, type MinuteSummary } from './summaries.js';

export interface OpenMinutesKeeperDeps {
  readonly logger: Logger;
  /** The sink's name, in log lines. */
  readonly sink: string;
  readonly now: () => number;
  /** Queues summaries (the crashed run's, and each minute's once it is over). */
  readonly queue: (summaries: MinuteSummary[]) => void;
  /** Where the minutes are kept against a crash; none with a memory queue (nothing is written). */
  readonly file?: OpenMinutesFile;
}

export class OpenMinutesKeeper {
  private readonly summaries: MinuteSummarizer;
  /** The run's start (ISO 8601), named by its summaries and by the file. */
  private readonly run: string;
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

  /** Counts the records in their minutes; an alarm transition or a part result is kept at once. */
  add(records: SinkRecords): void {
    const parts = records.parts ?? [];
    this.summaries.addScores(records.scores);
    this.summaries.addParts(parts);
    for (const a of records.alarms) this.summaries.addAlarm(a);
    if (records.alarms.length > 0 || parts.length > 0) this.keep();
  }

  /** Queues the summaries of the minutes over (`all`: of every minute, at a stop) and keeps what is left. */
  tick(all = false): void {
    if (this.summaries.changed) this.keep();
    const summaries = this.summaries.take(this.deps.now(), all);
    if (summaries.length === 0) return;
    this.deps.queue(summaries);
    this.keep();
  }

  /** Writes the minutes not queued yet (none: removes the file); a failure is logged, not thrown. */
  private keep(): void {
    const file = this.deps.file;
    if (!file) return;
    try {
      file.keep(this.run, this.summaries.open());
      this.keepError = undefined;
    } catch (err) {
      const message = `cloud sync: cannot keep the minutes being summarised in ${file.path}: ${(err as Error).message}; a crash loses them`;
      if (message !== this.keepError) this.deps.logger.error({ sink: this.deps.sink, file: file.path }, message);
      this.keepError = message;
    }
  }
}
