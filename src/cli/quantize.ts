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
import { refuseGiven, UsageError } from './usage.js';
import { partCutOf, type PartCut } from '../windows/cycle/part-cut.js';
import { partCutFlags } from './train-parts.js';

export interface QuantizeFlags {
  readonly model: string;
  readonly csv: string;
  /** Rows between calibration windows; absent: 1 (refused for a part model). */
  readonly hop?: string;
  readonly validationFraction: string;
  readonly out: string;
  /** --rename OLD=NEW, each given (rename-flag.ts). */
  readonly rename?: string[];
  /** A part model's cut, where its manifest records none (or --part-id-channel another id column). */
  readonly cycleChannel?: string;
  readonly cycleTrigger?: string;
  readonly partIdChannel?: string;
  readonly minSamples?: string;
  readonly maxSamples?: string;
}

export async function quantizeCommand(opts: QuantizeFlags, argv: readonly string[]): Promise<number> {
  try {
    const fraction = Number(opts.validationFraction);
    if (!(fraction > 0 && fraction < 1))
      throw new UsageError(`--validation-fraction ${opts.validationFraction}: expected a number between 0 and 1`);
    const hop = Number(opts.hop ?? 1);
    if (!Number.isInteger(hop) || hop < 1) throw new UsageError(`--hop ${opts.hop}: expected a whole number from 1`);
    const text = csvFlagText(opts.csv);
    const rename = csvRenames(opts);
    await quantizeModel({
      modelDir: resolve(opts.model),
      csv: opts.csv,
      text,
      ...(rename ? { rename } : {}),
      checkModel: (manifest) => {
        const own = refuseMissingChannels(opts, manifest, rename);
        const cut = quantizeCut(opts, manifest, own ?? rename);
        return { ...(own ? { rename: own } : {}), ...(cut ? { cut } : {}) };
      },
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
 * A part model's cut: the flags' (--cycle-channel: a part model whose manifest records none, as the shipped press-ae),
 * else the one its manifest records (training.parts.window; --part-id-channel may name another id column); undefined
 * for a model of sliding windows. Refused, naming the flag: a part_curve model with neither; flags that cut otherwise
 * than the model learnt; a cut column the CSV lacks.
 */
function quantizeCut(
  opts: QuantizeFlags,
  manifest: ModelManifest,
  rename: ColumnRenames | undefined,
): PartCut | undefined {
  const recorded = partCutOf(manifest.training);
  if (opts.cycleChannel === undefined)
    refuseGiven(
      { '--cycle-trigger': opts.cycleTrigger, '--min-samples': opts.minSamples, '--max-samples': opts.maxSamples },
      `for a part model whose manifest records no cut; give --cycle-channel too${recorded ? ` (the model ${opts.model} records its own)` : ''}`,
    );
  const flagged = opts.cycleChannel !== undefined ? partCutFlags(opts) : undefined;
  const learnt = recorded && `parts cut by ${recorded.cycleChannel} (${recorded.trigger}) (training.parts.window)`;
  if (flagged && recorded && (flagged.cycleChannel !== recorded.cycleChannel || flagged.trigger !== recorded.trigger))
    throw new UsageError(
      `--cycle-channel ${flagged.cycleChannel} (${flagged.trigger}): the model ${opts.model} learnt ${learnt}; ` +
        'its int8 ranges are calibrated on parts cut as the gateway will cut them: leave the flag out',
    );
  if (!flagged && !recorded && opts.partIdChannel !== undefined)
    throw new UsageError(`--part-id-channel ${opts.partIdChannel}: for a part model; give --cycle-channel too`);
  const cut =
    flagged ??
    (recorded && opts.partIdChannel !== undefined ? { ...recorded, partIdChannel: opts.partIdChannel } : recorded);
  if (cut && opts.hop !== undefined)
    throw new UsageError(
      `--hop ${opts.hop}: for a model of sliding windows; the model ${opts.model} is a part model, calibrated on each part`,
    );
  if (!cut) {
    if (manifest.normalisation.method === 'part_curve')
      throw new UsageError(
        `--model ${opts.model}: a part model (normalisation part_curve) whose manifest records no cut ` +
          "(training.parts.window): name the asset's cycle window with --cycle-channel NAME (its trigger_channel), " +
          'and --cycle-trigger counter for a part counter',
      );
    return undefined;
  }
  const columns = csvDataColumns(opts.csv, rename);
  const named = (flag: string, column: string) =>
    flagged || (flag === '--part-id-channel' && opts.partIdChannel !== undefined)
      ? `${flag} ${column}`
      : `the model ${opts.model}'s ${flag === '--cycle-channel' ? 'cycle channel' : 'part id channel'} ${column} (${learnt}; name another with ${flag})`;
  for (const [flag, column] of [
    ['--cycle-channel', cut.cycleChannel],
    ['--part-id-channel', cut.partIdChannel],
  ] as const)
    if (column !== undefined && !columns.includes(column))
      throw new UsageError(
        `--csv ${opts.csv}: no column "${column}": ${named(flag, column)} (columns: ${columns.join(', ')})`,
      );
  return cut;
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
