/**
 * What `linewatch train --csv` refuses before it fits anything (pure): rows the file labels anomalous among the rows
 * to train on (a model learns them as normal). The refusal names how many, where, and the flags that put it right.
 */
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
