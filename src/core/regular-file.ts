/**
 * A file a setting names (a TLS certificate or key, a secret), read as hostile: only a regular file, opened without
 * waiting (a FIFO there, or a link to one, blocked the read and the whole gateway with it), and at most `maxBytes`
 * (a link to /dev/zero read until memory ran out); a larger file is refused by its size, unread. One byte past its
 * size is read, so a file that grew since (being written) is refused rather than read in part.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileErrorText } from './errors.js';

/** The most a certificate, key or CA bundle file is read for: a system CA bundle is about 200 KiB. */
export const PEM_FILE_MAX_BYTES = 1 << 20;

/** Why a file that opened is not read: not a regular file, or larger than the bound. The message names no path. */
export class FileRefused extends Error {
  constructor(
    readonly kind: 'not_regular' | 'too_large' | 'grew',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The bytes of `path`. Throws the open's own error (ENOENT, EACCES: fileErrorText words them) or a FileRefused
 * saying "not a regular file", "S bytes, over N" (its size) or "it grew while it was read".
 */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = bufferFor(fstatSync(fd), maxBytes);
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n)
      n = readSync(fd, buffer, read, buffer.length - read, read);
    return whole(buffer, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * readRegularFileSync without holding the event loop: for a file read while the gateway runs (a release folder of up
 * to 64 MiB verified again for a local rollback), where a synchronous read stalled polling for as long as the disk
 * took. The same refusals.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = bufferFor(await handle.stat(), maxBytes);
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n)
      n = (await handle.read(buffer, read, buffer.length - read, read)).bytesRead;
    return whole(buffer, read);
  } finally {
    await handle.close();
  }
}

/** The buffer to read an opened file into, or its refusal: not a regular file, or over `maxBytes` by its size. */
function bufferFor(info: Stats, maxBytes: number): Buffer {
  if (!info.isFile()) throw new FileRefused('not_regular', 'not a regular file');
  // Refused by its size, unread.
  if (info.size > maxBytes) throw new FileRefused('too_large', `${info.size} bytes, over ${maxBytes}`);
  // One byte past its size: a file that grew since is seen to.
  return Buffer.alloc(info.size + 1);
}

/** The bytes read into `buffer` (sized by bufferFor), or the refusal of a file that grew while it was read. */
function whole(buffer: Buffer, read: number): Buffer {
  if (read === buffer.length) throw new FileRefused('grew', 'it grew while it was read');
  return buffer.subarray(0, read);
}

/** What an error of readRegularFileSync says, without the path: its own words, the open's in words, or its code. */
export function regularFileErrorText(err: unknown): string {
  if (err instanceof FileRefused) return err.message;
  return fileErrorText(err) ?? (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
