/**
 * A part model fitted on a CSV of a machine's cycles: the one code path `linewatch train --cycle-channel` writes and
 * `linewatch eval --cycle-channel` measures. The parts are cut as the gateway cuts them (csv-parts.ts), the model is
 * an autoencoder over each part's curves, and its threshold is calibrated on the held-out parts for a budget of false
 * rejects a day at the recording's rate of parts. The manifest records the cut, so that `eval --model` and the asset's
 * configuration cut parts the same way.
 */
import type { Progress } from '../core/progress.js';
import type { CycleTrigger } from '../windows/cycle/cycle-window.js';
import type { CalibrationTarget } from './alarm-calibration.js';
import { buildInMemory, fitAutoencoderModel, type Architecture, type FittedModel } from './build-model.js';
import { csvParts, leftOutText, partsTrainingSet, type CsvParts } from './csv-parts.js';

/** How parts are cut: the asset's cycle window (trigger_channel, trigger, part_id_channel, min/max_samples). */
export interface PartCut {
  readonly cycleChannel: string;
  readonly trigger: CycleTrigger;
  readonly partIdChannel?: string;
  readonly minRows: number;
  readonly maxRows: number;
}

/** The cut as the asset's `window` in the gateway's configuration (and the manifest's training.parts.window). */
export function cycleWindowConfig(cut: PartCut): Record<string, string | number> {
  return {
    type: 'cycle',
    trigger_channel: cut.cycleChannel,
    trigger: cut.trigger,
    ...(cut.partIdChannel !== undefined ? { part_id_channel: cut.partIdChannel } : {}),
    min_samples: cut.minRows,
    max_samples: cut.maxRows,
  };
}

/** The cut a part model's manifest records (training.parts.window), or undefined for a model of sliding windows. */
export function partCutOf(training: Record<string, unknown>): PartCut | undefined {
  const w = (training.parts as { window?: Record<string, unknown> } | undefined)?.window;
  if (!w || typeof w.trigger_channel !== 'string') return undefined;
  return {
    cycleChannel: w.trigger_channel,
    trigger: w.trigger === 'counter' ? 'counter' : 'flag',
    ...(typeof w.part_id_channel === 'string' ? { partIdChannel: w.part_id_channel } : {}),
    minRows: Number(w.min_samples),
    maxRows: Number(w.max_samples),
  };
}

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
  readonly command: string;
  readonly log: (line: string) => void;
  readonly progress?: Progress;
}

export async function fitPartModel(
  text: string,
  file: string,
  o: PartFitOptions,
): Promise<{ fitted: FittedModel; parts: CsvParts }> {
  const parts = csvParts(text, file, {
    ...o.cut,
    ...(o.channels ? { channels: o.channels } : {}),
    windowLength: o.windowLength,
    ...(o.periodMs !== undefined ? { periodMs: o.periodMs } : {}),
    ...(o.rows !== undefined ? { rows: o.rows } : {}),
  });
  const cut = `${o.cut.cycleChannel} (${o.cut.trigger})`;
  o.log(
    `${file}: ${parts.windows.length} parts cut by ${cut}, about ${parts.partsPerDay.toFixed(0)} a day` +
      (parts.leftOut.length > 0 ? `; ${leftOutText(parts.leftOut)}` : ''),
  );
  const set = partsTrainingSet(
    parts,
    file,
    { name: o.name, validationFraction: o.validationFraction, hidden: o.hidden },
    cut,
  );
  const fitted = await fitAutoencoderModel(
    set,
    buildInMemory(o, { rowsPerDay: parts.partsPerDay, target: o.target, unit: 'parts' }),
  );
  const record = {
    window: cycleWindowConfig(o.cut),
    parts: parts.windows.length,
    parts_per_day: parts.partsPerDay,
    left_out: parts.leftOut.length,
  };
  const manifest = { ...fitted.manifest, training: { ...fitted.manifest.training, parts: record } };
  return { fitted: { ...fitted, manifest }, parts };
}
