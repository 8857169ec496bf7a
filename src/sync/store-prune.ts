/**
 * Keeps an asset's model store bounded: once a release is confirmed, the release folders in `<store>/<asset>/` that a
 * restart can no longer run (neither the confirmed release nor one active.json keeps to fall back on, nor the one on
 * probation now) are removed. The store's own files and the `.incoming-*` folders a release is being written into are
 * left alone.
 */
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { INCOMING_PREFIX, STORE_FILES } from './store-files.js';

/** Removes the release folders of `assetDir` not in `keep` (folder paths); resolves with the names removed. */
export async function pruneReleases(assetDir: string, keep: readonly string[]): Promise<string[]> {
  const kept = new Set(keep.map((d) => resolve(d)));
  const removed: string[] = [];
  for (const entry of await readdir(assetDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || STORE_FILES.includes(entry.name)) continue;
    const dir = join(assetDir, entry.name);
    if (kept.has(resolve(dir))) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}

/** Removes the `.incoming-*` folders a release was being written into when the gateway ended (at start). */
export async function removeIncomplete(assetDir: string): Promise<void> {
  for (const entry of await readdir(assetDir, { withFileTypes: true }).catch(() => []))
    if (entry.isDirectory() && entry.name.startsWith(INCOMING_PREFIX))
      await rm(join(assetDir, entry.name), { recursive: true, force: true });
}
