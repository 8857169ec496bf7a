/**
 * What `linewatch export` says of the failed reads in the rows it wrote (pure): a failed read (a timeout, an exception
 * answer, a connection down) is no reading, and the gateway holds its channel's last good reading over it up to
 * max_sample_age_ms; export, from a store that marks failed reads (store-tables.ts failed_read), writes such a cell
 * empty, a missing reading, which `train` and `eval` hold at the last reading over a short gap as the gateway held it
 * (store-recording.ts), and counts them per channel. A store written before 2026-12-07 keeps a failed read as a bad
 * reading, its cell empty too: said, where it holds bad readings.
 */
import type { Sample } from '../core/types.js';

/** Per channel: the failed reads (held over) and the bad readings (cells left empty) among the exported samples. */
export interface FailedReads {
  readonly failed: Map<string, number>;
  readonly bad: Map<string, number>;
}

/**
 * `batches` as they are, counting on the way the failed reads of `channels` (the row channels, whose cells a failed
 * read leaves empty) and the bad readings of those and of `held` (a part id column, which holds the id over a failed
 * read, as the gateway names the part) into `into`.
 */
export function* countingFailedReads(
  batches: Iterable<readonly Sample[]>,
  channels: readonly string[],
  held: readonly string[],
  into: FailedReads,
): Generator<readonly Sample[]> {
  const rows = new Set(channels);
  const wanted = new Set([...channels, ...held]);
  for (const batch of batches) {
    for (const s of batch) {
      if (s.quality !== 'bad' || !wanted.has(s.channel)) continue;
      if (s.failedRead === true && !rows.has(s.channel)) continue;
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
 * The summary's words on failed reads ('' where there were none): how many, per channel, their cells empty; from a
 * store that does not mark them (`marked` false), that its bad readings' cells are empty, failed reads among them.
 */
export function failedReadsText(counts: FailedReads, maxAgeMs: number, marked: boolean): string {
  if (!marked)
    return counts.bad.size === 0
      ? ''
      : `; ${total(counts.bad)} bad reading(s) (${perChannel(counts.bad)}) left empty: the store, written before ` +
          '2026-12-07, does not tell a failed read (which the gateway held over) from a bad value';
  return counts.failed.size === 0
    ? ''
    : `; ${total(counts.failed)} failed read(s) (${perChannel(counts.failed)}) written as empty cells, not as the ` +
        `last good reading the gateway held over them for up to ${maxAgeMs} ms: train and eval hold a short gap at ` +
        'the last reading as the gateway did (--max-sample-age-ms), and leave out a part with one';
}
