/** `linewatch quantize`: re-quantizes a model's fp32 export on calibration data from a CSV. */
import { commandLine } from '../core/shell-word.js';
import { resolve } from 'node:path';
import { quantizeModel } from '../training/quantize.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage.js';

export async function quantizeCommand(
  opts: { model: string; csv: string; hop: string; validationFraction: string; out: string },
  argv: readonly string[],
): Promise<number> {
  try {
    const fraction = Number(opts.validationFraction);
    if (!(fraction > 0 && fraction < 1))
      throw new UsageError(`--validation-fraction ${opts.validationFraction}: expected a number between 0 and 1`);
    const hop = Number(opts.hop);
    if (!Number.isInteger(hop) || hop < 1) throw new UsageError(`--hop ${opts.hop}: expected a whole number from 1`);
    await quantizeModel({
      modelDir: resolve(opts.model),
      csv: opts.csv,
      outDir: resolve(opts.out),
      validationFraction: fraction,
      hop,
      command: `linewatch ${commandLine(argv)}`,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`int8 model written to ${resolve(opts.out)}\n`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
