/**
 * A file a setting names (a TLS certificate or key, a secret), read as hostile: only a regular file, opened without
 * waiting (a FIFO there, or a link to one, blocked the read and the whole gateway with it), and at most `maxBytes`
 * (a link to /dev/zero read until memory ran out). One byte past the bound is read, so a file that grew since its
 * size was known is refused all the same.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fileErrorText } from './errors.js';

/** The most a certificate, key or CA bundle file is read for: a system CA bundle is about 200 KiB. */
export const PEM_FILE_MAX_BYTES = 1 << 20;

/** Why a file that opened is not read: not a regular file, or larger than the bound. The message names no path. */
export class FileRefused extends Error {}

/**
 * The bytes of `path`. Throws the open's own error (ENOENT, EACCES: fileErrorText words them) or a FileRefused
 * saying "not a regular file" or "over N bytes".
 */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new FileRefused('not a regular file');
    const buffer = Buffer.alloc(maxBytes + 1);
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n)
      n = readSync(fd, buffer, read, buffer.length - read, read);
    if (read > maxBytes) throw new FileRefused(`over ${maxBytes} bytes`);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** What an error of readRegularFileSync says, without the path: its own words, the open's in words, or its code. */
export function regularFileErrorText(err: unknown): string {
  if (err instanceof FileRefused) return err.message;
  return fileErrorText(err) ?? (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
