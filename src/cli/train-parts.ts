/**
 * `linewatch train --csv FILE --cycle-channel NAME`: a part model (one window per produced part, as the gateway's
 * cycle window cuts them) from a recording of a machine's normal cycles (fit-parts.ts), its threshold calibrated on
 * held-out parts for a budget of false rejects a day at the rate the recording made parts, or a quantile of scores.
 * The flags of the cut are shared with `linewatch eval --cycle-channel`.
 */
import { commandLine } from '../core/shell-word.js';
import { resolve } from 'node:path';
import { writeModelFolder, type Architecture } from '../training/build-model.js';
import { labelChoiceOf, labelledPartsOf, refuseLabelledParts, refuseUndeployableChannels } from './train-refusals.js';
import { fitPartModel } from '../training/fit-parts.js';
import { suggestedMaxSampleAge } from '../training/part-sample-age.js';
import type { WarmUpChoice } from '../training/warm-up-parts.js';
import { cycleWindowConfig, type PartCut } from '../windows/cycle/part-cut.js';
import type { DetectorArch, DetectorOptions } from '../training/fit-detector.js';
import { terminalProgress } from '../core/progress.js';
import { readCsvText } from '../core/csv-file.js';
import { parsePartResults, recordingOf, resultOf, type PartResults } from '../eval/part-results.js';
import { wholeNumber, type DetectorFlags } from './detector-flags.js';
import {
  checkOut,
  csvFlagText,
  filtersOf,
  nameOf,
  outFolderName,
  pruneOf,
  writeTrainReport,
  type PartFlags,
  type TrainOptions,
} from './train-options.js';
import { csvRenames } from './rename-flag.js';
import { keptLog } from './train-said.js';
import { refuseGiven, UsageError } from './usage.js';

/** The gateway's defaults for a cycle window (config: window min_samples, max_samples). */
const DEFAULT_MIN_SAMPLES = 5;
const DEFAULT_MAX_SAMPLES = 10_000;
/** Points a part is resampled to, where --window does not say. */
const DEFAULT_PART_POINTS = 32;

/** --parts-per-day: the line's rate of parts for the budget, where the recording's is not the line's; checked. */
export function partsPerDayFlag(opts: PartFlags): { partsPerDay?: number } {
  if (opts.partsPerDay === undefined) return {};
  const n = Number(opts.partsPerDay);
  if (!(n > 0 && Number.isFinite(n)))
    throw new UsageError(`--parts-per-day ${opts.partsPerDay}: expected a positive number (e.g. 14400)`);
  return { partsPerDay: n };
}

/** The cut the flags describe (--cycle-channel given), checked; errors name the flag. */
export function partCutFlags(opts: PartFlags): PartCut {
  const trigger = opts.cycleTrigger ?? 'flag';
  if (trigger !== 'flag' && trigger !== 'counter')
    throw new UsageError(
      `--cycle-trigger ${trigger}: expected flag (a part runs while the channel is non-zero) or counter (each change starts the next part)`,
    );
  const minRows = opts.minSamples !== undefined ? wholeNumber('min-samples', opts.minSamples) : DEFAULT_MIN_SAMPLES;
  const maxRows = opts.maxSamples !== undefined ? wholeNumber('max-samples', opts.maxSamples, 2) : DEFAULT_MAX_SAMPLES;
  if (maxRows < minRows)
    throw new UsageError(`--max-samples ${maxRows}: below --min-samples ${minRows}; a part could never be judged`);
  return {
    cycleChannel: opts.cycleChannel!,
    trigger,
    ...(opts.partIdChannel !== undefined ? { partIdChannel: opts.partIdChannel } : {}),
    minRows,
    maxRows,
    ...holdFlag(opts),
  };
}

/** --max-sample-age-ms of a part model: the asset's window hold its parts are cut at; {} where not given. */
export function holdFlag(opts: Pick<PartFlags, 'maxSampleAgeMs'>): { maxSampleAgeMs?: number } {
  return opts.maxSampleAgeMs !== undefined
    ? { maxSampleAgeMs: wholeNumber('max-sample-age-ms', opts.maxSampleAgeMs, 1) }
    : {};
}

