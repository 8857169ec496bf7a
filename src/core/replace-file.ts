/**
 * Replacing a file in one step, so that nothing already at its name is written through: the bytes go to
 * `<path><suffix>`, made new ('wx' follows no link; one left there, a crash's or planted, is removed first), which is
 * then renamed over `path`. A link at `path` is replaced, not followed (regression: `eval --report page.html`,
 * page.html a link another user left in a shared folder, wrote the page over the file it pointed to), and a reader
 * finds the old file or the whole new one. `durable` (the model store's and remote configuration's files) also syncs
 * the file before the rename and its folder after, so that a restart after a power cut finds the one or the other.
 */
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `data` to the new file `path` and syncs it to the disk, so that a power cut after it finds the file whole.
 * Made new ('wx', which follows no link): a file or link already there fails it, never written through.
 */
export async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  await writeNew(path, data, true);
}

/**
 * Syncs a folder to the disk: a file renamed into it is found there after a power cut. A file system that cannot sync
 * a folder (EINVAL, ENOTSUP) leaves the rename as durable as it makes it.
 */
export async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync().catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EINVAL' && err.code !== 'ENOTSUP') throw err;
    });
  } finally {
    await folder.close();
  }
}

export interface ReplaceOptions {
  /** The ending of the file written first, beside `path` (default `.partial`). */
  readonly suffix?: string;
  /** Synced to the disk, file and folder (see above). */
  readonly durable?: boolean;
}

/** Writes `data` as the file `path`, through `<path><suffix>` (see above); that file is removed on failure. */
export async function replaceFile(
  path: string,
  data: string | Uint8Array,
  { suffix = '.partial', durable = false }: ReplaceOptions = {},
): Promise<void> {
  const partial = `${path}${suffix}`;
  await rm(partial, { force: true });
  try {
    await writeNew(partial, data, durable);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  if (durable) await syncFolder(dirname(path));
}

async function writeNew(path: string, data: string | Uint8Array, sync: boolean): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(data);
    if (sync) await file.sync();
  } finally {
    await file.close();
  }
}
