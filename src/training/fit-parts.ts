/**
 * A part model fitted on a CSV of a machine's cycles: the one code path `linewatch train --cycle-channel` writes and
 * `linewatch eval --cycle-channel` measures. The parts are cut as the gateway cuts them (csv-parts.ts), the model is
 * an autoencoder over each part's curves, and its threshold is calibrated on the held-out parts for a budget of false
 * rejects a day at the recording's rate of parts. The manifest records the cut, so that `eval --model` and the asset's
 * configuration cut parts the same way.
 */
import type { Progress } from '../core/progress.js';
import { cycleWindowConfig, type PartCut } from '../windows/cycle/part-cut.js';
import type { CalibrationTarget } from './alarm-calibration.js';
import { buildInMemory, fitAutoencoderModel, type Architecture, type FittedModel } from './build-model.js';
import { csvParts, leftOutText, partsTrainingSet, withoutParts, type CsvParts } from './csv-parts.js';

export interface PartFitOptions {
  readonly cut: PartCut;
  readonly name: string;
  readonly channels?: readonly string[];
  /** Points each part is resampled to. */
  readonly windowLength: number;
  readonly periodMs?: number;
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
  readonly command: string;
  readonly log: (line: string) => void;
  readonly progress?: Progress;
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
  });
  const cut = `${o.cut.cycleChannel} (${o.cut.trigger})`;
  const results = o.results;
  if (results?.required && made.partIds.every((id) => results.of(id) === undefined))
    throw new Error(
      `${file}: none of its ${made.partIds.length} parts (ids ${made.partIds[0]} to ${made.partIds.at(-1)}, from ` +
        `${o.cut.partIdChannel ?? 'their order'}) has a result in ${results.source}`,
    );
  const parts = results ? withoutParts(made, (id) => results.of(id) === true) : made;
  const dropped = made.windows.length - parts.windows.length;
  o.log(
    `${file}: ${made.windows.length} parts cut by ${cut}` +
      (Number.isFinite(made.partsPerDay) ? `, about ${made.partsPerDay.toFixed(0)} a day` : '') +
      (made.leftOut.length > 0 ? `; ${leftOutText(made.leftOut)}` : '') +
      (results ? `; ${dropped} rejected in ${results.source}, not learned from` : ''),
  );
  const set = partsTrainingSet(
    parts,
    file,
    {
      name: o.name,
      validationFraction: o.validationFraction,
      hidden: o.hidden,
      ...(o.rows !== undefined ? { rows: o.rows } : {}),
      ...(results ? { rejected: { parts: dropped, source: results.source } } : {}),
    },
    cut,
  );
  const fitted = await fitAutoencoderModel(
    set,
    buildInMemory(o, { rowsPerDay: o.partsPerDay ?? parts.partsPerDay, target: o.target, unit: 'parts' }),
  );
  const record = {
    window: cycleWindowConfig(o.cut),
    parts: parts.windows.length,
    // The rows of the parts learned from, fewest and most: validate checks an asset's min/max_samples against them.
    rows: partRows(parts),
    parts_per_day: o.partsPerDay ?? parts.partsPerDay,
    ...(o.partsPerDay !== undefined ? { parts_per_day_given: true, recording_parts_per_day: parts.partsPerDay } : {}),
    left_out: parts.leftOut.length,
    ...(results ? { rejected_left_out: dropped } : {}),
  };
  const manifest = { ...fitted.manifest, training: { ...fitted.manifest.training, parts: record } };
  return { fitted: { ...fitted, manifest }, parts };
}
