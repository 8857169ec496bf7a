/**
 * `linewatch eval`: a detector on labelled data (SKAB format), with the benchmark's and the
 * operator's metrics. `--arch` fits each file's model on its first rows through the code
 * `linewatch train` runs; `--model` scores an existing model folder without training.
 */
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
  type EvalReport,
  type FileFit,
  type FileResult,
  missingInModel,
  type Precision,
} from '../eval/evaluate.js';
import { readLabelledCsv, type LabelledSeries } from '../eval/labelled-csv.js';
import { parseAnomalySpans, spanFile, spansByFile, type AnomalySpan } from '../eval/anomaly-spans.js';
import { readCsvText } from '../core/csv-file.js';
import {
  csvColumnsBeforeTime,
  csvDataColumns,
  csvHeader,
  heldAsText,
  heldText,
  isLabelColumn,
  headerText,
  parseSkabCsv,
  textColumnsText,
} from '../core/csv-table.js';
import { fittedModelReport, type FileReport, type TrainingReport } from '../report/report-data.js';
import { writeReport } from '../report/render-report.js';
import { detectorFlags, refuseUnknownSlowChannels, wholeNumber } from './detector-flags.js';
import { reportError } from './report-error.js';
import { terminalProgress } from '../core/progress.js';
import { choiceFlag, refuseGiven, UsageError } from './usage.js';
import { isPartResultsHeader } from '../eval/part-results.js';
import { evalParts, partEvalCut, partResultsFlag } from './eval-parts.js';
import { refusePartFlagsWithoutCycle } from './train-parts.js';
import { refuseRenamesOf, renameFlag, renameHint } from './rename-flag.js';
import { folderModel, refuseFitFlagsWithModel, withoutFile, type EvalOptions } from './eval-options.js';
export type { EvalOptions } from './eval-options.js';
import { targetText } from '../training/alarm-calibration.js';
import { termDetectorRowsText, type DetectorArch } from '../training/fit-detector.js';

function line(r: EvalReport): string {
  const delay = r.delay_s === null ? 'n/a' : `${r.delay_s.toFixed(1)} s`;
  const perDay = r.false_alarms_per_day === null ? 'n/a' : r.false_alarms_per_day.toFixed(1);
  // No labelled anomaly row: F1 and MAR measure nothing (FAR and the false alarms do).
  const labelled = r.confusion.tp + r.confusion.fn > 0;
  const f1 = labelled ? r.f1.toFixed(3) : 'n/a (no labelled anomaly)';
  const mar = labelled ? `${r.mar.toFixed(2)} %` : 'n/a';
  return (
    `${r.precision.padEnd(5)} ${r.files} files  F1 ${f1}  FAR ${r.far.toFixed(2)} %  MAR ${mar}  NAB standard ${r.nab.standard.toFixed(1)}  ` +
    `low FP ${r.nab.low_fp.toFixed(1)}  low FN ${r.nab.low_fn.toFixed(1)}  delay ${delay}  spans ${r.detected_spans}  false alarms/day ${perDay}  ` +
    `(TP ${r.confusion.tp} FP ${r.confusion.fp} TN ${r.confusion.tn} FN ${r.confusion.fn})`
  );
}

/** What a fit does with a file's training rows and their last `fraction`, per architecture (fit-detector.ts). */
function rowsUse(arch: DetectorArch, fraction: number): string {
  const last = `${Math.round(fraction * 100)} %`;
  return arch === 'dense' || arch === 'conv1d'
    ? `the last ${last} held out: early stopping and the alarm calibration`
    : termDetectorRowsText(`last ${last}`);
}

/** A file's pauses as the text report and the page say them. */
const pausesText = (count: number, longest: string): string =>
  `${count} pause(s) in the recording, where no window is scored until it fills again, as in a gateway after an ` +
  `outage (the longest: ${longest})`;

