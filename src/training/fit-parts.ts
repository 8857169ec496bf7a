/**
 * A part model fitted on a CSV of a machine's cycles: the one code path `linewatch train --cycle-channel` writes and
 * `linewatch eval --cycle-channel` measures. The parts are cut as the gateway cuts them (csv-parts.ts), the model is
 * an autoencoder over each part's curves, and its threshold is calibrated on the held-out parts for a budget of false
 * rejects (ppm of good parts, or a day at the recording's rate of parts), no stricter than the held-out parts support
 * (part-budget.ts). The manifest records the cut, so that `eval --model` and the asset's
 * configuration cut parts the same way.
 */
import type { Progress } from '../core/progress.js';
import type { ColumnRenames } from '../core/csv-table.js';
import { cycleWindowConfig, type PartCut } from '../windows/cycle/part-cut.js';
import type { CalibrationTarget } from './alarm-calibration.js';
import { buildInMemory, fitAutoencoderModel, type Architecture, type FittedModel } from './build-model.js';
import {
  csvParts,
  leftOutText,
  partsTrainingSet,
  pollGapText,
  refuseCounterCurves,
  withoutParts,
  withoutPollGaps,
  type CsvParts,
} from './csv-parts.js';
import { heldOutPartsReport } from './held-out-parts.js';
import { targetPerRow, targetRecord } from './calibration-target.js';
import { partBudget, partBudgetRecord, partBudgetText, type PartBudget } from './part-budget.js';
import type { ModelManifest } from '../inference/manifest.js';
import { withReadFloor } from './read-floor.js';
import { warmUpParts, warmUpRecord, warmUpText, type WarmUpChoice } from './warm-up-parts.js';

export interface PartFitOptions {
  readonly cut: PartCut;
  readonly name: string;
  readonly channels?: readonly string[];
  /** Points each part is resampled to. */
  readonly windowLength: number;
  readonly periodMs?: number;
  /** Columns read under another name (--rename). */
  readonly rename?: ColumnRenames;
  /** Only the parts within the first `rows` rows. */
  readonly rows?: number;
  readonly arch: Architecture;
  readonly hidden: readonly number[];
  readonly filters?: readonly [number, number];
  readonly prune?: number;
  readonly validationFraction: number;
  readonly seed: number;
  readonly epochs: number;
  readonly target: CalibrationTarget;
  /** The parts a day the line makes, for the budget; default the recording's rate. */
  readonly partsPerDay?: number;
  /** Warm-up parts (warm-up-parts.ts): left out of what is learnt (skip, the default) or learnt as good parts. */
  readonly warmUp?: WarmUpChoice;
  /**
   * A quality system's results by part id (true: rejected, false: good, undefined: none), with where they come from:
   * the rejected parts are not learned from. `required`: refuse a recording none of whose parts has a result (a table
   * of another recording, or ids written another way).
   */
  readonly results?: {
    readonly of: (partId: string) => boolean | undefined;
    readonly source: string;
    readonly required?: boolean;
  };
  /**
   * Called with the parts to learn from (those rejected in `results` and those with a missed poll left out), their
   * rows' labels with them (`anomaly` in any case, read as eval reads it), before anything is fitted: what train
   * refuses to fit on (channels no configuration names, parts labelled bad). Without it no label is read. It returns
   * what it has to say of the parts (parts labelled bad learnt as good, asked for), logged after the line that says
   * how many were cut, so that the lines come in the order things happen.
   */
  readonly beforeFit?: (parts: CsvParts) => readonly string[];
  readonly command: string;
  readonly log: (line: string) => void;
  readonly progress?: Progress;
}

/**
 * "272 of the 397 parts recorded are learned from; not: 120 a poll missed in their rows, 5 its start was not seen":
 * the parts the cut left out counted by their reason (its words before the particulars), and `more` (count, why)
 * of those it cut; '' where every part recorded is learned from.
 */
