/** `linewatch train`: builds the pump autoencoder from simulator data (seeded, reproducible). */
import { resolve } from 'node:path';
import { buildPumpModel, DEFAULT_BUILD } from '../training/build-model.js';
import { reportError } from './main.js';

export async function trainCommand(opts: { seed: string; trainS: string; epochs: string; out: string }, argv: readonly string[]): Promise<number> {
  try {
    await buildPumpModel({
      ...DEFAULT_BUILD,
      seed: Number(opts.seed),
      trainSeconds: Number(opts.trainS),
      epochs: Number(opts.epochs),
      outDir: resolve(opts.out),
      command: `linewatch ${argv.join(' ')}`,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`model written to ${resolve(opts.out)}\n`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