/** Flags that only a part model gives meaning to, refused without --cycle-channel instead of ignored. */
export function refusePartFlagsWithoutCycle(opts: PartFlags & Pick<DetectorFlags, 'falseRejectsPpm'>): void {
  refuseGiven(
    {
      '--cycle-trigger': opts.cycleTrigger,
      '--part-id-channel': opts.partIdChannel,
      '--min-samples': opts.minSamples,
      '--max-samples': opts.maxSamples,
      '--parts-per-day': opts.partsPerDay,
      '--false-rejects-ppm': opts.falseRejectsPpm,
      '--part-labels': opts.partLabels,
      '--warm-up': opts.warmUp,
    },
    'for part models only; give --cycle-channel too',
  );
}

/** --warm-up: what a part model does with a recording's warm-up parts (warm-up-parts.ts), checked. */
export function warmUpFlag(opts: PartFlags): { warmUp?: WarmUpChoice } {
  if (opts.warmUp === undefined) return {};
  if (opts.warmUp !== 'skip' && opts.warmUp !== 'learn')
    throw new UsageError(
      `--warm-up ${opts.warmUp}: expected skip (leave a warm-up's parts out of what is learnt, the default) or learn (learn them as good parts)`,
    );
  return { warmUp: opts.warmUp };
}

/**
 * --part-labels: a quality system's table of part results, read and checked; its ids are matched with the recording's
 * part id channel, which must be named.
 */
export function partResultsOf(table: string, cut: PartCut): PartResults {
  if (cut.partIdChannel === undefined)
    throw new UsageError(
      `--part-labels ${table}: name the recording's column of part ids with --part-id-channel, to match the table's`,
    );
  try {
    return parsePartResults(readCsvText(table), table, { idColumn: cut.partIdChannel });
  } catch (err) {
    const message = (err as Error).message;
    throw new UsageError(`--part-labels${message.includes(table) ? '' : ` ${table}`}: ${message}`);
  }
}

/**
 * The results of one recording's parts by part id, where a table of part results names it: by its file column, or by
 * ids alone where the table has none.
 */
function recordingResults(results: PartResults, csv: string) {
  const file = recordingOf(results, resolve(csv));
  if (results.files && file === undefined)
    throw new UsageError(
      `--part-labels ${results.table}: its file column names no file like ${csv} (it names ${[...results.files].slice(0, 3).join(', ')}, …)`,
    );
  return { of: (id: string) => resultOf(results, file, id), source: results.table };
}

/** The architecture of a part model: an autoencoder over each part's curves; the others are refused, named. */
export function partArch(arch: DetectorArch, cycleChannel: string): Architecture {
  if (arch === 'dense' || arch === 'conv1d') return arch;
  throw new UsageError(
    `--arch ${arch} --cycle-channel ${cycleChannel}: ${arch} scores sliding windows of rows; a part model is an autoencoder over each part's curves: --arch dense (the default with --cycle-channel) or conv1d`,
  );
}

/**
 * Points each part is resampled to (--window, default 32); conv1d's a multiple of 4; no more than a part may have rows
 * (--max-samples): more points would carry nothing a part's rows do not.
 */
export function partPoints(window: string | undefined, arch: Architecture, cut: PartCut): number {
  const points = window !== undefined ? wholeNumber('window', window, 2) : DEFAULT_PART_POINTS;
  if (points > cut.maxRows)
    throw new UsageError(
      `--window ${points}: more points than a part may have rows (--max-samples ${cut.maxRows}); a part's curve holds no more`,
    );
  if (arch === 'conv1d' && points % 4 !== 0)
    throw new UsageError(
      `--arch conv1d halves the window twice: the points per part must be a multiple of 4 (${points}; set --window)`,
    );
  return points;
}

/**
 * A recording given instead of the --csv file (the simulator's press, `train --model press`): its text, what names it
 * (in what the fit says and in the manifest) and the model's default name.
 */
export interface PartRecording {
  readonly text: string;
  readonly file: string;
  readonly name: string;
}

