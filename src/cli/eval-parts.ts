/**
 * `linewatch eval --cycle-channel NAME` (or `--model` of a part model): a part model measured on labelled recordings
 * of a machine's cycles. Each file's parts are cut as the gateway cuts them; with --arch a model is fitted on the parts
 * within each file's first --train-rows rows (fit-parts.ts, what train --cycle-channel runs), with --model the
 * folder's model and the cut its manifest records are taken. The parts that start after the training rows are scored
 * through the gateway's scoring code and counted as a quality engineer counts them (part-metrics.ts): false rejects,
 * escapes, F1 over the bad parts, and the parts no verdict could be given.
 */
import { commandLine } from '../core/shell-word.js';
import { relative, resolve } from 'node:path';
import { readCsvText } from '../core/csv-file.js';
import type { ColumnRenames } from '../core/csv-table.js';
import { tooFewPointsRead } from '../core/points-read.js';
import { isAnomalous } from '../core/verdict.js';
import type { LoadedManifest } from '../inference/manifest.js';
import { inMemoryModel, type Precision } from '../eval/evaluate.js';
import { partErrors, partLabels, tallyParts } from '../eval/part-metrics.js';
import { resultOf, type PartResults } from '../eval/part-results.js';
import { PartResultsMatch, PartResultsMismatch } from '../eval/part-results-match.js';
import { csvParts } from '../training/csv-parts.js';
import { scoreWindows } from '../training/build-model.js';
import type { FileReport, TrainingReport } from '../report/report-data.js';
import { fitPartModel } from '../training/fit-parts.js';
import { modelTrainingRows, modelTrainingRowsJson, scoredAllText } from './eval-model-rows.js';
import { partCutOf, type PartCut } from '../windows/cycle/part-cut.js';
import { detectorFlags, wholeNumber } from './detector-flags.js';
import { folderModel, withoutFile, type EvalOptions } from './eval-options.js';
import { partsPage, trainingPage, writePartsEval, type FileParts } from './eval-parts-output.js';
import { filtersOf } from './train-options.js';
import {
  holdFlag,
  partArch,
  partCutFlags,
  partPoints,
  partResultsOf,
  partsPerDayFlag,
  warmUpFlag,
} from './train-parts.js';
import { refuseGiven, UsageError } from './usage.js';

/** Throws an Error with `message` (an expression's fallback). */
function refuse(message: string): never {
  throw new Error(message);
}

/** The part model's cut: from the flags, or else from --model's manifest; undefined for a sliding-window eval. */
/** A part model's budget as its manifest records it (fit-parts.ts: asked, supported, used), where it does. */
function budgetOf(m: LoadedManifest['manifest']): { budget?: Record<string, unknown> } {
  const b = (m.training.parts as { budget?: Record<string, unknown> } | undefined)?.budget;
  return b ? { budget: b } : {};
}

export async function partEvalCut(opts: EvalOptions): Promise<PartCut | undefined> {
  if (opts.cycleChannel !== undefined) return partCutFlags(opts);
  if (!opts.model) return undefined;
  const cut = partCutOf((await folderModel(opts.model, 'int8')).manifest.training);
  if (!cut) return undefined;
  // The part id column may be named for a model that records none, to match a table of part results; the hold, as the
  // asset's window will have it (a model records the one it was trained at, where given).
  return {
    ...cut,
    ...(opts.partIdChannel !== undefined ? { partIdChannel: opts.partIdChannel } : {}),
    ...holdFlag(opts),
  };
}

/**
 * --part-labels: the quality system's table of part results, read and checked; refused where no part model is measured
 * (a sliding-window detector has no parts) and beside --label-column (the rows' labels it replaces).
 */
export function partResultsFlag(opts: EvalOptions, cut: PartCut | undefined): PartResults | undefined {
  if (opts.partLabels === undefined) return undefined;
  if (!cut && opts.model !== undefined)
    // A part model need not record its cut (the press-ae shipped before 2026-12-07 does not): the flags that name it,
    // named.
    throw new UsageError(
      `--part-labels ${opts.partLabels}: for part models, whose parts it labels; the model ${opts.model} records no ` +
        "cut: give the asset's cycle window's with --cycle-channel NAME (its trigger_channel), --part-id-channel NAME " +
        '(its part_id_channel, the ids the table names) and, for a part counter, --cycle-trigger counter',
    );
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
  if (opts.model && opts.warmUp !== undefined)
    throw new UsageError(
      `--warm-up: for the models eval fits (--cycle-channel without --model); the model ${opts.model} has learnt its parts`,
    );
  const detector = opts.model ? undefined : detectorFlags(opts, commandLine(argv), 'dense');
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
              ...warmUpFlag(opts),
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
      // A part model fitted on this file: its manifest does not say on which rows, so every part is scored, and said.
      const own = !fit && opts.trainRows === undefined ? modelTrainingRows(m.training, file, Infinity) : undefined;
      if (own?.scoredAll) process.stderr.write(scoredAllText(file, opts.model!, own));
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
      const scoredBad = label
        ? scored.map((i) => label(i)!)
        : partLabels(
            scored.map((i) => parts.rowSpans[i]),
            parts.labels ??
              refuse(`${file}: no ${a.labelName === undefined ? '"anomaly"' : `"${a.labelName}"`} column`),
          );
      // Parts read at fewer points than the model's floor are unknown, not judged (core/points-read.ts), as the
      // gateway judges them.
      const floor = m.score.min_read_points;
      const judged = scored.filter(
        (i) => tooFewPointsRead(parts.unreadPoints[i], m.input.window_length, floor) === undefined,
      );
      const isJudged = new Set(judged);
      const bad = scoredBad.filter((_, j) => isJudged.has(scored[j]));
      const unknown = parts.leftOut.filter((p) => p.row >= a.trainRows).length + scored.length - judged.length;
      const windows = judged.map((i) => parts.windows[i]);
      const unread = judged.map((i) => parts.unreadPoints[i]);
      for (const [k, p] of a.precisions.entries()) {
        const loaded = models[k];
        const scores = await scoreWindows(loaded.manifest, loaded.modelBytes, loaded.modelPath, windows, unread);
        const threshold = loaded.manifest.score.threshold;
        const failed = scores.map((s) => isAnomalous(s, threshold));
        if (k === 0 && opts.report) {
          pages.push(partsPage(name, parts, judged, bad, scores, threshold));
          if (fit) training.push(trainingPage(`${name}: ${arch}`, fit.fitted));
        }
        byPrecision.get(p)!.push({
          file,
          parts: judged.length,
          noResult: after.length - scored.length,
          bad: bad.filter(Boolean).length,
          threshold,
          ...budgetOf(loaded.manifest),
          ...(floor !== undefined ? { readFloor: { minReadPoints: floor, below: scored.length - judged.length } } : {}),
          ...(own?.scoredAll ? { modelTrainingRows: modelTrainingRowsJson(own) } : {}),
          tally: tallyParts(bad, failed, unknown),
          errors: partErrors(
            judged.map((i) => parts.partIds[i]),
            bad,
            failed,
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
  return writePartsEval(opts, {
    ...a,
    arch,
    points,
    detector,
    byPrecision,
    pages,
    training,
    notEvaluated,
    allUnlabelled: unlabelled,
    match,
  });
}
