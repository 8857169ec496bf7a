/**
 * `linewatch eval --report`: the HTML page, with the first precision's figures, the models fitted, one chart per file
 * (its channels, score, threshold, labels and alarms) and the files left out.
 */
import { relative } from 'node:path';
import { missingInModel, type EvalReport, type FileResult } from '../eval/evaluate.js';
import { heldText, textColumnsText, type ColumnRenames } from '../core/csv-table.js';
import { renamedLines } from './rename-auto.js';
import type { FileReport, TrainingReport } from '../report/report-data.js';
import { writeReport } from '../report/render-report.js';
import { pausesText, settlingText, stoppedText, unscoredText } from './eval-text.js';
import { leftOutText } from '../training/constant-channels.js';

/**
 * A file's page; `fitted`: its model was fitted on its first `skipRows` rows (--arch), else only not measured.
 * `modelUnits`: the units a model folder's manifest gives its channels, for a file without a units row (--model).
 */
export function fileReport(
  r: FileResult,
  dir: string,
  skipRows: number,
  fitted: boolean,
  modelUnits?: ReadonlyMap<string, string>,
): FileReport {
  const s = r.series;
  const c = s.channels.length;
  const missing = missingInModel(r);
  const notes = [
    ...(missing.length > 0 ? [`missing readings: ${heldText(missing)}`] : []),
    ...(r.unscoredRows ? [unscoredText(r.unscoredRows, r.testRows)] : []),
    ...(r.stoppedRows !== undefined ? [stoppedText(r.stoppedRows)] : []),
    ...(r.settlingRows ? [settlingText(r.settlingRows)] : []),
    ...(r.pauses ? [pausesText(r.pauses.count, r.pauses.longest.text)] : []),
    ...(s.textColumns ? [`left out, they hold text, not readings: ${textColumnsText(s.textColumns)}`] : []),
    ...(r.leftOut?.length ? [leftOutText(r.leftOut)] : []),
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
      // The file's units row's unit, else the model's (--model): '' drawn as none.
      unit: s.units?.[j] || modelUnits?.get(name) || '',
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
      'FP rows past a span': r.operator.alarmRowsPastSpan,
    },
    ...(notes.length > 0 ? { notes } : {}),
    ...(r.alarmCauses && r.alarmCauses.length > 0 ? { alarmCauses: r.alarmCauses } : {}),
  };
}

/**
 * The names --rename auto gave a file's columns (`made`), every one, for the page: stderr names the first three
 * (evalAutoRenamesText), the page each, as train says them, to copy into a gateway configuration's channels.
 */
export function autoNamesNotes(where: string, file: string, made: ColumnRenames): string[] {
  return [
    `${where}: --rename auto read ${made.size} column(s) of ${file} (and of every file with its header) under names ` +
      'a gateway configuration takes; name the channels so there:',
    ...renamedLines(made),
  ];
}

/** What the page is made of. */
export interface EvalPage {
  /** The model folder (--model), or the detector's architecture. */
  readonly what: string;
  readonly data: string;
  readonly reports: readonly EvalReport[];
  readonly training: readonly TrainingReport[];
  /** The first precision's results, one per file evaluated. */
  readonly results: readonly FileResult[];
  readonly trainRows: number;
  /** Each file's model was fitted on its first rows (not a model folder scored). */
  readonly fitted: boolean;
  readonly unlabelled: readonly string[];
  readonly labelName: string | undefined;
  /** What the page says of the data above the files (the names --rename auto gave), one line each. */
  readonly notes?: readonly string[];
  /** A model folder's channel units (its manifest), where --model scored it. */
  readonly modelUnits?: ReadonlyMap<string, string>;
}

/** What FAR and false alarms/day count, under the page's summary (eval-text's farText says it with the figures). */
export const FAR_WORDS =
  'FAR % counts the rows labelled normal that an alarm covers, those of an alarm held past the end of a labelled ' +
  'span included (FP rows past a span); false alarms/day counts only the alarms that start outside any labelled ' +
  'span. A FAR above 0 with 0.0 false alarms/day is an alarm that lasted past the labelled fault.';

/** Writes the page to `path`; resolves with where it was written. */
export async function writeEvalPage(path: string, p: EvalPage): Promise<string> {
  const first = p.reports[0];
  return `${await writeReport(path, {
    title: `linewatch eval: ${p.what} on ${p.data}`,
    summary: {
      precision: first.precision,
      files: first.files,
      F1: first.f1.toFixed(3),
      'FAR %': first.far.toFixed(2),
      'MAR %': first.mar.toFixed(2),
      'NAB standard': first.nab.standard.toFixed(1),
      'false alarms/day': first.false_alarms_per_day?.toFixed(1) ?? 'n/a',
      'FP rows past a span': first.alarm_rows_past_span,
    },
    summaryNotes: [FAR_WORDS],
    ...(p.notes && p.notes.length > 0 ? { notes: p.notes } : {}),
    training: p.training,
    files: p.results.map((r) => fileReport(r, p.data, p.trainRows, p.fitted, p.modelUnits)),
    leftOut: [
      ...(first.not_evaluated ?? []),
      ...p.unlabelled.map((file) => ({ file, reason: `no "${p.labelName ?? 'anomaly'}" column` })),
    ],
  })}`;
}
