/**
 * What `linewatch train --csv` refuses before it fits anything (pure): rows the file labels anomalous among the rows
 * to train on (a model learns them as normal), and channels no gateway configuration can name (a model no gateway
 * can run). Each refusal names what is wrong, where, and the flags that put it right.
 */
import type { CsvParts } from '../training/csv-parts.js';
import { renameFlagsFor, renameWays, undeployableChannels } from './training-notes.js';
import { choiceFlag, UsageError } from './usage.js';

/** `--labels`: refuse (the default) training rows the anomaly column labels anomalous, or ignore the labels. */
export const LABEL_CHOICES = ['refuse', 'ignore'] as const;
export type LabelChoice = (typeof LABEL_CHOICES)[number];

export function labelChoiceOf(given: string | undefined): LabelChoice {
  return given === undefined ? 'refuse' : choiceFlag('labels', given, LABEL_CHOICES);
}

/** The rows to train on that the file's `anomaly` column labels anomalous, and the first of them (1-based). */
export interface LabelledRows {
  readonly rows: number;
  readonly first: number;
}

/**
 * Rows labelled anomalous among the `rowCount` rows to train on: refused (a usage error, exit 2) naming how many, the
 * first, and the --train-rows that ends before it (none where the first row is labelled).
 */
export function refuseLabelledRows(csv: string, rowCount: number, labelled: LabelledRows | undefined): void {
  if (!labelled) return;
  const before =
    labelled.first > 1
      ? `train on the rows before it (--train-rows ${labelled.first - 1})`
      : 'the first row is labelled, so no rows before it are normal: train on a recording of normal operation';
  throw new UsageError(
    `--csv ${csv}: ${labelled.rows} of the ${rowCount} rows to train on are labelled anomalous (column anomaly, the ` +
      `first at row ${labelled.first}); a model would learn them as normal, so nothing was fitted: ${before}, or add ` +
      '--labels ignore if those rows are normal operation after all',
  );
}

/**
 * Channels (a part model's: its curves, and `cutColumns`, the cycle and part id columns) a gateway configuration cannot
 * name: refused before fitting (a usage error, exit 2), naming them and the way to rename them (--rename auto, or the
 * exact --rename flags for a part model), or --channels to leave out those it can (not a cut's column).
 */
export function refuseUndeployableChannels(
  csv: string,
  channels: readonly string[],
  cutColumns?: readonly string[],
): void {
  const bad = undeployableChannels(channels);
  if (bad.length === 0) return;
  // A part model (its cut's columns given) is offered the flags themselves: --rename auto is for the other models.
  const ways = cutColumns
    ? `${renameFlagsFor(bad)} to read ${bad.length > 1 ? 'those columns' : 'that column'} under a name a configuration takes`
    : renameWays(bad);
  const many = bad.length > 1;
  const curves = bad.filter((c) => !cutColumns?.includes(c));
  const leaveOut =
    curves.length === 0
      ? ''
      : `, or leave ${curves.length < bad.length ? curves.map((c) => `"${c}"`).join(', ') : many ? 'them' : 'it'} ` +
        'out with --channels';
  throw new UsageError(
    `--csv ${csv}: a gateway configuration cannot name the channel${many ? 's' : ''} ` +
      `${bad.map((c) => `"${c}"`).join(', ')} (channel names are letters, digits, "_", "." and "-"), so no gateway ` +
      `could run the model; nothing was fitted: add ${ways}${leaveOut}`,
  );
}

/** The parts to learn from that hold a row labelled anomalous, and the first (its id, its first row 1-based). */
export interface LabelledParts {
  readonly parts: number;
  readonly of: number;
  readonly firstId: string;
  readonly firstRow: number;
}

/** The parts any of whose rows `parts.labels` (`anomaly`, as eval reads it) mark anomalous; none without labels. */
export function labelledPartsOf(parts: CsvParts): LabelledParts | undefined {
  const labels = parts.labels;
  if (!labels) return undefined;
  const bad = parts.rowSpans.flatMap(([from, to], i) => (labels.subarray(from, to + 1).some((v) => v > 0) ? [i] : []));
  if (bad.length === 0) return undefined;
  const first = bad[0];
  return {
    parts: bad.length,
    of: parts.windows.length,
    firstId: parts.partIds[first],
    firstRow: parts.rowSpans[first][0] + 1,
  };
}

/**
 * Parts labelled anomalous among those a part model would learn as good: refused (a usage error, exit 2) naming how
 * many, the first (its id and row) and the --train-rows that ends before it (none where it is the first part).
 */
export function refuseLabelledParts(csv: string, labelled: LabelledParts | undefined): void {
  if (!labelled) return;
  const before =
    labelled.firstRow > 1
      ? `train on the rows before it (--train-rows ${labelled.firstRow - 1})`
      : 'it starts on the first row: train on a recording of good parts';
  throw new UsageError(
    `--csv ${csv}: ${labelled.parts} of the ${labelled.of} parts to learn from have rows labelled anomalous ` +
      `(column anomaly; the first, part ${labelled.firstId}, starts at row ${labelled.firstRow}); a model would ` +
      `learn them as good parts, so nothing was fitted: ${before}, mark them NOK in a --part-labels table, or add ` +
      '--labels ignore if those parts are good after all',
  );
}
