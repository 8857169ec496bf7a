/**
 * `linewatch train`: a model folder from a CSV of normal operation (any architecture, through the
 * code `linewatch eval --arch` measures) or from the line simulator (the shipped, seeded models).
 */
import { commandLine } from '../core/shell-word.js';
import { resolve } from 'node:path';
import { buildModel, writeModelFolder, type Architecture } from '../training/build-model.js';
import { csvNormalData } from '../training/csv-dataset.js';
import { csvDataColumns, heldAsText, heldText, textColumnsText, type ColumnRenames } from '../core/csv-table.js';
import { MODEL_KINDS, pressRecording, pumpNormalData, pumpTrainingSet } from '../training/datasets.js';
import { DEFAULT_GEOMETRY } from '../training/detector-features.js';
import { fitDetector, learntRowsOf, type DetectorOptions, type NormalData } from '../training/fit-detector.js';
import { leftOutText, withoutConstantChannels } from '../training/constant-channels.js';
import { unitsRowText } from '../core/csv-units-row.js';
import { detectorFlags, refuseUnknownSlowChannels, runningFlags, wholeNumber } from './detector-flags.js';
import { reportError } from './report-error.js';
import { refuseReportFolder } from './report-flag.js';
import { trainingNotes } from './training-notes.js';
import { keptLog } from './train-said.js';
import { labelChoiceOf, refuseLabelledRows, refuseUndeployableChannels } from './train-refusals.js';
import { terminalProgress } from '../core/progress.js';
import { refusePartFlagsWithoutCycle, trainParts } from './train-parts.js';
import {
  checkOut,
  csvFlagText,
  filtersOf,
  modelVersionOf,
  nameOf,
  outFolderName,
  pruneOf,
  writeTrainReport,
  type TrainOptions,
} from './train-options.js';
import { autoRenamesText, trainRenames } from './rename-auto.js';
export type { TrainOptions } from './train-options.js';
import { choiceFlag, refuseGiven, UsageError } from './usage.js';
import type { RunningCondition } from '../core/running-condition.js';

/**
 * Fits `data` through fitDetector (as eval --arch does), writes the model folder and, with --report, its page; `from`
 * says where the rows came from; `notes` (a user's CSV): what trainingNotes finds is said on the console too (the page
 * always has it). A --slow-channels name that is no channel is refused first; then, after --out is checked, what
 * `refuse` refuses (train --csv's labelled rows and unnameable channels).
 */
async function fitAndWrite(
  opts: TrainOptions,
  data: NormalData,
  detector: Omit<DetectorOptions, 'log' | 'progress'>,
  from: string,
  notes = false,
  refuse?: () => void,
  dataNotes: readonly string[] = [],
  renames?: ColumnRenames,
  runningWhen?: RunningCondition,
  /** How the settle time in runningWhen was found (given, estimated from the rows' restarts, or why none). */
  settleHow?: string,
): Promise<void> {
  refuseUnknownSlowChannels(detector.slowChannels, data.channels, 'channel', 'channels');
  const version = modelVersionOf(opts);
  await checkOut(opts);
  refuse?.();
  const bar = terminalProgress();
  // What the fit says of the data and itself (slow channels, its largest normal score), on stderr and on the page.
  const fitSaid = keptLog();
  const fitted = await fitDetector(data, {
    ...detector,
    ...(runningWhen ? { runningOnly: true } : {}),
    log: fitSaid.log,
    ...(bar ? { progress: bar } : {}),
  });
  // The renames the model's channels were read under, as CSV column → channel (training.renames): eval --model and
  // quantize read a file with those columns the same way (modelOwnRenames).
  // The running condition's column too, so that eval --model reads it by the name the condition gives it.
  const read = [...(renames ?? [])].filter(([, to]) => data.channels.includes(to) || to === runningWhen?.channel);
  // The rows it learnt (--running-when), for a gateway's asset to score the same rows (assets[].running_when).
  const training =
    read.length > 0 || runningWhen
      ? {
          ...fitted.manifest.training,
          ...(read.length > 0 ? { renames: Object.fromEntries(read) } : {}),
          ...(runningWhen ? { running_when: runningWhen } : {}),
          ...(settleHow ? { running_settle: settleHow } : {}),
        }
      : undefined;
  await writeModelFolder(resolve(opts.out), {
    ...fitted,
    manifest: { ...fitted.manifest, ...(version ? { version } : {}), ...(training ? { training } : {}) },
  });
  // What the user's rows leave to know (an alarm level extrapolated beyond them): said for a CSV, and on the page for
  // the simulator's rows too.
  const said = trainingNotes({ ...data, target: detector.target });
  if (notes) for (const note of said) process.stderr.write(`${note}\n`);
  if (opts.report)
    await writeTrainReport(opts.report, fitted, `${data.name} (${detector.arch}) on ${from}`, [
      ...dataNotes,
      ...fitSaid.kept,
      ...said,
    ]);
  process.stdout.write(`model ${data.name} written to ${resolve(opts.out)}\n`);
}

