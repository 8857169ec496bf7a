/**
 * Where `linewatch eval` finds its labels: a label column in each CSV under --data, or recorded faults given by their
 * start and end times (--anomaly FROM/TO), and the usage error that says why no file under --data is labelled.
 */
import { relative } from 'node:path';
import { hasLabels } from '../eval/evaluate.js';
import { parseAnomalySpans, spanFile, spansByFile, type AnomalySpan } from '../eval/anomaly-spans.js';
import { readCsvText } from '../core/csv-file.js';
import { csvColumnsBeforeTime, csvHeader, headerText, parseSkabCsv } from '../core/csv-table.js';
import { UsageError } from './usage.js';

/** The spans of --anomaly and the files under --data each one labels (by their names there); a bad span is a usage
 * error naming it. A file the reader refuses is passed over here and named as unreadable with its message later. */
export function anomalySpans(
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

/** What is under --data where no CSV there is labelled. */
export interface UnlabelledData {
  readonly data: string;
  readonly labelName: string | undefined;
  /** The CSVs without labels: their paths, and their names under --data. */
  readonly unlabelledPaths: readonly string[];
  readonly unlabelled: readonly string[];
  /** The .txt files there, where no CSV is (Excel's tab-delimited text). */
  readonly texts: readonly string[];
  /** --anomaly was given. */
  readonly anomalyGiven: boolean;
}

/** The usage error for a --data with no labelled CSV: what label it looked for, and what it found instead. */
export function noLabelledFiles(u: UnlabelledData): UsageError {
  const { data, labelName, unlabelled, unlabelledPaths, texts } = u;
  return new UsageError(
    `--data ${data}: no labelled CSV files (SKAB format with ${labelName === undefined ? 'an "anomaly" column; another label column is named by --label-column' : `a "${labelName}" column (--label-column)`})` +
      (unlabelled.length > 0
        ? `; ${unlabelled.length} CSV file(s) without one, e.g. ${unlabelled[0]} ${headerText(csvHeader(unlabelledPaths[0]))}` +
          (u.anomalyGiven ? '' : '; a recorded fault is labelled by its start and end time with --anomaly FROM/TO')
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
}
