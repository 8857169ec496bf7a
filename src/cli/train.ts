/** `linewatch train`: builds a model from simulator data (the shipped ones: seeded, reproducible) or a CSV. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ARCHITECTURES, buildModel, type Architecture, type TrainingSet } from '../training/build-model.js';
import { csvTrainingSet } from '../training/csv-dataset.js';
import { MODEL_KINDS, trainingSet, type ModelKind } from '../training/datasets.js';
import { reportError } from './main.js';
import { terminalProgress } from './progress.js';

export interface TrainOptions {
  model: string;
  seed: string;
  trainS?: string;
  epochs: string;
  out: string;
  csv?: string;
  channels?: string;
  window: string;
  hop: string;
  periodMs?: string;
  validationFraction: string;
  hidden: string;
  arch: string;
  filters: string;
  name?: string;
  prune?: string;
}

/** A whole number option, checked; the error names the flag. */
function count(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} ${value}: expected a whole number from ${min}`);
  return n;
}

async function csvSet(opts: TrainOptions): Promise<TrainingSet> {
  const fraction = Number(opts.validationFraction);
  if (!(fraction > 0 && fraction < 1)) throw new Error(`--validation-fraction ${opts.validationFraction}: expected a number between 0 and 1`);
  const text = await readFile(opts.csv!, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`--csv ${opts.csv}: ${err.code ?? err.message}`);
  });
  return csvTrainingSet(text, opts.csv!, {
    name: opts.name ?? 'csv-ae',
    channels: opts.channels?.split(',').map((c) => c.trim()).filter(Boolean),
    windowLength: count('window', opts.window, 2),
    hop: count('hop', opts.hop),
    ...(opts.periodMs ? { periodMs: count('period-ms', opts.periodMs) } : {}),
    validationFraction: fraction,
    hidden: opts.hidden.split(',').map((h) => count('hidden', h.trim())),
  });
}

export async function trainCommand(opts: TrainOptions, argv: readonly string[]): Promise<number> {
  try {
    if (!MODEL_KINDS.includes(opts.model as ModelKind)) throw new Error(`--model ${opts.model}: expected one of ${MODEL_KINDS.join(', ')}`);
    const seed = Number(opts.seed);
    const simSet = () => trainingSet(opts.model as ModelKind, seed, opts.trainS ? Number(opts.trainS) : undefined);
    const set = opts.csv ? await csvSet(opts) : { ...simSet(), ...(opts.name ? { name: opts.name } : {}) };
    if (!ARCHITECTURES.includes(opts.arch as Architecture)) throw new Error(`--arch ${opts.arch}: expected one of ${ARCHITECTURES.join(', ')}`);
    const filters = opts.filters.split(',').map((f) => count('filters', f.trim()));
    if (filters.length !== 2) throw new Error(`--filters ${opts.filters}: expected two channel counts, e.g. 16,8`);
    if (opts.arch === 'conv1d' && set.windowLength % 4 !== 0) throw new Error(`--arch conv1d halves the window twice: the window length must be a multiple of 4 (${set.name}: ${set.windowLength}; set --window)`);
    const prune = opts.prune === undefined ? undefined : Number(opts.prune);
    if (prune !== undefined && !(prune > 0 && prune < 1)) throw new Error(`--prune ${opts.prune}: expected a fraction between 0 and 1 (e.g. 0.5)`);
    await buildModel(set, {
      architecture: opts.arch as Architecture,
      filters: [filters[0], filters[1]],
      ...(prune !== undefined ? { prune } : {}),
      seed,
      epochs: Number(opts.epochs),
      outDir: resolve(opts.out),
      command: `linewatch ${argv.join(' ')}`,
      log: (line: string) => process.stderr.write(`${line}\n`),
      progress: terminalProgress(),
    });
    process.stdout.write(`model ${set.name} written to ${resolve(opts.out)}\n`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
