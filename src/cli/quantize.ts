/** `linewatch quantize`: re-quantizes a model's fp32 export on calibration data from a CSV. */
import { commandLine } from '../core/shell-word.js';
import { resolve } from 'node:path';
import { csvDataColumns, isNotChannel, type ColumnRenames } from '../core/csv-table.js';
import type { ModelManifest } from '../inference/manifest.js';
import { quantizeModel } from '../training/quantize.js';
import { missingChannelsHint, modelOwnRenames, ownRenamesText } from './model-renames.js';
import { csvRenames } from './rename-flag.js';
import { reportError } from './report-error.js';
import { csvFlagText } from './train-options.js';
import { UsageError } from './usage.js';

export interface QuantizeFlags {
  readonly model: string;
  readonly csv: string;
  readonly hop: string;
  readonly validationFraction: string;
  readonly out: string;
  /** --rename OLD=NEW, each given (rename-flag.ts). */
  readonly rename?: string[];
}

export async function quantizeCommand(opts: QuantizeFlags, argv: readonly string[]): Promise<number> {
  try {
    const fraction = Number(opts.validationFraction);
    if (!(fraction > 0 && fraction < 1))
      throw new UsageError(`--validation-fraction ${opts.validationFraction}: expected a number between 0 and 1`);
    const hop = Number(opts.hop);
    if (!Number.isInteger(hop) || hop < 1) throw new UsageError(`--hop ${opts.hop}: expected a whole number from 1`);
    const text = csvFlagText(opts.csv);
    const rename = csvRenames(opts);
    await quantizeModel({
      modelDir: resolve(opts.model),
      csv: opts.csv,
      text,
      ...(rename ? { rename } : {}),
      checkModel: (manifest) => refuseMissingChannels(opts, manifest, rename),
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

/**
 * A model channel the CSV has no column of (after --rename): a usage error (exit 2) naming them and the flag to add:
 * a --rename the model was trained or quantized with that reads one from a column the file has (its manifest's
 * training.command and quantization.command: a model quantized with --rename keeps the hint when re-quantized), else a
 * guess, as eval --model says (missingChannelsHint). Where the file has the columns the model was trained on, before
 * the renames it was trained with (modelOwnRenames), and no --rename is given: those renames, said on stderr.
 */
function refuseMissingChannels(
  opts: QuantizeFlags,
  manifest: ModelManifest,
  rename: ColumnRenames | undefined,
): ColumnRenames | undefined {
  const channels = manifest.input.channels.map((c) => c.name);
  const where = `--csv ${opts.csv}`;
  const own = rename ? undefined : modelOwnRenames(csvDataColumns(opts.csv), channels, manifest.training, where);
  if (own) {
    process.stderr.write(`${ownRenamesText(where, own)}\n`);
    return own;
  }
  const columns = csvDataColumns(opts.csv, rename);
  const missing = channels.filter((c) => !columns.includes(c));
  if (missing.length === 0) return undefined;
  const hint = missingChannelsHint({
    missing,
    written: csvDataColumns(opts.csv),
    channels: columns.filter((c) => !isNotChannel(c)),
    modelChannels: channels,
    training: manifest.training,
    quantization: manifest.quantization,
    ...(rename ? { rename } : {}),
  });
  throw new UsageError(
    `--csv ${opts.csv}: no column ${missing.map((m) => `"${m}"`).join(', ')} of the model ${opts.model}'s channels ` +
      `(columns: ${columns.join(', ')})${hint}`,
  );
}