export function learnedOfText(made: CsvParts, learned: number, more: readonly (readonly [number, string])[]): string {
  const recorded = made.windows.length + made.leftOut.length;
  if (learned >= recorded) return '';
  const byReason = new Map<string, number>();
  for (const p of made.leftOut) {
    const reason = p.reason.split(/ \(|: /)[0];
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const counts = [...more.filter(([n]) => n > 0), ...[...byReason].map(([why, n]) => [n, why] as const)]
    .sort((a, b) => b[0] - a[0])
    .map(([n, why]) => `${n} ${why}`);
  return `${learned} of the ${recorded} parts recorded are learned from; not: ${counts.join(', ')}`;
}

/** What heldOutPartsReport is told of the held-out parts. */
type HeldOutReportOptions = Parameters<typeof heldOutPartsReport>[0];

/**
 * A part model's score calibration, told and recorded as train tells it: the budget's line (what the held-out parts
 * support), what the held-out parts' scores say of the threshold (held-out-parts.ts), and both in the score's details.
 * `score`: calibrated on `scores` (the held-out parts' int8 scores) for `budget.used` (build-model.ts
 * scoreCalibration).
 */
export function heldOutPartsScore(
  o: Omit<
    HeldOutReportOptions,
    'threshold' | 'rowsPerDay' | 'target' | 'targetText' | 'expectedInSpan' | 'extrapolationNote'
  > & {
    readonly score: ModelManifest['score'];
    readonly budget: PartBudget;
    readonly partsPerDay: number;
    readonly log: (line: string) => void;
  },
): ModelManifest['score'] {
  const { score, budget } = o;
  const budgetText = partBudgetText(budget, targetPerRow(o.partsPerDay, budget.asked, 'parts').text, o.partsPerDay);
  o.log(budgetText + (!budget.usedAsked && o.learnedOf ? `; ${o.learnedOf}` : ''));
  const report = heldOutPartsReport({
    scores: o.scores,
    ids: o.ids,
    threshold: score.threshold,
    rowsPerDay: o.partsPerDay,
    target: budget.used,
    targetText: String(score.details?.target ?? ''),
    // Where the asked budget was beyond the parts, the budget's line said so and what to record.
    extrapolationNote: budget.usedAsked,
    expectedInSpan: Number(score.details?.expected_in_span ?? Number.NaN),
    validationFraction: o.validationFraction,
    leaveOut: o.leaveOut,
    ...(o.learnedOf !== undefined ? { learnedOf: o.learnedOf } : {}),
  });
  for (const line of report.lines) o.log(line);
  return { ...score, details: { ...score.details, ...report.details, ...partBudgetRecord(budget) } };
}

/**
 * The parts a part model learns from, of those cut: the parts with a missed poll among their rows left out
 * (withoutPollGaps), and a warm-up's parts, a machine's first parts after a start trending into the later parts'
 * spread, left out where `warmUpChoice` is skip (warm-up-parts.ts). What train learns from and quantize calibrates on.
 */
export function normalParts(cut: CsvParts, pollStepMs: number, warmUpChoice: WarmUpChoice) {
  const { parts: whole, gaps, limitMs } = withoutPollGaps(cut);
  const gapText = pollGapText(gaps, pollStepMs);
  const warmUp = warmUpParts(whole);
  const warmUpIds = new Set(warmUpChoice === 'skip' ? (warmUp?.runs.flatMap((r) => r.partIds) ?? []) : []);
  const parts = warmUpIds.size > 0 ? withoutParts(whole, (id) => warmUpIds.has(id)) : whole;
  return { parts, gaps, limitMs, gapText, warmUp, warmUpIds };
}

/** The fewest and most rows of the parts. */
function partRows(parts: CsvParts): [number, number] {
  const counts = parts.rowSpans.map(([from, to]) => to - from + 1);
  return [counts.reduce((a, b) => Math.min(a, b)), counts.reduce((a, b) => Math.max(a, b))];
}

export async function fitPartModel(
  text: string,
  file: string,
  o: PartFitOptions,
): Promise<{ fitted: FittedModel; parts: CsvParts }> {
  const made = csvParts(text, file, {
    ...o.cut,
    ...(o.channels ? { channels: o.channels } : {}),
    windowLength: o.windowLength,
    ...(o.periodMs !== undefined ? { periodMs: o.periodMs } : {}),
    ...(o.rows !== undefined ? { rows: o.rows } : {}),
    ...(o.rename ? { rename: o.rename } : {}),
    ...(o.beforeFit ? { labels: {} } : {}),
  });
  const cut = `${o.cut.cycleChannel} (${o.cut.trigger})`;
  const results = o.results;
  if (results?.required && made.partIds.every((id) => results.of(id) === undefined))
    throw new Error(
      `${file}: none of its ${made.partIds.length} parts (ids ${made.partIds[0]} to ${made.partIds.at(-1)}, from ` +
        `${o.cut.partIdChannel ?? 'their order'}) has a result in ${results.source}`,
    );
  const good = results ? withoutParts(made, (id) => results.of(id) === true) : made;
  const dropped = made.windows.length - good.windows.length;
  // Before anything reads the curves (the warm-up's trend would first take a counter for a warm-up).
  refuseCounterCurves(good, file);
  const warmUpChoice = o.warmUp ?? 'skip';
  const { parts, gaps, limitMs, gapText, warmUp, warmUpIds } = normalParts(good, made.pollStepMs, warmUpChoice);
  const notes = o.beforeFit?.(parts) ?? [];
  o.log(
    `${file}: ${made.windows.length} parts cut by ${cut}` +
      (Number.isFinite(made.partsPerDay) ? `, about ${made.partsPerDay.toFixed(0)} a day` : '') +
      (made.leftOut.length > 0 ? `; ${leftOutText(made.leftOut)}` : '') +
      (results ? `; ${dropped} rejected in ${results.source}, not learned from` : '') +
      (gapText ? `; ${gapText}` : ''),
  );
  for (const note of notes) o.log(note);
  const warmUpLine = warmUp ? warmUpText(file, warmUp, warmUpChoice) : '';
  if (warmUpLine) o.log(warmUpLine);
  const set = partsTrainingSet(
    parts,
    file,
    {
      name: o.name,
      validationFraction: o.validationFraction,
      hidden: o.hidden,
      ...(o.rows !== undefined ? { rows: o.rows } : {}),
      ...(results ? { rejected: { parts: dropped, source: results.source } } : {}),
      ...(gapText ? { pollGaps: gapText } : {}),
      ...(warmUpIds.size > 0 ? { warmUp: warmUpIds.size } : {}),
    },
    cut,
  );
  const rowsPerDay = o.partsPerDay ?? parts.partsPerDay;
  const budget = partBudget({
    asked: o.target,
    partsPerDay: rowsPerDay,
    heldOut: set.validation.length,
    learned: parts.windows.length,
    validationFraction: o.validationFraction,
  });
  const target = budget.used;
  const fitted = await fitAutoencoderModel(set, buildInMemory(o, { rowsPerDay, target, unit: 'parts' }));
  const learnedOf = learnedOfText(made, parts.windows.length, [
    [dropped, `NOK in ${results?.source ?? 'the table'}`],
    [gaps.length, 'a poll missed in their rows'],
    [warmUpIds.size, 'a warm-up (--warm-up skip)'],
  ]);
  const score = heldOutPartsScore({
    score: fitted.manifest.score,
    budget,
    scores: fitted.heldOutScores,
    ids: parts.partIds.slice(parts.partIds.length - set.validation.length),
    partsPerDay: rowsPerDay,
    validationFraction: o.validationFraction,
    // A part left out of what is learned: NOK in a table of part results, as parts a quality system rejected.
    leaveOut:
      o.cut.partIdChannel !== undefined
        ? `NOK in a --part-labels table, columns ${o.cut.partIdChannel} and result`
        : 'NOK in a --part-labels table, with the parts named by --part-id-channel; or train on rows without them',
    learnedOf,
    log: o.log,
  });
  // The floor on the points read, found on the held-out parts the threshold was calibrated on (read-floor.ts).
  const floored = await withReadFloor({
    score,
    manifest: fitted.manifest,
    bytes: fitted.int8,
    modelPath: 'model.int8.onnx',
    heldOut: set.validation,
    heldOutScores: fitted.heldOutScores,
    log: o.log,
  });
  const record = {
    window: cycleWindowConfig(o.cut),
    parts: parts.windows.length,
    // The rows of the parts learned from, fewest and most: validate checks an asset's min/max_samples against them.
    rows: partRows(parts),
    parts_per_day: o.partsPerDay ?? parts.partsPerDay,
    ...(o.partsPerDay !== undefined ? { parts_per_day_given: true, recording_parts_per_day: parts.partsPerDay } : {}),
    left_out: parts.leftOut.length,
    ...(results ? { rejected_left_out: dropped } : {}),
    budget: { asked: targetRecord(o.target), ...partBudgetRecord(budget) },
    poll_gaps_left_out: gaps.length,
    ...(warmUp ? { warm_up: warmUpRecord(warmUp, warmUpChoice) } : {}),
    ...(gaps.length > 0
      ? {
          poll_gap_parts: gaps.map((g) => g.partId),
          poll_step_ms: made.pollStepMs,
          poll_gap_limit_ms: limitMs,
        }
      : {}),
  };
  const manifest = {
    ...fitted.manifest,
    score: floored,
    training: { ...fitted.manifest.training, parts: record },
  };
  return { fitted: { ...fitted, manifest }, parts };
}
