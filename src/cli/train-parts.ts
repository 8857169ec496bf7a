/**
 * `linewatch train --csv FILE --cycle-channel NAME`: a part model (one window per produced part, as the gateway's
 * cycle window cuts them) from a recording of a machine's normal cycles, its threshold calibrated on held-out parts
 * for a budget of false rejects a day at the rate the recording made parts, or a quantile of their scores.
 */
import { resolve } from 'node:path';
import { fitAutoencoderModel, writeModelFolder } from '../training/build-model.js';
import { csvParts, leftOutText, partsTrainingSet } from '../training/csv-parts.js';
import type { DetectorOptions } from '../training/fit-detector.js';
import { terminalProgress } from '../core/progress.js';
import { wholeNumber } from './detector-flags.js';
import { csvFlagText, filtersOf, nameOf, pruneOf, writeTrainReport, type TrainOptions } from './train.js';
import { UsageError } from './usage.js';

/** The gateway's defaults for a cycle window (config: window min_samples, max_samples). */
const DEFAULT_MIN_SAMPLES = 5;
const DEFAULT_MAX_SAMPLES = 10_000;
/** Points a part is resampled to, where --window does not say. */
const DEFAULT_PART_POINTS = 32;

export interface PartFlags {
  cycleChannel?: string;
  cycleTrigger?: string;
  partIdChannel?: string;
  minSamples?: string;
  maxSamples?: string;
}

function triggerOf(value: string | undefined): 'flag' | 'counter' {
  if (value === undefined || value === 'flag' || value === 'counter') return value ?? 'flag';
  throw new UsageError(
    `--cycle-trigger ${value}: expected flag (a part runs while the channel is non-zero) or counter (each change starts the next part)`,
  );
}

/** Flags that only a part model gives meaning to, refused without --cycle-channel instead of ignored. */
export function refusePartFlagsWithoutCycle(opts: TrainOptions): void {
  const given = (['cycleTrigger', 'partIdChannel', 'minSamples', 'maxSamples'] as const)
    .filter((k) => opts[k] !== undefined)
    .map((k) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`);
  if (given.length > 0) throw new UsageError(`${given.join(', ')}: for part models only; give --cycle-channel too`);
}

export async function trainParts(
  opts: TrainOptions,
  detector: Omit<DetectorOptions, 'log'>,
  argv: readonly string[],
): Promise<void> {
  if (detector.arch !== 'dense' && detector.arch !== 'conv1d')
    throw new UsageError(
      `--arch ${detector.arch} --cycle-channel ${opts.cycleChannel}: ${detector.arch} scores sliding windows of rows; a part model is an autoencoder over each part's curves: --arch dense (the default with --cycle-channel) or conv1d`,
    );
  if (detector.slowChannels !== undefined)
    throw new UsageError('--slow-channels: for sliding-window detectors; a part model reads each part whole');
  const windowLength = opts.window !== undefined ? wholeNumber('window', opts.window, 2) : DEFAULT_PART_POINTS;
  if (detector.arch === 'conv1d' && windowLength % 4 !== 0)
    throw new UsageError(
      `--arch conv1d halves the window twice: the points per part must be a multiple of 4 (${windowLength}; set --window)`,
    );
  const trigger = triggerOf(opts.cycleTrigger);
  const minRows = opts.minSamples !== undefined ? wholeNumber('min-samples', opts.minSamples) : DEFAULT_MIN_SAMPLES;
  const maxRows = opts.maxSamples !== undefined ? wholeNumber('max-samples', opts.maxSamples, 2) : DEFAULT_MAX_SAMPLES;
  if (maxRows < minRows)
    throw new UsageError(`--max-samples ${maxRows}: below --min-samples ${minRows}; a part could never be judged`);
  const text = csvFlagText(opts.csv!);
  const cycleChannel = opts.cycleChannel!;
  const parts = csvParts(text, opts.csv!, {
    cycleChannel,
    trigger,
    ...(opts.partIdChannel !== undefined ? { partIdChannel: opts.partIdChannel } : {}),
    ...(opts.channels !== undefined
      ? {
          channels: opts.channels
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    windowLength,
    ...(opts.periodMs !== undefined ? { periodMs: wholeNumber('period-ms', opts.periodMs, 1) } : {}),
    ...(opts.trainRows !== undefined ? { rows: wholeNumber('train-rows', opts.trainRows) } : {}),
    minRows,
    maxRows,
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cut = `${cycleChannel} (${trigger})`;
  log(
    `${opts.csv}: ${parts.windows.length} parts cut by ${cut}, about ${parts.partsPerDay.toFixed(0)} a day` +
      (parts.leftOut.length > 0 ? `; ${leftOutText(parts.leftOut)}` : ''),
  );
  const set = partsTrainingSet(
    parts,
    opts.csv!,
    {
      name: nameOf(opts, `csv-parts-${detector.arch}`),
      validationFraction: detector.validationFraction,
      hidden: opts.hidden.split(',').map((h) => wholeNumber('hidden', h.trim())),
    },
    cut,
  );
  const prune = pruneOf(opts, detector.arch);
  const bar = terminalProgress();
  const fitted = await fitAutoencoderModel(set, {
    architecture: detector.arch,
    filters: filtersOf(opts),
    ...(prune !== undefined ? { prune } : {}),
    outDir: '.',
    seed: detector.seed,
    epochs: detector.epochs,
    command: `linewatch ${argv.join(' ')}`,
    log,
    ...(bar ? { progress: bar } : {}),
    calibration: { rowsPerDay: parts.partsPerDay, target: detector.target, unit: 'parts' },
  });
  const window = {
    type: 'cycle',
    trigger_channel: cycleChannel,
    trigger,
    ...(opts.partIdChannel !== undefined ? { part_id_channel: opts.partIdChannel } : {}),
    min_samples: minRows,
    max_samples: maxRows,
  };
  const manifest = {
    ...fitted.manifest,
    training: {
      ...fitted.manifest.training,
      parts: { window, parts: parts.windows.length, parts_per_day: parts.partsPerDay, left_out: parts.leftOut.length },
    },
  };
  await writeModelFolder(resolve(opts.out), { ...fitted, manifest });
  if (opts.report) await writeTrainReport(opts.report, fitted, `${set.name} (${detector.arch}) on ${opts.csv}`);
  log(
    `the asset's window in the gateway's config: ${JSON.stringify(window).replace(/"/g, '').replace(/,/g, ', ').replace(/:/g, ': ')}`,
  );
  process.stdout.write(`model ${set.name} written to ${resolve(opts.out)}\n`);
}
