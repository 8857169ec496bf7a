/**
 * `linewatch quantize` on a part model (one window per produced part): the recording is cut into parts as train, eval
 * and the gateway cut them (csv-parts.ts, with the cut the model records or the flags name), the parts train would
 * learn from are kept (fit-parts.ts normalParts: a missed poll's parts, and a warm-up's as the model chose, left out),
 * the first of them calibrate the int8 ranges and the last `validationFraction` are held out. The threshold train
 * calibrated on the old int8 graph's scores of its held-out parts is calibrated again, the same way, on the new int8
 * graph's scores of these held-out parts: for the budget of false rejects the model records (training.parts.budget,
 * at its parts_per_day), or 2 × their 99.9th percentile where the model was calibrated so (no score.target).
 */
import type { ColumnRenames } from '../core/csv-table.js';
import type { ModelManifest } from '../inference/manifest.js';
import type { PartCut } from '../windows/cycle/part-cut.js';
import { scoreCalibration, targetOfRecord } from './build-model.js';
import { csvParts, partsTrainingSet } from './csv-parts.js';
import { heldOutPartsScore, normalParts } from './fit-parts.js';
import { partBudget } from './part-budget.js';
import type { WarmUpChoice } from './warm-up-parts.js';

/** The parts of a recording quantize calibrates a part model on. */
export interface CalibrationParts {
  /** The parts whose activations set the int8 ranges (raw, time-major). */
  readonly train: readonly Float64Array[];
  /** The parts held out: the int8 graph checked against fp32 and the threshold calibrated on them. */
  readonly validation: readonly Float64Array[];
  /** The held-out parts' ids, in order. */
  readonly heldOutIds: readonly string[];
  /** The parts kept in all (train and held out). */
  readonly kept: number;
  /** How they were cut and what was left out, for the manifest and the log. */
  readonly text: string;
}

/** The manifest's record of how train cut and chose a part model's parts, as far as quantize reads it. */
interface PartsRecord {
  readonly parts_per_day?: unknown;
  readonly budget?: { readonly asked?: Record<string, number> };
  readonly warm_up?: { readonly choice?: unknown };
}

const partsRecordOf = (m: ModelManifest) => (m.training.parts ?? {}) as PartsRecord;

/** A part model's recording cut into parts for quantize; every refusal names the file and what is wrong. */
export function calibrationParts(
  text: string,
  file: string,
  m: ModelManifest,
  o: { readonly cut: PartCut; readonly rename?: ColumnRenames; readonly validationFraction: number },
): CalibrationParts {
  const made = csvParts(text, file, {
    ...o.cut,
    channels: m.input.channels.map((c) => c.name),
    windowLength: m.input.window_length,
    ...(o.rename ? { rename: o.rename } : {}),
  });
  // As the model chose at train (warm-up-parts.ts); a model that records none learnt every part.
  const warmUpChoice: WarmUpChoice = partsRecordOf(m).warm_up?.choice === 'skip' ? 'skip' : 'learn';
  const { parts, gapText, warmUpIds } = normalParts(made, made.pollStepMs, warmUpChoice);
  const cut = `${o.cut.cycleChannel} (${o.cut.trigger})`;
  const set = partsTrainingSet(
    parts,
    file,
    {
      name: m.name,
      validationFraction: o.validationFraction,
      hidden: [],
      ...(gapText ? { pollGaps: gapText } : {}),
      ...(warmUpIds.size > 0 ? { warmUp: warmUpIds.size } : {}),
    },
    cut,
  );
  const n = parts.windows.length;
  const left = made.windows.length + made.leftOut.length - n;
  return {
    train: set.train,
    validation: set.validation,
    heldOutIds: parts.partIds.slice(n - set.validation.length),
    kept: n,
    text:
      `${n} parts cut by ${cut}` +
      (left > 0
        ? ` (${left} of the ${made.windows.length + made.leftOut.length} recorded left out, as train leaves them)`
        : ''),
  };
}

/**
 * The part model's score calibrated again on the new int8 graph's scores of the held-out parts, as train calibrated
 * it; the budget's line and what the held-out parts say of the threshold logged, as train logs them.
 */
export function recalibratedPartScore(
  m: ModelManifest,
  where: string,
  o: {
    readonly scores: readonly number[];
    readonly parts: CalibrationParts;
    readonly validationFraction: number;
    readonly file: string;
    readonly log: (line: string) => void;
  },
): ModelManifest['score'] {
  const record = partsRecordOf(m);
  const validationNote = `the last ${o.parts.validation.length} parts of ${o.file}`;
  if (m.score.target === undefined) {
    // Calibrated without a budget (a hand-made manifest: every part_curve model train writes has one): 2 × the 99.9th
    // percentile, again.
    return { function: m.score.function, ...scoreCalibration(o.scores, { validationNote }, undefined) };
  }
  const asked = record.budget?.asked;
  const partsPerDay = Number(record.parts_per_day);
  if (!asked || !(partsPerDay > 0))
    throw new Error(
      `${where}: its threshold was calibrated for a budget (score.target) but training.parts records no ` +
        'budget.asked and parts_per_day: quantize cannot calibrate it again on the new int8 graph as train did; ' +
        'train the model again on this recording (linewatch train --csv … --cycle-channel …)',
    );
  const budget = partBudget({
    asked: targetOfRecord(asked),
    partsPerDay,
    heldOut: o.parts.validation.length,
    learned: o.parts.kept,
    validationFraction: o.validationFraction,
  });
  const calibrated = scoreCalibration(
    o.scores,
    { validationNote },
    { rowsPerDay: partsPerDay, target: budget.used, unit: 'parts' },
  );
  return heldOutPartsScore({
    score: { function: m.score.function, ...calibrated },
    budget,
    scores: o.scores,
    ids: o.parts.heldOutIds,
    partsPerDay,
    validationFraction: o.validationFraction,
    leaveOut: 'quantize on a recording without such parts',
    log: o.log,
  });
}
