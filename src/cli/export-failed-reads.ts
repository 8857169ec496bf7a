/**
 * What `linewatch export` says of the failed reads in the rows it wrote (pure): a failed read (a timeout, an exception
 * answer, a connection down) is no reading, and the gateway holds its channel's last good reading over it up to
 * max_sample_age_ms; export writes the rows so too, from a store that marks failed reads (store-tables.ts
 * failed_read), and counts them per channel, so that a held cell is told from a channel that was read. A store
 * written before 2026-12-07 keeps a failed read as a bad reading, its cell empty: said, where it holds bad readings.
 */
import type { Sample } from '../core/types.js';

/** Per channel: the failed reads (held over) and the bad readings (cells left empty) among the exported samples. */
export interface FailedReads {
  readonly failed: Map<string, number>;
  readonly bad: Map<string, number>;
}

/** `batches` as they are, counting on the way the failed reads and bad readings of `channels` into `into`. */
export function* countingFailedReads(
  batches: Iterable<readonly Sample[]>,
  channels: readonly string[],
  into: FailedReads,
): Generator<readonly Sample[]> {
  const wanted = new Set(channels);
  for (const batch of batches) {
    for (const s of batch) {
      if (s.quality !== 'bad' || !wanted.has(s.channel)) continue;
      const counts = s.failedRead === true ? into.failed : into.bad;
      counts.set(s.channel, (counts.get(s.channel) ?? 0) + 1);
    }
    yield batch;
  }
}

const perChannel = (counts: ReadonlyMap<string, number>): string =>
  [...counts].map(([channel, n]) => `${channel} ${n}`).join(', ');

const total = (counts: ReadonlyMap<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

/**
 * The summary's words on failed reads ('' where there were none): how many, per channel, held as the gateway held
 * them; from a store that does not mark them (`marked` false), that its bad readings' cells are empty, failed reads
 * among them.
 */
export function failedReadsText(counts: FailedReads, maxAgeMs: number, marked: boolean): string {
  if (!marked)
    return counts.bad.size === 0
      ? ''
      : `; ${total(counts.bad)} bad reading(s) (${perChannel(counts.bad)}) left empty: the store, written before ` +
          '2026-12-07, does not tell a failed read (which the gateway held over) from a bad value';
  return counts.failed.size === 0
    ? ''
    : `; ${total(counts.failed)} failed read(s) (${perChannel(counts.failed)}): the channel's last good reading ` +
        `held over each, up to ${maxAgeMs} ms, as the gateway held it (an empty cell after that)`;
}
