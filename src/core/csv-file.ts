/**
 * A CSV file's text, read whole, within a size bound: csv-parse's records take about ten times the file's size in
 * memory (a 42 MB Tennessee Eastman export peaks at 410 MB), and V8 cannot hold a string of more than 512 Mi
 * characters at all. A file over the bound is refused before it is read, with its size and what to do, instead of
 * a crash out of memory; a pipe (`/dev/stdin`, a FIFO), whose size no stat says, is refused once it has given more.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The largest CSV read: 256 MiB, about 2.5 GB in memory while it is parsed. */
export const CSV_MAX_BYTES = 256 * 1024 * 1024;

const inMiB = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`);

/** Refuses `size` bytes of a CSV where more than `max`, naming the size (or "more than" it, for a pipe). */
export function refuseLargeCsv(path: string, size: number, max = CSV_MAX_BYTES, atLeast = false): void {
  if (size > max)
    throw new Error(
      `${path}: ${atLeast ? 'at least ' : ''}${size} bytes, more than the ${inMiB(max)} a CSV may have (it is read ` +
        'whole, into about ten times its size in memory); split it by time, or cut it to the rows needed',
    );
}

/** The file's text: refused before it is read if its size is over `max` bytes, or once a pipe has given more. */
export function readCsvText(path: string, max = CSV_MAX_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    const info = fstatSync(fd);
    if (info.isFile()) refuseLargeCsv(path, info.size, max);
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(1024 * 1024);
    for (let n: number; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      total += n;
      refuseLargeCsv(path, total, max, !info.isFile());
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
