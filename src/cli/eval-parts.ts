/**
 * `linewatch eval --cycle-channel NAME` (or `--model` of a part model): a part model measured on labelled recordings
 * of a machine's cycles. Each file's parts are cut as the gateway cuts them; with --arch a model is fitted on the parts
 * within each file's first --train-rows rows (fit-parts.ts, what train --cycle-channel runs), with --model the
 * folder's model and the cut its manifest records are taken. The parts that start after the training rows are scored
 * through the gateway's scoring code and counted as a quality engineer counts them (part-metrics.ts): false rejects,
 * escapes, F1 over the bad parts, and the parts no verdict could be given.
 */
import { relative, resolve } from 'node:path';
import { readCsvText } from '../core/csv-file.js';
import type { ColumnRenames } from '../core/csv-table.js';
import { isAnomalous } from '../core/verdict.js';
import type { LoadedManifest } from '../inference/manifest.js';
import { inMemoryModel, type Precision } from '../eval/evaluate.js';
import { addTallies, partFigures, partLabels, tallyParts, type PartTally } from '../eval/part-metrics.js';
import { resultOf, type PartResults } from '../eval/part-results.js';
import { PartResultsMatch, PartResultsMismatch } from '../eval/part-results-match.js';
import { csvParts, type CsvParts } from '../training/csv-parts.js';
import { scoreWindows, type FittedModel } from '../training/build-model.js';
import { fittedModelReport, type FileReport, type TrainingReport } from '../report/report-data.js';
import { writeReport } from '../report/render-report.js';
import { fitPartModel } from '../training/fit-parts.js';
import { partCutOf, type PartCut } from '../windows/cycle/part-cut.js';
import { detectorFlags, wholeNumber } from './detector-flags.js';
import { folderModel, withoutFile, type EvalOptions } from './eval-options.js';
import { filtersOf } from './train-options.js';
import { partArch, partCutFlags, partPoints, partResultsOf, partsPerDayFlag } from './train-parts.js';
import { refuseGiven, UsageError } from './usage.js';

interface FileParts {
  readonly file: string;
  readonly parts: number;
  /** Scored parts the quality system's table has no result for (--part-labels): not counted. */
  readonly noResult: number;
  readonly bad: number;
  readonly threshold: number;
  readonly tally: PartTally;
}

/**
 * A file's section of the report, one point per scored part at its start time: each curve's peak in the part, the
 * part's score against the threshold, the bad parts as labelled spans and the failed ones as alarms.
 */
function partsPage(
  file: string,
  parts: CsvParts,
  scored: readonly number[],
  bad: readonly boolean[],
  scores: readonly number[],
  threshold: number,
): FileReport {
  const c = parts.channels.length;
  const failed = scores.filter((s) => isAnomalous(s, threshold)).length;
  return {
    file,
    unit: 'parts',
    times: scored.map((i) => parts.startTimes[i]),
    channels: parts.channels.map((name, j) => ({
      name: `${name} (peak in each part)`,
      values: scored.map((i) => parts.windows[i].reduce((m, v, k) => (k % c === j ? Math.max(m, v) : m), -Infinity)),
    })),
    score: scores,
    threshold,
    trainRows: 0,
    labels: bad.map((b) => (b ? 1 : 0)),
    alarms: scores.map((s) => (isAnomalous(s, threshold) ? 1 : 0)),
    metrics: { parts: scored.length, 'bad parts': bad.filter(Boolean).length, failed },
    notes: ['one point per part scored, at its start; shaded spans: bad parts (labelled), failed parts (alarms)'],
  };
}

/**
 * A fitted part model's section: its loss curve and the held-out parts' scores with the threshold; without the clear
 * level, which a part's verdict does not use.
 */
function trainingPage(title: string, fitted: FittedModel): TrainingReport {
  const { offThreshold: _unused, ...page } = fittedModelReport(title, fitted);
  return page;
}

/** Throws an Error with `message` (an expression's fallback). */
function refuse(message: string): never {
  throw new Error(message);
}

/** The part model's cut: from the flags, or else from --model's manifest; undefined for a sliding-window eval. */
export async function partEvalCut(opts: EvalOptions): Promise<PartCut | undefined> {
  if (opts.cycleChannel !== undefined) return partCutFlags(opts);
  if (!opts.model) return undefined;
  const cut = partCutOf((await folderModel(opts.model, 'int8')).manifest.training);
  // The part id column may be named for a model that records none, to match a table of part results.
  return cut && opts.partIdChannel !== undefined ? { ...cut, partIdChannel: opts.partIdChannel } : cut;
}