/**
 * Flags that only a CSV gives meaning to, refused with the simulator instead of ignored. The press's model is a part
 * model (trainSimPress): its budget may be given in ppm of good parts and at a line's rate of parts.
 */
function refuseCsvOnlyFlags(opts: TrainOptions): void {
  refuseGiven(
    {
      ...(opts.model === 'press'
        ? {}
        : { '--false-rejects-ppm': opts.falseRejectsPpm, '--parts-per-day': opts.partsPerDay }),
      '--part-labels': opts.partLabels,
      '--warm-up': opts.warmUp,
      '--window': opts.window,
      '--channels': opts.channels,
      '--train-rows': opts.trainRows,
      '--period-ms': opts.periodMs,
      '--max-sample-age-ms': opts.maxSampleAgeMs,
      '--running-when': opts.runningWhen,
      '--running-settle-ms': opts.runningSettleMs,
      '--cycle-channel': opts.cycleChannel,
      '--cycle-trigger': opts.cycleTrigger,
      '--part-id-channel': opts.partIdChannel,
      '--min-samples': opts.minSamples,
      '--max-samples': opts.maxSamples,
      '--rename': opts.rename?.join(' '),
      '--labels': opts.labels,
    },
    "with --csv only; the simulator's models have their own channels, rows and window",
  );
}

