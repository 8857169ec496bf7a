/**
 * The edge node's bdSeq kept across restarts (Sparkplug 3.0: a host application matches an NDEATH to its NBIRTH by
 * bdSeq; a gateway that started again at 0 could see the will of its run before, published late by the broker, taken
 * for the death of its new session). The file holds one number, 0 to 255, the bdSeq of the last connection's will; it
 * is read as hostile (a regular file, at most 16 bytes, a number in range) and replaced in one step.
 */
import { replaceFile } from '../../core/replace-file.js';
import { readRegularFileSync, regularFileErrorText } from '../../core/regular-file.js';

const MAX_BYTES = 16;

/** The bdSeq of this run's first connection: one past the file's (0 where there is none), or why it is unusable. */
export function nextBdSeq(path: string): { readonly bdSeq: number; readonly why?: string } {
  let text: string;
  try {
    text = readRegularFileSync(path, MAX_BYTES).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { bdSeq: 0 };
    return { bdSeq: 0, why: `${path}: ${regularFileErrorText(err)}` };
  }
  const match = /^(\d{1,3})\n?$/.exec(text);
  const last = match ? Number(match[1]) : NaN;
  if (!(last <= 255)) return { bdSeq: 0, why: `${path}: not a bdSeq (a number from 0 to 255)` };
  return { bdSeq: (last + 1) % 256 };
}

/** Keeps `bdSeq` as the last one used. */
export function saveBdSeq(path: string, bdSeq: number): Promise<void> {
  return replaceFile(path, `${bdSeq}\n`, { durable: true });
}
