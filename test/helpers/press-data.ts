/**
 * The press's part models in end-to-end tests: `linewatch dataset --preset press` into a fresh folder, and what
 * `linewatch eval --json` reports of a part model.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { datasetCommand } from '../../src/cli/dataset.js';
import { ROOT, runCli } from './cli.js';

/**
 * The press-ae shipped until 2026-12-07 (`train --model press` then: zscore, 24 points, no cut recorded), as gateways
 * in the field still hold it: a part model of the old kind, to load and score as before.
 */
export const ZSCORE_PRESS_AE = join(ROOT, 'test/fixtures/press-ae-zscore');

/** The press data set in a fresh folder, its summary line kept off the test's output. */
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

/** The JSON `linewatch eval` prints of a part model, after checking it exited 0. */
export async function evalPartsJson(args: readonly string[]) {
  const res = await runCli(['eval', ...args, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as {
    f1: number;
    parts: number;
    bad_parts: number;
    confusion: Record<string, number>;
    no_result?: number;
    part_labels?: Record<string, unknown>;
  };
}