/**
 * --part-labels: the quality system's table of part results, read and checked; refused where no part model is measured
 * (a sliding-window detector has no parts) and beside --label-column (the rows' labels it replaces).
 */
export function partResultsFlag(opts: EvalOptions, cut: PartCut | undefined): PartResults | undefined {
  if (opts.partLabels === undefined) return undefined;
  if (!cut)
    throw new UsageError(
      `--part-labels ${opts.partLabels}: for part models (--cycle-channel, or --model of a part model), whose parts it labels`,
    );
  if (opts.labelColumn !== undefined)
    throw new UsageError(
      `--part-labels and --label-column: the parts' labels come from one or the other, not both (--label-column labels rows)`,
    );
  return partResultsOf(opts.partLabels, cut);
}

export async function evalParts(
  opts: EvalOptions,
  argv: readonly string[],
  a: {
    readonly cut: PartCut;
    readonly files: readonly string[];
    /** CSVs under --data without labels, named in the text report. */
    readonly unlabelled: readonly string[];
    /** The same as a person reads them: a table of part results named as one. */
    readonly unlabelledText?: string;
    /** CSVs whose header the reader refused, with its error: not evaluated, named with it. */
    readonly unreadable?: ReadonlyMap<string, Error>;
    readonly precisions: readonly Precision[];
    readonly trainRows: number;
    readonly periodMs?: number;
    readonly labelName?: string;
    /** The quality system's results (--part-labels), the parts' labels instead of the rows'. */
    readonly results?: PartResults;
    /** Columns read under another name (--rename). */
    readonly rename?: ColumnRenames;
  },
): Promise<number> {
  const results = a.results;
  refuseGiven(
    { '--on-delay-ms': opts.onDelayMs, '--off-delay-ms': opts.offDelayMs, '--sustain-ms': opts.sustainMs },
    'a part model judges each part on its own, with no alarm delays',
  );
  if (opts.model && opts.partsPerDay !== undefined)
    throw new UsageError(
      `--parts-per-day: for the models eval fits (--cycle-channel without --model); the model ${opts.model} keeps its calibration`,
    );
  const detector = opts.model ? undefined : detectorFlags(opts, argv.join(' '), 'dense');
  const arch = detector ? partArch(detector.arch, a.cut.cycleChannel) : undefined;
  const points = arch ? partPoints(opts.window, arch, a.cut) : undefined;
  const folder = opts.model ? await Promise.all(a.precisions.map((p) => folderModel(opts.model!, p))) : undefined;
  const byPrecision = new Map<Precision, FileParts[]>(a.precisions.map((p) => [p, []]));
  const pages: FileReport[] = [];
  const training: TrainingReport[] = [];
  const notEvaluated: { file: string; reason: string; error?: Error }[] = [];
  const match = results ? new PartResultsMatch(results) : undefined;
  // Recordings the table has no result for: not evaluated, named, as files without labels are.
  const unlabelled = [...a.unlabelled];
  for (const file of a.files) {
    try {
      const refused = a.unreadable?.get(file);
      if (refused) throw refused;
      const name = relative(opts.data, file) || file;
      const tableFile = match?.fileOf(name, resolve(file));
      if (match && tableFile === undefined) {
        unlabelled.push(name);
        continue;
      }
      const text = readCsvText(file);
      const fit =
        detector && arch && points
          ? await fitPartModel(text, file, {
              cut: a.cut,
              name: 'eval-parts',
              windowLength: points,
              ...(a.rename ? { rename: a.rename } : {}),
              ...(a.periodMs !== undefined ? { periodMs: a.periodMs } : {}),
              rows: a.trainRows,
              arch,
              hidden: (opts.hidden ?? '32,6,32').split(',').map((h) => wholeNumber('hidden', h.trim())),
              filters: filtersOf({ filters: opts.filters ?? '16,8' }),
              validationFraction: detector.validationFraction,
              seed: detector.seed,
              epochs: detector.epochs,
              target: detector.target,
              ...partsPerDayFlag(opts),
              ...(results
                ? {
                    results: {
                      of: (id: string) => resultOf(results, tableFile ?? undefined, id),
                      source: results.table,
                    },
                  }
                : {}),
              command: detector.command,
              log: () => {},
            })
          : undefined;
      const models: LoadedManifest[] = fit
        ? a.precisions.map((p) => inMemoryModel(fit.fitted, p, file))
        : (folder as LoadedManifest[]);
      const m = models[0].manifest;
      const parts = csvParts(text, file, {
        ...a.cut,
        channels: m.input.channels.map((c) => c.name),
        windowLength: m.input.window_length,
        ...(a.rename ? { rename: a.rename } : {}),
        ...(a.periodMs !== undefined ? { periodMs: a.periodMs } : {}),
        ...(results ? {} : { labels: a.labelName !== undefined ? { column: a.labelName } : {} }),
      });
      const after = parts.rowSpans.flatMap((span, i) => (span[0] >= a.trainRows ? [i] : []));
      const label = match?.label(
        name,
        tableFile!,
        parts.partIds,
        parts.rowSpans,
        parts.leftOut.map((p) => p.partId),
      );
      const scored = label ? after.filter((i) => label(i) !== undefined) : after;
      if (label && !parts.partIds.some((_, i) => label(i) !== undefined)) {
        unlabelled.push(name);
        continue;
      }
      if (after.length === 0)
        throw new Error(
          `${file}: no part starts after its first ${a.trainRows} rows (the rows fitted on): none to score`,
        );
      if (label && scored.length === 0)
        throw new Error(
          `${file}: none of its ${after.length} scored parts (ids ${parts.partIds[after[0]]} to ` +
            `${parts.partIds[after[after.length - 1]]}) has a result in ${results!.table}; only parts it fitted on have`,
        );
      const bad = label
        ? scored.map((i) => label(i)!)
        : partLabels(
            scored.map((i) => parts.rowSpans[i]),
            parts.labels ??
              refuse(`${file}: no ${a.labelName === undefined ? '"anomaly"' : `"${a.labelName}"`} column`),
          );
      const unknown = parts.leftOut.filter((p) => p.row >= a.trainRows).length;
      const windows = scored.map((i) => parts.windows[i]);
      for (const [k, p] of a.precisions.entries()) {
        const loaded = models[k];
        const scores = await scoreWindows(loaded.manifest, loaded.modelBytes, loaded.modelPath, windows);
        const threshold = loaded.manifest.score.threshold;
        if (k === 0 && opts.report) {
          pages.push(partsPage(name, parts, scored, bad, scores, threshold));
          if (fit) training.push(trainingPage(`${name}: ${arch}`, fit.fitted));
        }
        byPrecision.get(p)!.push({
          file,
          parts: scored.length,
          noResult: after.length - scored.length,
          bad: bad.filter(Boolean).length,
          threshold,
          tally: tallyParts(
            bad,
            scores.map((s) => isAnomalous(s, threshold)),
            unknown,
          ),
        });
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      if (err instanceof PartResultsMismatch) throw new UsageError(err.message);
      notEvaluated.push({
        file: relative(opts.data, file) || file,
        reason: withoutFile((err as Error).message, file),
        error: err as Error,
      });
    }
  }
  if (match && byPrecision.get(a.precisions[0])!.length === 0 && notEvaluated.length === 0)
    throw new UsageError(
      `--part-labels ${match.results.table}: no part of ${unlabelled.join(', ')} has a result there ` +
        `(its results: ${match.unmatchedExamples().join(', ')}, …; ids from ${a.cut.partIdChannel})`,
    );
  // With one file, its own error stands; with several, each is named with its reason and the others measured.
  if (notEvaluated.length === a.files.length && a.files.length === 1) throw notEvaluated[0].error;
  if (byPrecision.get(a.precisions[0])!.length === 0)
    throw new UsageError(
      `--data ${opts.data}: no file can be evaluated: ${notEvaluated.map((n) => `${n.file}: ${n.reason}`).join('; ')}`,
    );
  const reports = a.precisions.map((p) => {
    const files = byPrecision.get(p)!;
    const tally = files.map((f) => f.tally).reduce(addTallies);
    return {
      precision: p,
      files: files.length,
      train_rows: a.trainRows,
      detector: opts.model ? { model: opts.model } : { arch, points, target: detector!.target, seed: detector!.seed },
      cut: a.cut,
      parts: files.reduce((s, f) => s + f.parts, 0),
      bad_parts: files.reduce((s, f) => s + f.bad, 0),
      ...(results
        ? {
            part_labels: {
              table: results.table,
              id_column: results.idColumn,
              result_column: results.resultColumn,
              by_file: results.files !== undefined,
              results: results.bad.size,
              untested: results.untested,
              without_part: match!.withoutPart,
            },
            ...(unlabelled.length > 0 ? { without_results: unlabelled } : {}),
            no_result: files.reduce((s, f) => s + f.noResult, 0),
          }
        : {}),
      ...(!results && unlabelled.length > 0
        ? { without_labels: { reason: `no "${a.labelName ?? 'anomaly'}" column`, files: unlabelled } }
        : {}),
      confusion: tally,
      ...partFigures(tally),
      perFile: files.map((f) => ({
        file: relative(opts.data, f.file) || f.file,
        parts: f.parts,
        bad_parts: f.bad,
        ...(results ? { no_result: f.noResult } : {}),
        threshold: f.threshold,
        confusion: f.tally,
        ...partFigures(f.tally),
      })),
      ...(notEvaluated.length > 0 ? { not_evaluated: notEvaluated.map(({ file, reason }) => ({ file, reason })) } : {}),
    };
  });
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify(reports.length === 1 ? reports[0] : { reports, f1_difference: Math.abs((reports[0].f1 ?? 0) - (reports[1].f1 ?? 0)) })}\n`,
    );
  else {
    const pct = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)} %`);
    for (const r of reports) {
      const t = r.confusion;
      process.stdout.write(
        `${r.precision.padEnd(5)} ${r.files} files  ${r.parts} parts (${r.bad_parts} bad)  F1 ${r.f1 === null ? 'n/a' : r.f1.toFixed(3)}  ` +
          `false rejects ${t.fp} (${pct(r.false_reject_rate)} of good parts)  escapes ${t.fn} (${pct(r.escape_rate)} of bad parts)  ` +
          `no verdict ${t.unknown}\n`,
      );
    }
    const labels = reports[0].part_labels;
    if (labels) {
      const noResult = reports[0].no_result ?? 0;
      process.stdout.write(
        `part results from ${labels.table} (${labels.id_column}, ${labels.result_column}): ${labels.results} parts` +
          (noResult > 0 ? `; ${noResult} scored part(s) with no result there, not counted` : '') +
          (labels.without_part > 0
            ? `; ${labels.without_part} result(s) for parts none of these recordings made`
            : '') +
          (labels.untested > 0 ? `; ${labels.untested} row(s) with no result` : '') +
          '\n',
      );
    }
    if (unlabelled.length > 0)
      process.stdout.write(
        `not evaluated, ${results ? `no part with a result in ${results.table}` : `no "${a.labelName ?? 'anomaly'}" column`}: ${
          results || a.unlabelledText === undefined
            ? unlabelled.join(', ')
            : [a.unlabelledText, ...unlabelled.slice(a.unlabelled.length)].filter((t) => t !== '').join(', ')
        }\n`,
      );
    for (const n of notEvaluated) process.stdout.write(`not evaluated: ${n.file}: ${n.reason}\n`);
    process.stdout.write(
      `${opts.model ? `model ${opts.model}` : `part model (${arch}, ${points} points a part), fitted on the parts within the first ${a.trainRows} rows of each file`}; ` +
        `parts cut by ${a.cut.cycleChannel} (${a.cut.trigger}); ${results ? `a part is bad where ${results.table} says so${opts.model ? '' : ' (its NOK parts in the training rows not learned from)'}` : 'a part is bad where any of its rows is labelled'}; scored: the parts that start after row ${a.trainRows}\n`,
    );
  }
  if (opts.report) {
    const first = reports[0];
    const page = await writeReport(opts.report, {
      title: `linewatch eval: ${opts.model ? `model ${opts.model}` : `part model (${arch})`} on ${opts.data}`,
      summary: {
        precision: first.precision,
        files: first.files,
        parts: first.parts,
        'bad parts': first.bad_parts,
        F1: first.f1?.toFixed(3) ?? 'n/a',
        'false rejects': first.confusion.fp,
        escapes: first.confusion.fn,
      },
      training,
      files: pages,
      leftOut: notEvaluated.map(({ file, reason }) => ({ file, reason })),
    });
    process.stderr.write(`report written to ${page}\n`);
  }
  if (opts.strict && notEvaluated.length > 0) {
    process.stderr.write(
      `linewatch: --strict: ${notEvaluated.length} of ${a.files.length} labelled file(s) not evaluated: ${notEvaluated.map((n) => n.file).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}
