/**
 * `linewatch eval`: a detector on labelled data (SKAB format), with the benchmark's and the
 * operator's metrics. `--arch` fits each file's model on its first rows through the code
 * `linewatch train` runs; `--model` scores an existing model folder without training.
 */
import { commandLine } from '../core/shell-word.js';
import { relative, resolve } from 'node:path';
import {
  fitFileModel,
  whyNotEvaluated,
  inMemoryModel,
  csvFilesUnder,
  filesUnder,
  hasLabels,
  DAEMON_ALARM_DELAYS,
  type AlarmDelays,
  streamSeries,
  summarise,
  type FileFit,
  type FileResult,
  type Precision,
} from '../eval/evaluate.js';
import { readLabelledCsv, type LabelledSeries } from '../eval/labelled-csv.js';
import { withEvalSettle } from '../eval/eval-settle.js';
import { learntRunningWhen } from '../config/running-when.js';
import { csvDataColumns, csvHeader, heldAsText, isLabelColumn } from '../core/csv-table.js';
import { nearPollPeriod } from '../core/csv-times.js';
import { fittedModelReport, type TrainingReport } from '../report/report-data.js';
import { detectorFlags, refuseUnknownSlowChannels, runningFlags, wholeNumber } from './detector-flags.js';
import { reportError } from './report-error.js';
import { refuseReportFolder } from './report-flag.js';
import { unitsRowText } from '../core/csv-units-row.js';
import { terminalProgress } from '../core/progress.js';
import { choiceFlag, refuseGiven, UsageError } from './usage.js';
import { isPartResultsHeader } from '../eval/part-results.js';
import { anomalySpans, noLabelledFiles } from './eval-labels.js';
import { autoNamesNotes, writeEvalPage } from './eval-page.js';
import { evalParts, partEvalCut, partResultsFlag } from './eval-parts.js';
import { evalTextLines } from './eval-text.js';
import { refusePartFlagsWithoutCycle } from './train-parts.js';
import { refuseRenamesOf, renameAutoRefused, renameFlag } from './rename-flag.js';
import { evalAutoRenamesText, fileRenames, renameAutoAsked } from './rename-auto.js';
import { missingChannelsHint, modelOwnRenames, ownRenamesText } from './model-renames.js';
import { folderModel, refuseFitFlagsWithModel, withoutFile, type EvalOptions } from './eval-options.js';
import { modelTrainingRowsJson, ownTrainingRows, type ModelTrainingRows } from './eval-model-rows.js';
export type { EvalOptions } from './eval-options.js';

