/**
 * A CSV file's text, read whole, within a size bound: csv-parse's records take about ten times the file's size in
 * memory (a 42 MB Tennessee Eastman export peaks at 410 MB), and V8 cannot hold a string of more than 512 Mi
 * characters at all. A file over the bound is refused before it is read, with its size and what to do, instead of
 * a crash out of memory.
 */
import { readFileSync, statSync } from 'node:fs';

/** The largest CSV read: 256 MiB, about 2.5 GB in memory while it is parsed. */
export const CSV_MAX_BYTES = 256 * 1024 * 1024;

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MiB` : `${bytes} bytes`);

/** Refuses a file larger than `max` bytes, naming its size. */
export function refuseLargeCsv(path: string, size: number, max = CSV_MAX_BYTES): void {
  if (size > max)
    throw new Error(
      `${path}: ${mib(size)}, more than the ${mib(max)} a CSV may have (it is read whole, into about ten times its ` +
        'size in memory); split it by time, or cut it to the rows needed',
    );
}

/** The file's text, refused first if it is larger than `max` bytes. */
export function readCsvText(path: string, max = CSV_MAX_BYTES): string {
  refuseLargeCsv(path, statSync(path).size, max);
  return readFileSync(path, 'utf8');
}