async function trainCsv(opts: TrainOptions, argv: readonly string[]): Promise<void> {
  if (opts.cycleChannel !== undefined && opts.runningWhen !== undefined)
    throw new UsageError(
      '--running-when with --cycle-channel: a part model learns whole parts; leave out the rows of a stopped machine from its recording',
    );
  if (opts.cycleChannel !== undefined) return trainParts(opts, detectorFlags(opts, commandLine(argv), 'dense'), argv);
  refusePartFlagsWithoutCycle(opts);
  const detector = detectorFlags(opts, commandLine(argv));
  const autoencoder = detector.arch === 'dense' || detector.arch === 'conv1d';
  if (!autoencoder && opts.window !== undefined)
    throw new UsageError(
      `--window: the ${detector.arch} detector's window geometry is fixed (${DEFAULT_GEOMETRY.windowLength} rows); --window is for dense and conv1d`,
    );
  const windowLength =
    opts.window !== undefined ? wholeNumber('window', opts.window, 2) : DEFAULT_GEOMETRY.windowLength;
  if (detector.arch === 'conv1d' && windowLength % 4 !== 0)
    throw new UsageError(
      `--arch conv1d halves the window twice: the window length must be a multiple of 4 (${windowLength}; set --window)`,
    );
  const text = csvFlagText(opts.csv!);
  const channels = opts.channels
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const { renames: rename, made } = trainRenames(opts);
  refuseMissingChannels(opts.channels, channels, opts.csv!, rename);
  const { runningWhen, runningSettleMs } = runningFlags(opts);
  const read = csvNormalData(text, opts.csv!, {
    name: nameOf(opts, outFolderName(opts.out, `csv-${detector.arch}`)),
    channels,
    ...(rename ? { rename } : {}),
    ...(opts.periodMs !== undefined ? { periodMs: wholeNumber('period-ms', opts.periodMs, 1) } : {}),
    ...(opts.maxSampleAgeMs !== undefined
      ? { maxSampleAgeMs: wholeNumber('max-sample-age-ms', opts.maxSampleAgeMs, 1) }
      : {}),
    ...(opts.trainRows !== undefined ? { rows: wholeNumber('train-rows', opts.trainRows) } : {}),
    ...(runningWhen ? { runningWhen } : {}),
    ...(runningSettleMs !== undefined ? { runningSettleMs } : {}),
  });
  // Channels constant in the rows the model learns from are left out of it, as eval's file models leave them (before
  // 2026-12-07 train refused them): said on stderr and on the page, in eval's words (leftOutText).
  const learnt = withoutConstantChannels(read, learntRowsOf(detector, read.rowCount));
  const data = learnt.data;
  const constant = learnt.constant.length > 0 ? [leftOutText(learnt.constant)] : [];
  const dropped = new Set(learnt.constant.map((k) => k.name));
  const textual = heldAsText(detector.slowChannels ?? [], data.textColumns, ': ');
  if (textual) throw new UsageError(`--slow-channels ${detector.slowChannels!.join(',')}${textual}`);
  // What the rows held that the model did not learn as they were: said on stderr, and on the --report page above the
  // charts (before 2026-12-07 the page said nothing of them).
  const held = data.missing.length > 0 ? [`missing readings: ${heldText(data.missing, 'not learnt from')}`] : [];
  if (data.unitsRow) process.stderr.write(`${unitsRowText(opts.csv!, data.unitsRow.line, data.unitsRow.units)}\n`);
  const stopped = read.stopped
    ? [
        read.stopped.text || `no row left out as not running (--running-when)`,
        `settle time after a restart: ${read.settle!.how}`,
      ]
    : [];
  for (const line of [...constant, ...held, ...(data.breaks ? [data.breaks] : []), ...stopped])
    process.stderr.write(`${opts.csv}: ${line}\n`);
  // --rename auto's names, said on stderr and on the page: the names to give the channels in a gateway configuration.
  const named = made
    ? autoRenamesText(opts.csv!, new Map([...made].filter(([, to]) => data.channels.includes(to))))
    : [];
  for (const line of named) process.stderr.write(`${line}\n`);
  const dataNotes = [
    ...named,
    ...(data.unitsRow ? [unitsRowText(opts.csv!, data.unitsRow.line, data.unitsRow.units)] : []),
    ...constant,
    ...held,
    ...(data.breaks ? [data.breaks] : []),
    ...stopped,
    ...(data.textColumns ? [`left out, they hold text, not readings: ${textColumnsText(data.textColumns)}`] : []),
  ];
  const labels = labelChoiceOf(opts.labels);
  // With --labels ignore, said (the rows are learnt as normal as asked); else refused before fitting (fitAndWrite).
  if (data.labelledAnomalous && labels === 'ignore') {
    const learnt =
      `${opts.csv}: ${data.labelledAnomalous.rows} of the ${data.rowCount} rows trained on are labelled anomalous ` +
      `(column anomaly, the first at row ${data.labelledAnomalous.first}) and are learnt as normal: train on the ` +
      `rows before it (--train-rows ${data.labelledAnomalous.first - 1}) or on a recording of normal operation`;
    process.stderr.write(`${learnt}\n`);
    dataNotes.push(learnt);
  }
  const prune = pruneOf(opts, detector.arch);
  await fitAndWrite(
    opts,
    data,
    {
      ...detector,
      // A slow channel left out for being constant is no channel of the model: not refused as unknown.
      ...(detector.slowChannels ? { slowChannels: detector.slowChannels.filter((c) => !dropped.has(c)) } : {}),
      geometry: { ...DEFAULT_GEOMETRY, windowLength },
      hop: wholeNumber('hop', opts.hop),
      hidden: opts.hidden.split(',').map((h) => wholeNumber('hidden', h.trim())),
      filters: filtersOf(opts),
      ...(prune !== undefined ? { prune } : {}),
    },
    opts.csv!,
    true,
    // Refused before fitting (after the flags and --out): a model no gateway can run, and rows labelled anomalous
    // learnt as normal unasked.
    () => {
      refuseUndeployableChannels(opts.csv!, data.channels);
      if (labels === 'refuse') refuseLabelledRows(opts.csv!, data.rowCount, data.labelledAnomalous);
    },
    dataNotes,
    rename,
    runningWhen && read.settle ? { ...runningWhen, settle_ms: read.settle.ms } : runningWhen,
    read.settle?.how,
  );
}

/** A `--channels` name the CSV has no column of (renamed ones by their new name): a usage error naming the flag (exit
 * 2), as eval's. */
function refuseMissingChannels(
  flag: string | undefined,
  channels: readonly string[] | undefined,
  csv: string,
  rename: ColumnRenames | undefined,
): void {
  if (channels === undefined) return;
  const available = csvDataColumns(csv, rename);
  const missing = channels.filter((c) => !available.includes(c));
  if (missing.length > 0)
    throw new UsageError(
      `--channels ${flag}: ${csv}: no column ${missing.map((m) => `"${m}"`).join(', ')} (columns: ${available.join(', ')})`,
    );
}