export async function evalCommand(opts: EvalOptions, argv: readonly string[]): Promise<number> {
  try {
    choiceFlag('precision', opts.precision, ['int8', 'fp32', 'both']);
    refuseFitFlagsWithModel(opts, argv);
    refuseReportFolder(opts.report);
    let trainRows = Number(opts.trainRows ?? (opts.model ? '0' : '400'));
    if (!Number.isInteger(trainRows) || trainRows < (opts.model ? 0 : 1))
      throw new UsageError(
        `--train-rows ${opts.trainRows}: expected a ${opts.model ? 'whole' : 'positive whole'} number`,
      );
    // An optional whole-number flag: its default when not given.
    const whole = (name: string, given: string | undefined, fallback: number, min: number) =>
      given === undefined ? fallback : wholeNumber(name, given, min);
    const sustainMs = opts.sustainMs === undefined ? undefined : wholeNumber('sustain-ms', opts.sustainMs, 0);
    const delays: AlarmDelays = {
      onDelayMs: whole('on-delay-ms', opts.onDelayMs, DAEMON_ALARM_DELAYS.onDelayMs, 0),
      offDelayMs: whole('off-delay-ms', opts.offDelayMs, DAEMON_ALARM_DELAYS.offDelayMs, 0),
      ...(sustainMs !== undefined ? { sustainMs } : {}),
    };
    const precisions: Precision[] = opts.precision === 'both' ? ['int8', 'fp32'] : [opts.precision as Precision];
    const periodMs = opts.periodMs === undefined ? undefined : wholeNumber('period-ms', opts.periodMs, 1);
    const maxSampleAgeMs =
      opts.maxSampleAgeMs === undefined ? undefined : wholeNumber('max-sample-age-ms', opts.maxSampleAgeMs, 1);
    const { runningWhen, runningSettleMs } = runningFlags(opts);
    const csvs = csvFilesUnder(opts.data);
    const labelName = opts.labelColumn;
    if (labelName !== undefined && (labelName.trim() === '' || isLabelColumn(labelName)))
      throw new UsageError(
        `--label-column ${JSON.stringify(labelName)}: name the column that labels anomalies when it is not "anomaly"`,
      );
    // --rename auto (eval --arch): each file's columns named as train --csv --rename auto names them.
    const { auto, given } = renameAutoAsked(opts.rename);
    const rename = renameFlag(given, labelName);
    const renamesOf = (f: string) => fileRenames(() => csvDataColumns(f), rename, auto, labelName);
    // A recorded fault labelled by its start and end times (--anomaly): the files whose rows lie in each span.
    const spanned = opts.anomaly ? anomalySpans(opts.anomaly, opts.data, csvs, labelName) : undefined;
    const spansOf = (f: string) => spanned?.get(relative(opts.data, f) || f);
    // A part model (--cycle-channel, or a model folder that records its cut) is measured on parts, not rows; with a
    // quality system's table of part results (--part-labels) every recording under --data but the table is measured.
    const cut = await partEvalCut(opts);
    const partResults = partResultsFlag(opts, cut);
    if (auto && (opts.model || cut || partResults)) throw renameAutoRefused();
    if (runningWhen && (cut || partResults))
      throw new UsageError('--running-when: parts are measured whole; it is for models of sliding windows of rows');
    // A CSV whose header the reader refuses (UTF-16 text, `|` separators) may be labelled or not: it is not passed over
    // as unlabelled but left out as a file the reader cannot read, with its message (one bad export does not stop a
    // folder's run; alone, its error stands).
    const unreadable = new Map<string, Error>();
    const labelled = (f: string): boolean => {
      try {
        return spansOf(f) !== undefined || hasLabels(f, labelName);
      } catch (err) {
        unreadable.set(f, err as Error);
        return true;
      }
    };
    const files = partResults ? csvs.filter((f) => resolve(f) !== resolve(opts.partLabels!)) : csvs.filter(labelled);
    if (partResults && files.length === 0)
      throw new UsageError(`--data ${opts.data}: no recording (CSV) besides the table of part results`);
    // CSVs without labels are not evaluated (an anomaly-free recording is one); say which, with one header to check.
    const unlabelledPaths = partResults ? [] : csvs.filter((f) => !files.includes(f));
    const unlabelled = unlabelledPaths.map((f) => relative(opts.data, f) || f);
    // A quality system's table beside the recordings (dataset --preset press writes one) is named as what it is.
    const unlabelledText = unlabelledPaths
      .map((f, i) =>
        isPartResultsHeader(csvHeader(f)) ? `${unlabelled[i]} (a table of part results: --part-labels)` : unlabelled[i],
      )
      .join(', ');
    // Excel saves its tab-delimited text as .txt: a folder of them is named, not passed over in silence.
    const texts = csvs.length === 0 ? filesUnder(opts.data, /\.txt$/i) : [];
    if (files.length === 0)
      throw noLabelledFiles({
        data: opts.data,
        labelName,
        unlabelledPaths,
        unlabelled,
        texts,
        anomalyGiven: !!opts.anomaly,
      });
    // A rename names a column of the files (one at least), and no column that keeps its name.
    if (rename)
      refuseRenamesOf(
        rename,
        [...new Set(files.flatMap((f) => (unreadable.has(f) ? [] : csvDataColumns(f))))],
        `--data ${opts.data}`,
      );
    if (cut || partResults)
      refuseGiven(
        { '--anomaly': opts.anomaly?.join(' ') },
        "labels rows, and a part model is measured on parts: its labels are a quality system's table (--part-labels)",
      );
    if (cut)
      return await evalParts(opts, argv, {
        ...(rename ? { rename } : {}),
        cut,
        files,
        unlabelled,
        unlabelledText,
        unreadable,
        precisions,
        trainRows,
        periodMs,
        labelName,
        ...(partResults ? { results: partResults } : {}),
      });
    refusePartFlagsWithoutCycle(opts);
    refuseGiven(
      { '--window': opts.window, '--hidden': opts.hidden, '--filters': opts.filters },
      'for part models (--cycle-channel) only',
    );
    const detector = opts.model ? undefined : detectorFlags(opts, commandLine(argv));
    if (detector?.slowChannels) {
      // A column called `label` may be asked for by name (isNotChannel): only the labels themselves may not.
      const columns = new Set(
        files.flatMap((f) =>
          unreadable.has(f) ? [] : csvDataColumns(f, renamesOf(f).renames).filter((h) => !isLabelColumn(h, labelName)),
        ),
      );
      refuseUnknownSlowChannels(
        detector.slowChannels,
        [...columns],
        `column in the files under ${opts.data}`,
        'columns',
      );
    }
    const results = new Map<Precision, FileResult[]>(precisions.map((p) => [p, []]));
    const training: TrainingReport[] = [];
    const bar = terminalProgress();
    const folder = opts.model ? await Promise.all(precisions.map((p) => folderModel(opts.model!, p))) : undefined;
    // Files that cannot be evaluated (unreadable, too short, nothing to learn, no model fits on them, lacking the
    // model's channels) are named with the reason, and the others measured; with one file, its own error stands.
    const notEvaluated: { file: string; reason: string; error?: Error }[] = [];
    const modelChannels = folder?.[0].manifest.input.channels.map((c) => c.name);
    // A model folder's sample period: the period of plain-number times unless --period-ms gives one, and the period a
    // file must have (its windows span window_length rows of it).
    const modelPeriodMs = folder?.[0].manifest.input.sample_period_ms;
    // The model's settle time after a restart, read as quantize reads it: a record this version cannot read is refused.
    const modelSettleMs =
      folder && runningWhen
        ? learntRunningWhen(folder[0].manifest.training, `model ${folder[0].manifestPath}`)?.settle_ms
        : undefined;
    // The files --anomaly labelled, with the rows it marked (the text report names them).
    const labelledBySpans: string[] = [];
    // The model's own training rows, where --data is the one file its manifest names (left out of the metrics).
    let modelRows: ModelTrainingRows | undefined;
    // A file whose columns are the ones the model was trained on, before its renames: read with them, said once.
    const saidOwn = new Set<string>();
    const saidAuto = new Set<string>();
    // The names --rename auto gave (every one) and the model's own renames applied: on stderr and on the page.
    const pageNotes: string[] = [];
    const say = (line: string, page = [line]) => void (process.stderr.write(`${line}\n`), pageNotes.push(...page));
    for (const [done, file] of files.entries()) {
      let series: LabelledSeries;
      let fileRename = rename;
      try {
        const refused = unreadable.get(file);
        if (refused) throw refused;
        const where = `--data ${opts.data}`;
        const read = renamesOf(file);
        fileRename = read.renames;
        const saidNames = read.made?.size ? evalAutoRenamesText(where, read.made) : undefined;
        if (saidNames && !saidAuto.has(saidNames))
          say(saidNames, autoNamesNotes(where, relative(opts.data, file) || file, read.made!));
        if (saidNames) saidAuto.add(saidNames);
        const own =
          rename || !folder
            ? undefined
            : modelOwnRenames(csvDataColumns(file), modelChannels!, folder[0].manifest.training, where);
        if (own) {
          fileRename = own;
          const said = ownRenamesText(where, own);
          if (!saidOwn.has(said)) say(said);
          saidOwn.add(said);
        }
        series = readLabelledCsv(
          file,
          undefined,
          periodMs,
          modelPeriodMs,
          labelName,
          [...(modelChannels ?? []), ...(detector?.slowChannels ?? [])],
          fileRename,
          spansOf(file),
          maxSampleAgeMs,
          runningWhen,
        );
      } catch (err) {
        notEvaluated.push({ file, reason: withoutFile((err as Error).message, file), error: err as Error });
        continue;
      }
      if (series.unitsRow)
        process.stderr.write(
          `${unitsRowText(relative(opts.data, file) || file, series.unitsRow.line, series.unitsRow.units)}\n`,
        );
      const own =
        folder && opts.trainRows === undefined
          ? ownTrainingRows(opts.model!, folder[0].manifest.training, series.file, series.rowCount, files.length === 1)
          : undefined;
      if (own) process.stderr.write(own.said);
      if (own?.left) {
        if (own.left.rows !== undefined) trainRows = own.left.rows;
        modelRows = own.left;
      }
      // The settle time after a restart (--running-when): given, the model's, or estimated on the training rows.
      series = withEvalSettle(series, trainRows, runningSettleMs, modelSettleMs);
      if (series.running?.settle)
        say(`${relative(opts.data, file) || file}: settle time after a restart: ${series.running.settle.how}`);
      const spans = spansOf(file);
      if (spans)
        labelledBySpans.push(
          `${relative(opts.data, file) || file}: labelled by --anomaly: ${series.anomaly.reduce((a, b) => a + b, 0)} row(s) in ${spans.length} span(s)`,
        );
      const missing = modelChannels?.filter((ch) => !series.channels.includes(ch)) ?? [];
      const slowText = heldAsText(detector?.slowChannels ?? [], series.textColumns, ': ');
      const reason =
        missing.length > 0
          ? `the model ${opts.model} needs channel(s) ${missing.join(', ')}; the file has ${series.channels.join(', ')}` +
            heldAsText(missing, series.textColumns) +
            missingChannelsHint({
              missing,
              written: csvDataColumns(file),
              channels: series.channels,
              modelChannels: modelChannels ?? [],
              training: folder![0].manifest.training,
              quantization: folder![0].manifest.quantization,
              ...(rename ? { rename } : {}),
              ...(series.textColumns ? { textColumns: series.textColumns.map((c) => c.name) } : {}),
            })
          : slowText
            ? `--slow-channels ${detector!.slowChannels!.join(',')}${slowText}`
            : modelPeriodMs !== undefined && series.periodMs !== modelPeriodMs
              ? `its rows come every ${series.periodMs} ms, the model ${opts.model} takes one every ${modelPeriodMs} ms (its windows would span another time); resample the file or fit a model at its period` +
                (nearPollPeriod(series.periodMs, modelPeriodMs)
                  ? `, or, where its rows were polled every ${modelPeriodMs} ms and the poll spaced them wider, give --period-ms ${modelPeriodMs}`
                  : '')
              : whyNotEvaluated(series, trainRows, detector);
      if (reason !== undefined) {
        notEvaluated.push({ file, reason });
        continue;
      }
      // A model that cannot be fitted on the file's rows (a gap in them, a fit refused) leaves that file out, named.
      let fit: FileFit | undefined;
      try {
        fit = detector ? await fitFileModel(series, trainRows, { ...detector, log: () => {} }) : undefined;
      } catch (err) {
        notEvaluated.push({ file, reason: withoutFile((err as Error).message, file), error: err as Error });
        continue;
      }
      const fitted = fit?.fitted;
      if (fitted && opts.report) {
        training.push(fittedModelReport(`${relative(opts.data, file) || file}: ${detector!.arch}`, fitted));
      }
      for (const [i, p] of precisions.entries()) {
        const loaded = fitted ? inMemoryModel(fitted, p, file) : folder![i];
        const result = await streamSeries(series, loaded, trainRows, delays);
        // What the file's model could not learn: channels constant in the rows it was fitted on, training rows the
        // file labels anomalous; and fewer rows where its first anomaly comes before the training rows end.
        results.get(p)!.push({
          ...result,
          ...(fit?.leftOut.length ? { leftOut: fit.leftOut } : {}),
          ...(fit?.anomalousTrainingRows ? { anomalousTrainingRows: fit.anomalousTrainingRows } : {}),
          ...(fit?.beforeFaultFailed !== undefined ? { beforeFaultFailed: fit.beforeFaultFailed } : {}),
          ...(fit && fit.fitRows < trainRows ? { fitRows: fit.fitRows } : {}),
        });
      }
      bar?.update('eval', done + 1, files.length, relative(opts.data, file));
    }
    bar?.end();
    if (notEvaluated.length === files.length && files.length === 1 && notEvaluated[0].error)
      throw notEvaluated[0].error;
    if (notEvaluated.length === files.length)
      throw new UsageError(
        `--data ${opts.data}: no file can be evaluated: ${notEvaluated.map((n) => `${relative(opts.data, n.file) || n.file}: ${n.reason}`).join('; ')}`,
      );
    const described = detector
      ? {
          arch: detector.arch,
          target: detector.target,
          seed: detector.seed,
          epochs: detector.epochs,
          validation_fraction: detector.validationFraction,
          slow_channels: detector.slowChannels ?? "found from each file's training rows",
        }
      : { model: opts.model };
    const alarm = {
      on_delay_ms: delays.onDelayMs,
      off_delay_ms: delays.offDelayMs,
      sustain_ms: delays.sustainMs ?? "the model's window span",
    };
    const reports = precisions.map((p) =>
      summarise(
        opts.data,
        p,
        trainRows,
        { ...described, alarm },
        results.get(p)!,
        notEvaluated.map(({ file, reason }) => ({ file, reason })),
      ),
    );
    if (opts.json) {
      // The CSVs under --data without labels (an anomaly-free recording), named as the text report names them.
      const listed = reports.map((r) => ({
        ...r,
        ...(unlabelled.length > 0
          ? { without_labels: { reason: `no "${labelName ?? 'anomaly'}" column`, files: unlabelled } }
          : {}),
        ...(modelRows ? { model_training_rows: modelTrainingRowsJson(modelRows) } : {}),
      }));
      process.stdout.write(
        `${JSON.stringify(listed.length === 1 ? listed[0] : { reports: listed, f1_difference: Math.abs(reports[0].f1 - reports[1].f1) })}\n`,
      );
    } else {
      const text = evalTextLines(reports, {
        unlabelled,
        unlabelledText,
        labelName,
        labelledBySpans,
        trainRows,
        model: opts.model,
        detector,
        delays,
      });
      for (const l of text) process.stdout.write(`${l}\n`);
    }
    if (opts.report) {
      const page = await writeEvalPage(opts.report, {
        what: opts.model ? `model ${opts.model}` : detector!.arch,
        data: opts.data,
        reports,
        training,
        results: results.get(precisions[0])!,
        trainRows,
        fitted: !opts.model,
        unlabelled,
        labelName,
        notes: pageNotes,
        ...(folder ? { modelUnits: new Map(folder[0].manifest.input.channels.map((c) => [c.name, c.unit])) } : {}),
      });
      process.stderr.write(`report written to ${page}\n`);
    }
    // --strict: a gate (a CI job, a model release) must not pass on the files that were left out.
    if (opts.strict && notEvaluated.length > 0) {
      process.stderr.write(
        `linewatch: --strict: ${notEvaluated.length} of ${files.length} labelled file(s) not evaluated: ${notEvaluated.map((n) => relative(opts.data, n.file) || n.file).join(', ')}\n`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