/** A file's page; `fitted`: its model was fitted on its first `skipRows` rows (--arch), else only not measured. */
function fileReport(r: FileResult, dir: string, skipRows: number, fitted: boolean): FileReport {
  const s = r.series;
  const c = s.channels.length;
  const missing = missingInModel(r);
  const notes = [
    ...(missing.length > 0 ? [`missing readings: ${heldText(missing)}`] : []),
    ...(r.pauses ? [pausesText(r.pauses.count, r.pauses.longest.text)] : []),
    ...(s.textColumns ? [`left out, they hold text, not readings: ${textColumnsText(s.textColumns)}`] : []),
  ];
  return {
    file: relative(dir, r.file) || r.file,
    times: s.times,
    // A channel its model left out (constant in the training rows) is drawn, and named as not scored.
    channels: s.channels.map((name, j) => ({
      name: r.leftOut?.some((k) => k.name === name)
        ? `${name} (left out of the model: constant in its training rows)`
        : name,
      values: Float64Array.from({ length: s.rowCount }, (_, i) => s.rows[i * c + j]),
    })),
    score: r.scores,
    threshold: r.threshold,
    offThreshold: r.offThreshold,
    trainRows: skipRows,
    ...(fitted ? {} : { trainRowsFitted: false }),
    labels: s.anomaly,
    alarms: r.predictions,
    metrics: {
      F1: r.f1.toFixed(3),
      'FAR %': r.far.toFixed(2),
      'spans detected': `${r.operator.detected}/${r.operator.spans}`,
      'false alarms': r.operator.falseAlarms,
    },
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** The spans of --anomaly and the files under --data each one labels (by their names there); a bad span is a usage
 * error naming it. A file the reader refuses is passed over here and named as unreadable with its message later. */
function anomalySpans(
  given: readonly string[],
  data: string,
  csvs: readonly string[],
  labelName: string | undefined,
): Map<string, AnomalySpan[]> {
  try {
    const spans = parseAnomalySpans(given);
    const files = csvs.flatMap((f) => {
      try {
        const table = parseSkabCsv(readCsvText(f), f, labelName ? { labelColumn: labelName } : {});
        return [
          spanFile(table, relative(data, f) || f, hasLabels(f, labelName) ? (labelName ?? 'anomaly') : undefined),
        ];
      } catch {
        return [];
      }
    });
    if (files.length === 0) throw new Error(`--anomaly: no CSV under --data ${data} can be read`);
    return spansByFile(spans, files);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function evalCommand(opts: EvalOptions, argv: readonly string[]): Promise<number> {
  try {
    choiceFlag('precision', opts.precision, ['int8', 'fp32', 'both']);
    refuseFitFlagsWithModel(opts, argv);
    const trainRows = Number(opts.trainRows ?? (opts.model ? '0' : '400'));
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
    const csvs = csvFilesUnder(opts.data);
    const labelName = opts.labelColumn;
    if (labelName !== undefined && (labelName.trim() === '' || isLabelColumn(labelName)))
      throw new UsageError(
        `--label-column ${JSON.stringify(labelName)}: name the column that labels anomalies when it is not "anomaly"`,
      );
    const rename = renameFlag(opts.rename, labelName);
    // A recorded fault labelled by its start and end times (--anomaly): the files whose rows lie in each span.
    const spanned = opts.anomaly ? anomalySpans(opts.anomaly, opts.data, csvs, labelName) : undefined;
    const spansOf = (f: string) => spanned?.get(relative(opts.data, f) || f);
    // A part model (--cycle-channel, or a model folder that records its cut) is measured on parts, not rows; with a
    // quality system's table of part results (--part-labels) every recording under --data but the table is measured.
    const cut = await partEvalCut(opts);
    const partResults = partResultsFlag(opts, cut);
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
      throw new UsageError(
        `--data ${opts.data}: no labelled CSV files (SKAB format with ${labelName === undefined ? 'an "anomaly" column; another label column is named by --label-column' : `a "${labelName}" column (--label-column)`})` +
          (unlabelled.length > 0
            ? `; ${unlabelled.length} CSV file(s) without one, e.g. ${unlabelled[0]} ${headerText(csvHeader(unlabelledPaths[0]))}` +
              (opts.anomaly ? '' : '; a recorded fault is labelled by its start and end time with --anomaly FROM/TO')
            : '') +
          (texts.length > 0
            ? `; ${texts.length} .txt file(s) there (Excel saves "Text (Tab delimited)" as ` +
              '.txt): eval reads .csv and .tsv files under a folder; rename them, or give one with --data FILE'
            : '') +
          (labelName !== undefined && unlabelledPaths.some((f) => csvColumnsBeforeTime(f).includes(labelName))
            ? `; column ${labelName} comes before the time column, where columns name the run (one value in every ` +
              'row); a label column comes after it, one label per row'
            : ''),
      );
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
    const detector = opts.model ? undefined : detectorFlags(opts, argv.join(' '));
    if (detector?.slowChannels) {
      // A column called `label` may be asked for by name (isNotChannel): only the labels themselves may not.
      const columns = new Set(
        files.flatMap((f) =>
          unreadable.has(f) ? [] : csvDataColumns(f, rename).filter((h) => !isLabelColumn(h, labelName)),
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
    // The files --anomaly labelled, with the rows it marked (the text report names them).
    const labelledBySpans: string[] = [];
    for (const [done, file] of files.entries()) {
      let series: LabelledSeries;
      try {
        const refused = unreadable.get(file);
        if (refused) throw refused;
        series = readLabelledCsv(
          file,
          undefined,
          periodMs,
          modelPeriodMs,
          labelName,
          [...(modelChannels ?? []), ...(detector?.slowChannels ?? [])],
          rename,
          spansOf(file),
        );
      } catch (err) {
        notEvaluated.push({ file, reason: withoutFile((err as Error).message, file), error: err as Error });
        continue;
      }
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
            renameHint(
              missing,
              series.channels,
              modelChannels ?? [],
              rename,
              series.textColumns?.map((c) => c.name),
            )
          : slowText
            ? `--slow-channels ${detector!.slowChannels!.join(',')}${slowText}`
            : modelPeriodMs !== undefined && series.periodMs !== modelPeriodMs
              ? `its rows come every ${series.periodMs} ms, the model ${opts.model} takes one every ${modelPeriodMs} ms (its windows would span another time); resample the file or fit a model at its period`
              : whyNotEvaluated(series, trainRows, detector?.validationFraction);
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
      }));
      process.stdout.write(
        `${JSON.stringify(listed.length === 1 ? listed[0] : { reports: listed, f1_difference: Math.abs(reports[0].f1 - reports[1].f1) })}\n`,
      );
    } else {
      for (const r of reports) process.stdout.write(`${line(r)}\n`);
      if (unlabelled.length > 0)
        process.stdout.write(`not evaluated, no "${labelName ?? 'anomaly'}" column: ${unlabelledText}\n`);
      for (const n of reports[0].not_evaluated ?? []) process.stdout.write(`not evaluated: ${n.file}: ${n.reason}\n`);
      for (const l of labelledBySpans) process.stdout.write(`${l}\n`);
      // What each file's model could not learn, or learnt from fewer rows.
      for (const f of reports[0].perFile) {
        if (f.left_out)
          process.stdout.write(
            `${f.file}: left out of its model, constant in the training rows: ${f.left_out.map((k) => `${k.channel} (${Number.isNaN(k.constant) ? 'no reading' : k.constant})`).join(', ')}\n`,
          );
        if (f.anomalous_training_rows)
          process.stdout.write(
            `${f.file}: ${f.anomalous_training_rows} of the ${trainRows} rows its model was fitted on are labelled anomalous and were learnt as normal (the rows before them could not be fitted on: ${f.fit_before_fault_failed ?? 'unknown'})\n`,
          );
        if (f.pauses) process.stdout.write(`${f.file}: ${pausesText(f.pauses.count, f.pauses.longest)}\n`);
        if (f.missing_readings)
          process.stdout.write(
            `${f.file}: missing readings: ${heldText(
              f.missing_readings.map((m) => ({
                column: m.channel,
                cells: m.cells,
                firstLine: m.first_line,
                held: m.held,
                open: m.gaps_not_scored.map((g) => ({ row: 0, rows: g.rows, line: g.line })),
              })),
            )}\n`,
          );
        if (f.run_columns)
          process.stdout.write(
            `${f.file}: left out, they name the run (one value in every row): ${f.run_columns.map((k) => `${k.column} (${k.value})`).join(', ')}\n`,
          );
        if (f.text_columns)
          process.stdout.write(
            `${f.file}: left out, they hold text, not readings: ${textColumnsText(f.text_columns.map((t) => ({ ...t, name: t.column })))}\n`,
          );
        if (f.rows_counted_as_samples)
          process.stdout.write(`${f.file}: no time column; its rows are counted as samples one sample period apart\n`);
        if (f.changepoints_from_labels)
          process.stdout.write(
            `${f.file}: no changepoint column; NAB's changepoints are its anomaly labels' edges (each span's first row and the first normal row after it)\n`,
          );
        if (f.fitted_rows !== undefined)
          process.stdout.write(
            `${f.file}: fitted on its first ${f.fitted_rows} rows, those before its first labelled anomaly (metrics on the rows after the first ${trainRows}, as for every file)\n`,
          );
      }
      process.stdout.write(
        opts.model
          ? `model ${opts.model}, scored on every row; metrics on ${trainRows > 0 ? `the rows after the first ${trainRows}` : 'every row'}; causal\n`
          : `detector: ${detector!.arch}, fitted on the first ${trainRows} rows of each file (${rowsUse(detector!.arch, detector!.validationFraction)}), alarm calibrated for ${targetText(detector!.target)}; one configuration for every file; causal\n`,
      );
      process.stdout.write(
        `alarm, as a gateway raises it: raised when the score stays above the model's alarm threshold for ${delays.onDelayMs} ms (alarm.on_delay_ms), or above its clear level for ${delays.sustainMs === undefined ? "a window's span" : `${delays.sustainMs} ms`} (alarm.sustain_ms); cleared when it stays below the clear level, or the model's largest normal score where that is lower, for ${delays.offDelayMs} ms (alarm.off_delay_ms); that lower level holds it for at most the sustain time\n`,
      );
    }
    if (opts.report) {
      const first = reports[0];
      const page = `${await writeReport(opts.report, {
        title: `linewatch eval: ${opts.model ? `model ${opts.model}` : detector!.arch} on ${opts.data}`,
        summary: {
          precision: first.precision,
          files: first.files,
          F1: first.f1.toFixed(3),
          'FAR %': first.far.toFixed(2),
          'MAR %': first.mar.toFixed(2),
          'NAB standard': first.nab.standard.toFixed(1),
          'false alarms/day': first.false_alarms_per_day?.toFixed(1) ?? 'n/a',
        },
        training,
        files: results.get(precisions[0])!.map((r) => fileReport(r, opts.data, trainRows, !opts.model)),
        leftOut: [
          ...(first.not_evaluated ?? []),
          ...unlabelled.map((file) => ({ file, reason: `no "${labelName ?? 'anomaly'}" column` })),
        ],
      })}`;
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
