/**
 * What the HTML report of `linewatch eval --report` and `linewatch train --report` shows: plain data,
 * filled by the commands and turned into one self-contained page by render-report.ts.
 */
import type { ChannelContribution, FitCurve } from '../core/types.js';
import type { FittedModel } from '../training/build-model.js';
import { targetOfRecord } from '../training/calibration-target.js';
import { budgetWords } from './training-words.js';

/** One named series, one value per row. */
export interface ReportSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
  /** Its unit (a CSV's units row, a model's manifest), drawn with its range; absent or '' for none. */
  readonly unit?: string;
}

/** One evaluated file: its channels, the detector's score and alarms, and its labels. */
export interface FileReport {
  /** Shown as the section title. */
  readonly file: string;
  /** Ms since epoch, one per row. */
  readonly times: ArrayLike<number>;
  /** What a row is, in the section's caption: `rows` (the default) or `parts` (one row per part). */
  readonly unit?: 'rows' | 'parts';
  /** Raw values per row. */
  readonly channels: readonly ReportSeries[];
  /** Per row; NaN before the first full window. */
  readonly score: ArrayLike<number>;
  /** Alarm on above this. */
  readonly threshold: number;
  /** Alarm clears below this. */
  readonly offThreshold?: number;
  /** The first rows used for fitting (shaded), or with `trainRowsFitted` false only left out of the metrics. */
  readonly trainRows: number;
  /**
   * Whether the file's model was fitted on its first `trainRows` rows (eval --arch: the default), or fitted elsewhere
   * and those rows only left out of the metrics (eval --model).
   */
  readonly trainRowsFitted?: boolean;
  /** 1 = labelled anomaly, per row. */
  readonly labels?: ArrayLike<number>;
  /** 1 = alarm active, per row. */
  readonly alarms: ArrayLike<number>;
  readonly metrics?: Readonly<Record<string, number | string>>;
  /** What a reader of the charts must know about the data (missing readings held or not scored), one line each. */
  readonly notes?: readonly string[];
  /** Why each alarm was raised: its first row and the channels with the largest share of the score there. */
  readonly alarmCauses?: readonly { readonly row: number; readonly top: readonly ChannelContribution[] }[];
}

/** One trained model: how it learned and where its threshold sits among normal scores. */
export interface TrainingReport {
  /** E.g. "hybrid model skab-hybrid". */
  readonly title: string;
  readonly loss?: FitCurve;
  /** Scores of normal windows: held out, or as `scoresAre` says. */
  readonly scores: readonly number[];
  /** What the scores are; by default "held-out normal windows". */
  readonly scoresAre?: string;
  /** What a reader must know about the threshold (an alarm level extrapolated beyond the rows), one line each. */
  readonly notes?: readonly string[];
  readonly threshold: number;
  readonly offThreshold?: number;
  /** How the threshold was found, shown as text (folded, under the plain sentences of training-words.ts). */
  readonly calibration: string;
  /** What the alarm budget means on the line (budgetWords: "normal operation like the training data raises about 1
   * false alarm a day"), leading the section. */
  readonly budget?: string;
  /** How the model works, in the manifest's words (shown folded with the calibration). */
  readonly architecture?: string;
  /** The channels the model reads, each with its unit ('' for none): a table, where one has a unit. */
  readonly channels?: readonly { readonly name: string; readonly unit: string }[];
}

export interface ReportPage {
  readonly title: string;
  readonly summary?: Readonly<Record<string, number | string>>;
  /** What the summary's figures count, under it, one line each. */
  readonly summaryNotes?: readonly string[];
  /** What a reader must know about the data as a whole (eval: the names --rename auto gave), one line each. */
  readonly notes?: readonly string[];
  readonly training?: readonly TrainingReport[];
  readonly files?: readonly FileReport[];
  /** Files left out of the figures, each with why (eval's not_evaluated, and the files without labels). */
  readonly leftOut?: readonly { readonly file: string; readonly reason: string }[];
}

/** A fitted model's section: its loss curve where it has one, its held-out scores, thresholds and how they were
 * found. */
export function fittedModelReport(title: string, fitted: FittedModel): TrainingReport {
  const s = fitted.manifest.score;
  return {
    title,
    ...(fitted.loss ? { loss: fitted.loss } : {}),
    scores: [...fitted.heldOutScores],
    ...(fitted.scoresAre ? { scoresAre: fitted.scoresAre } : {}),
    threshold: s.threshold,
    ...(s.off_threshold ? { offThreshold: s.off_threshold } : {}),
    calibration: s.calibration,
    ...(s.target ? { budget: budgetWords(targetOfRecord(s.target)) } : {}),
    ...(typeof fitted.manifest.training.architecture === 'string'
      ? { architecture: fitted.manifest.training.architecture }
      : {}),
    channels: fitted.manifest.input.channels.map((c) => ({ name: c.name, unit: c.unit })),
  };
}
