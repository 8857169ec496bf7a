/**
 * What `linewatch eval` of a part model says (eval-parts.ts measures it): the report per precision (`--json`, or one
 * line each as text, with the part results table and the files not evaluated), the HTML report's pages (`--report`),
 * and the exit code (`--strict`: 1 where a file was not evaluated).
 */
import { relative } from 'node:path';
import { isAnomalous } from '../core/verdict.js';
import type { Precision } from '../eval/evaluate.js';
import { addTallies, partFigures, type PartErrors, type PartTally } from '../eval/part-metrics.js';
import type { PartResults } from '../eval/part-results.js';
import type { PartResultsMatch } from '../eval/part-results-match.js';
import { fittedModelReport, type FileReport, type TrainingReport } from '../report/report-data.js';
import { writeReport } from '../report/render-report.js';
import type { CalibrationTarget } from '../training/alarm-calibration.js';
import type { Architecture, FittedModel } from '../training/build-model.js';
import type { CsvParts } from '../training/csv-parts.js';
import type { PartCut } from '../windows/cycle/part-cut.js';
import type { EvalOptions } from './eval-options.js';

export interface FileParts {
  readonly file: string;
  readonly parts: number;
  /** Scored parts the quality system's table has no result for (--part-labels): not counted. */
  readonly noResult: number;
  readonly bad: number;
  readonly threshold: number;
  /** The budget the threshold was calibrated for, as the manifest records it (training.parts.budget), where it does. */
  readonly budget?: Readonly<Record<string, unknown>>;
  readonly tally: PartTally;
  /** The model's floor on the points read (score.min_read_points), and how many parts fell below it (unknown). */
  readonly readFloor?: { readonly minReadPoints: number; readonly below: number };
  /** Which parts the tally's false rejects and escapes are, by part id. */
  readonly errors: PartErrors;
  /** --model of a part model fitted on this file: what eval could tell of its training rows (modelTrainingRowsJson). */
  readonly modelTrainingRows?: Readonly<Record<string, unknown>>;
}

/**
 * A file's section of the report, one point per scored part at its start time: each curve's peak in the part, the
 * part's score against the threshold, the bad parts as labelled spans and the failed ones as alarms.
 */
export function partsPage(
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
export function trainingPage(title: string, fitted: FittedModel): TrainingReport {
  const { offThreshold: _unused, ...page } = fittedModelReport(title, fitted);
  return page;
}

/** A part model's evaluation, file by file, as evalParts measured it. */
export interface PartsEvalOutcome {
  readonly cut: PartCut;
  readonly files: readonly string[];
  /** CSVs under --data without labels, named in the text report. */
  readonly unlabelled: readonly string[];
  /** The same as a person reads them: a table of part results named as one. */
  readonly unlabelledText?: string;
  /** Those and the recordings the part results table has no result for: not evaluated, named. */
  readonly allUnlabelled: readonly string[];
  readonly precisions: readonly Precision[];
  readonly trainRows: number;
  readonly labelName?: string;
  readonly results?: PartResults;
  readonly match?: PartResultsMatch;
  /** The model eval fitted (without --model): its architecture, points a part and calibration. */
  readonly arch?: Architecture;
  readonly points?: number;
  readonly detector?: { readonly target: CalibrationTarget; readonly seed: number };
  readonly byPrecision: ReadonlyMap<Precision, readonly FileParts[]>;
  readonly pages: readonly FileReport[];
  readonly training: readonly TrainingReport[];
  readonly notEvaluated: readonly { file: string; reason: string }[];
}

/** Writes the evaluation's report (stdout, and --report's page); the exit code. */
export async function writePartsEval(opts: EvalOptions, o: PartsEvalOutcome): Promise<number> {
  const { results, match, allUnlabelled, notEvaluated, byPrecision, arch, points, detector, pages, training } = o;
  const reports = o.precisions.map((p) => {
    const files = byPrecision.get(p)!;
    const tally = files.map((f) => f.tally).reduce(addTallies);
    return {
      precision: p,
      files: files.length,
      train_rows: o.trainRows,
      detector: opts.model ? { model: opts.model } : { arch, points, target: detector!.target, seed: detector!.seed },
      cut: o.cut,
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
            ...(allUnlabelled.length > 0 ? { without_results: allUnlabelled } : {}),
            no_result: files.reduce((s, f) => s + f.noResult, 0),
          }
        : {}),
      ...(!results && allUnlabelled.length > 0
        ? { without_labels: { reason: `no "${o.labelName ?? 'anomaly'}" column`, files: allUnlabelled } }
        : {}),
      confusion: tally,
      ...partFigures(tally),
      perFile: files.map((f) => ({
        file: relative(opts.data, f.file) || f.file,
        parts: f.parts,
        bad_parts: f.bad,
        ...(results ? { no_result: f.noResult } : {}),
        threshold: f.threshold,
        ...(f.budget ? { budget: f.budget } : {}),
        ...(f.readFloor
          ? { min_read_points: f.readFloor.minReadPoints, below_min_read_points: f.readFloor.below }
          : {}),
        confusion: f.tally,
        ...partFigures(f.tally),
        false_reject_parts: f.errors.falseRejects,
        escape_parts: f.errors.escapes,
        ...(f.modelTrainingRows ? { model_training_rows: f.modelTrainingRows } : {}),
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
    for (const f of byPrecision.get(o.precisions[0])!) {
      const text = partErrorsText(f.errors);
      if (text !== '')
        process.stdout.write(
          `${relative(opts.data, f.file) || f.file}${o.precisions.length > 1 ? ` (${o.precisions[0]})` : ''}: ${text}\n`,
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
    if (allUnlabelled.length > 0)
      process.stdout.write(
        `not evaluated, ${results ? `no part with a result in ${results.table}` : `no "${o.labelName ?? 'anomaly'}" column`}: ${
          results || o.unlabelledText === undefined
            ? allUnlabelled.join(', ')
            : [o.unlabelledText, ...allUnlabelled.slice(o.unlabelled.length)].filter((t) => t !== '').join(', ')
        }\n`,
      );
    for (const n of notEvaluated) process.stdout.write(`not evaluated: ${n.file}: ${n.reason}\n`);
    process.stdout.write(
      `${opts.model ? `model ${opts.model}` : `part model (${arch}, ${points} points a part), fitted on the parts within the first ${o.trainRows} rows of each file`}; ` +
        `parts cut by ${o.cut.cycleChannel} (${o.cut.trigger}); ${results ? `a part is bad where ${results.table} says so${opts.model ? '' : ' (its NOK parts in the training rows not learned from)'}` : 'a part is bad where any of its rows is labelled'}; scored: the parts that start after row ${o.trainRows}\n`,
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
      `linewatch: --strict: ${notEvaluated.length} of ${o.files.length} labelled file(s) not evaluated: ${notEvaluated.map((n) => n.file).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

/** The ids shown per kind in the text report; --json lists them all. */
const SHOWN_IDS = 20;

/** A file's false rejects and escapes by part id, for the text report: '' where it has neither. */
export function partErrorsText(e: PartErrors): string {
  const ids = (list: readonly string[]) =>
    list.length <= SHOWN_IDS
      ? list.join(', ')
      : `${list.slice(0, SHOWN_IDS).join(', ')} and ${list.length - SHOWN_IDS} more (all in --json)`;
  return [
    e.falseRejects.length > 0 ? `false rejects (good parts failed): ${ids(e.falseRejects)}` : '',
    e.escapes.length > 0 ? `escapes (bad parts passed): ${ids(e.escapes)}` : '',
  ]
    .filter((t) => t !== '')
    .join('; ');
}