export async function trainParts(
  opts: TrainOptions,
  detector: Omit<DetectorOptions, 'log'>,
  argv: readonly string[],
  recording?: PartRecording,
): Promise<void> {
  const arch = partArch(detector.arch, opts.cycleChannel!);
  if (detector.slowChannels !== undefined)
    throw new UsageError('--slow-channels: for sliding-window detectors; a part model reads each part whole');
  const cut = partCutFlags(opts);
  const labels = labelChoiceOf(opts.labels);
  const windowLength = partPoints(opts.window, arch, cut);
  const file = recording?.file ?? opts.csv!;
  const text = recording?.text ?? csvFlagText(file);
  // --rename is refused with the simulator's recording (its columns are named).
  const rename = recording ? undefined : csvRenames(opts);
  // What the fit says (the parts cut, the budget the held-out parts support), on stderr and on the page.
  const said = keptLog();
  const { log } = said;
  const prune = pruneOf(opts, arch);
  await checkOut(opts);
  const bar = terminalProgress();
  const results =
    opts.partLabels !== undefined ? recordingResults(partResultsOf(opts.partLabels, cut), file) : undefined;
  const { fitted, parts } = await fitPartModel(text, file, {
    cut,
    name: nameOf(opts, recording?.name ?? outFolderName(opts.out, `csv-parts-${arch}`)),
    ...(opts.channels !== undefined
      ? {
          channels: opts.channels
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    windowLength,
    ...(rename ? { rename } : {}),
    ...(opts.periodMs !== undefined ? { periodMs: wholeNumber('period-ms', opts.periodMs, 1) } : {}),
    ...(opts.trainRows !== undefined ? { rows: wholeNumber('train-rows', opts.trainRows) } : {}),
    arch,
    hidden: opts.hidden.split(',').map((h) => wholeNumber('hidden', h.trim())),
    filters: filtersOf(opts),
    ...(prune !== undefined ? { prune } : {}),
    validationFraction: detector.validationFraction,
    seed: detector.seed,
    epochs: detector.epochs,
    target: detector.target,
    ...partsPerDayFlag(opts),
    ...warmUpFlag(opts),
    ...(results ? { results: { ...results, required: true } } : {}),
    // Refused before fitting: a channel no configuration names (the curves, and the cut's columns in the asset's
    // window); parts the rows label anomalous, learnt as good unasked (a table of part results, where given, labels
    // the parts instead, as in eval).
    beforeFit: (parts) => {
      const cutColumns = [cut.cycleChannel, ...(cut.partIdChannel !== undefined ? [cut.partIdChannel] : [])];
      refuseUndeployableChannels(file, [...parts.channels, ...cutColumns], cutColumns);
      const labelled = results ? undefined : labelledPartsOf(parts);
      if (labels === 'refuse') refuseLabelledParts(file, labelled);
      // Said after the line of the parts cut (fitPartModel logs it), as they are learnt after they are cut.
      return labelled
        ? [
            `${file}: ${labelled.parts} of the ${labelled.of} parts learnt from have rows labelled anomalous ` +
              `(column anomaly; the first, part ${labelled.firstId}, starts at row ${labelled.firstRow}) and are ` +
              'learnt as good parts (--labels ignore)',
          ]
        : [];
    },
    command: `linewatch ${commandLine(argv)}`,
    log,
    ...(bar ? { progress: bar } : {}),
  });
  const name = fitted.manifest.name;
  await writeModelFolder(resolve(opts.out), fitted);
  if (opts.report) await writeTrainReport(opts.report, fitted, `${name} (${arch}) on ${file}`, said.kept);
  // How long a reading may be held, from the parts learned from (part-sample-age.ts), else the window's default.
  const age = suggestedMaxSampleAge(parts, cut.cycleChannel, cut.trigger);
  // A hold given (--max-sample-age-ms) is the one the parts were cut at, and the manifest records: the window's.
  const suggest = cut.maxSampleAgeMs === undefined ? age : undefined;
  const ms = suggest?.ms;
  const config = { ...cycleWindowConfig(cut), ...(ms !== undefined ? { max_sample_age_ms: ms } : {}) };
  const window = JSON.stringify(config).replace(/"/g, '').replace(/,/g, ', ').replace(/:/g, ': ');
  // The parts were cut at the default hold: those the gateway at the suggested one judges differ (a silence between
  // the two is a pause there), so the model is learnt and measured on them by training again at it.
  const retrain =
    ms !== undefined
      ? `; train and eval with --max-sample-age-ms ${ms} to learn and measure the parts a gateway so configured judges`
      : '';
  log(`the asset's window in the gateway's config: ${window}${suggest ? ` (${suggest.why}${retrain})` : ''}`);
  process.stdout.write(`model ${name} written to ${resolve(opts.out)}\n`);
}
