/** `linewatch dataset --preset press` into a fresh folder, its summary line kept off the test's output. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetCommand } from '../../src/cli/dataset.js';

export async function pressDataset(files: number, seed: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-press-data-'));
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    const code = await datasetCommand({ preset: 'press', out: dir, files: String(files), seed: String(seed) });
    if (code !== 0) throw new Error(`linewatch dataset --preset press exited ${code}`);
  } finally {
    process.stdout.write = write;
  }
  return dir;
}
