/** `linewatch train`: builds a shipped model from simulator data (seeded, reproducible). */
import { resolve } from 'node:path';
import { buildModel } from '../training/build-model.js';
import { MODEL_KINDS, trainingSet, type ModelKind } from '../training/datasets.js';
import { reportError } from './main.js';

export async function trainCommand(opts: { model: string; seed: string; trainS?: string; epochs: string; out: string }, argv: readonly string[]): Promise<number> {
  try {
    if (!MODEL_KINDS.includes(opts.model as ModelKind)) throw new Error(`--model ${opts.model}: expected one of ${MODEL_KINDS.join(', ')}`);
    const seed = Number(opts.seed);
    const set = trainingSet(opts.model as ModelKind, seed, opts.trainS ? Number(opts.trainS) : undefined);
    await buildModel(set, {
      seed,
      epochs: Number(opts.epochs),
      outDir: resolve(opts.out),
      command: `linewatch ${argv.join(' ')}`,
      log: (line: string) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`model ${set.name} written to ${resolve(opts.out)}\n`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