/** hybrid or stats on the simulator's pump station: the rows go through fitDetector, as a CSV's do. */
async function trainSimRows(opts: TrainOptions, detector: Omit<DetectorOptions, 'log'>): Promise<void> {
  if (opts.model !== 'pump')
    throw new UsageError(
      `--arch ${detector.arch} --model ${opts.model}: the press model scores one window per part; ${detector.arch} scores sliding windows of rows: use --model pump, or --arch dense or conv1d`,
    );
  pruneOf(opts, detector.arch);
  const data = pumpNormalData(detector.seed, nameOf(opts, `pump-${detector.arch}`), trainSecondsOf(opts));
  await fitAndWrite(opts, data, detector, 'the simulator');
}

/** `--train-s`, where given: whole seconds, at least a minute of the simulator's normal operation. */
function trainSecondsOf(opts: TrainOptions): number | undefined {
  return opts.trainS !== undefined ? wholeNumber('train-s', opts.trainS, 60) : undefined;
}

/**
 * The press's part model (dense or conv1d): the simulator's recording of normal parts fitted as `train --csv FILE
 * --cycle-channel cycle_active --part-id-channel part_counter` fits a recording (trainParts, fit-parts.ts: the
 * gateway's cycle window, the mean curve, the budget of false rejects), so the shipped press-ae is the part model
 * `eval` measures.
 */
function trainSimPress(opts: TrainOptions, detector: Omit<DetectorOptions, 'log'>, argv: readonly string[]) {
  const recording = pressRecording(detector.seed, trainSecondsOf(opts));
  // The period the press is polled at (the median step between its rows is 203 ms: its polls' phase slides 2.7 ms a
  // poll and falls back every 73 polls, as a gateway's polls drift against a machine's cycle).
  const period = String(recording.periodMs);
  const cut = { ...opts, cycleChannel: 'cycle_active', partIdChannel: 'part_counter', periodMs: period };
  return trainParts(cut, detector, argv, { ...recording, name: 'press-ae' });
}

async function trainSim(opts: TrainOptions, argv: readonly string[]): Promise<void> {
  choiceFlag('model', opts.model, MODEL_KINDS);
  refuseCsvOnlyFlags(opts);
  const detector = detectorFlags(opts, commandLine(argv), 'dense');
  if (detector.arch === 'hybrid' || detector.arch === 'stats') return trainSimRows(opts, detector);
  if (opts.model === 'press') return trainSimPress(opts, detector, argv);
  const arch: Architecture = detector.arch;
  refuseGiven(
    {
      '--false-alarms-per-day': opts.falseAlarmsPerDay,
      '--quantile': opts.quantile,
      '--slow-channels': opts.slowChannels,
      '--report': opts.report,
    },
    `the simulator's ${arch} pump models keep the shipped calibration (2 × the 99.9th percentile of held-out scores); use --arch hybrid or stats, or train --csv`,
  );
  const seed = detector.seed;
  const recorded = pumpTrainingSet(seed, trainSecondsOf(opts));
  const set = { ...recorded, name: nameOf(opts, recorded.name) };
  if (arch === 'conv1d' && set.windowLength % 4 !== 0)
    throw new UsageError(
      `--arch conv1d halves the window twice: the window length must be a multiple of 4 (${set.name}: ${set.windowLength})`,
    );
  const prune = pruneOf(opts, arch);
  await checkOut(opts);
  const bar = terminalProgress();
  await buildModel(set, {
    architecture: arch,
    filters: filtersOf(opts),
    ...(prune !== undefined ? { prune } : {}),
    seed,
    epochs: detector.epochs,
    outDir: resolve(opts.out),
    command: `linewatch ${commandLine(argv)}`,
    log: (line: string) => process.stderr.write(`${line}\n`),
    ...(bar ? { progress: bar } : {}),
  });
  process.stdout.write(`model ${set.name} written to ${resolve(opts.out)}\n`);
}

export async function trainCommand(opts: TrainOptions, argv: readonly string[]): Promise<number> {
  try {
    refuseReportFolder(opts.report);
    if (opts.csv) await trainCsv(opts, argv);
    else await trainSim(opts, argv);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
