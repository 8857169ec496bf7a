/**
 * Writes a file a command names (a report page) so that nothing already at its name is written through: the bytes go
 * to `<path>.partial`, made new ('wx' follows no link; one left there, a crash's or planted, is removed first), which
 * is then renamed over `path`. A link at `path` is replaced, not followed (regression: `eval --report page.html`,
 * page.html a link another user left in a shared folder, wrote the page over the file it pointed to), and a reader
 * finds the old file or the whole new one.
 */
import { open, rename, rm } from 'node:fs/promises';

/** Writes `data` as the file `path`, through `<path>.partial` (see above); the partial file is removed on failure. */
export async function replaceFile(path: string, data: string | Uint8Array): Promise<void> {
  const partial = `${path}.partial`;
  await rm(partial, { force: true });
  try {
    const file = await open(partial, 'wx');
    try {
      await file.writeFile(data);
    } finally {
      await file.close();
    }
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
