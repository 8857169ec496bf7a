/**
 * How a part model's parts are cut: the asset's cycle window (trigger_channel, trigger, part_id_channel,
 * min/max_samples), as `train --cycle-channel` records it in the manifest (training.parts.window) and as the gateway's
 * configuration, `eval --model` and `validate` read it back.
 */
import type { CycleTrigger } from './cycle-window.js';

/** How parts are cut: the asset's cycle window (trigger_channel, trigger, part_id_channel, min/max_samples). */
export interface PartCut {
  readonly cycleChannel: string;
  readonly trigger: CycleTrigger;
  readonly partIdChannel?: string;
  readonly minRows: number;
  readonly maxRows: number;
  /**
   * The window's max_sample_age_ms the parts were cut at (train and eval --max-sample-age-ms), where one was given;
   * absent: the window's default (5000).
   */
  readonly maxSampleAgeMs?: number;
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
    ...(cut.maxSampleAgeMs !== undefined ? { max_sample_age_ms: cut.maxSampleAgeMs } : {}),
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
    ...recordedHold(w.max_sample_age_ms),
  };
}

/**
 * The hold a manifest records (training.parts.window.max_sample_age_ms: since 2026-12-08, where train was given one;
 * without it, the parts were cut at the window's default); anything but a whole number of ms from 1 is refused.
 */
function recordedHold(ms: unknown): { maxSampleAgeMs?: number } {
  if (ms === undefined) return {};
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1)
    throw new Error(
      `training.parts.window.max_sample_age_ms: ${JSON.stringify(ms)}: expected a whole number of ms from 1 (the hold the parts were cut at)`,
    );
  return { maxSampleAgeMs: ms };
}

/** The rows of the parts a model learned from, fewest and most (training.parts.rows), where the manifest says. */
function learnedRows(training: Record<string, unknown>): readonly [number, number] | undefined {
  const rows = (training.parts as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) && rows.length === 2 && rows.every(Number.isFinite) ? [rows[0], rows[1]] : undefined;
}

/**
 * What keeps an asset's window from cutting the parts its part model learned (validate): another window type, another
 * trigger, or sample bounds that no part it learned from would meet. A model without a recorded cut: nothing to check.
 */
export function partCutIssues(
  model: { readonly name: string; readonly training: Record<string, unknown> },
  window: {
    readonly type?: string;
    readonly trigger_channel?: string;
    readonly trigger?: string;
    readonly min_samples?: number;
    readonly max_samples?: number;
  },
  where: string,
): string[] {
  const cut = partCutOf(model.training);
  if (!cut) return [];
  const learned = `model ${model.name} learned parts cut by ${cut.cycleChannel} (${cut.trigger})`;
  if (window.type !== 'cycle')
    return [
      `${where}: ${learned}: the asset's window needs type: cycle, trigger_channel: ${cut.cycleChannel}, trigger: ${cut.trigger}`,
    ];
  // A cycle window without a trigger is refused by its own check (trigger_channel required), not as another cut.
  if (window.trigger_channel === undefined) return [];
  if (window.trigger_channel !== cut.cycleChannel || window.trigger !== cut.trigger)
    return [
      `${where}: ${learned}, not by ${window.trigger_channel} (${window.trigger}): parts cut otherwise are not the parts it knows`,
    ];
  const rows = learnedRows(model.training);
  if (rows && window.min_samples !== undefined && window.min_samples > rows[1])
    return [
      `${where}.min_samples: ${window.min_samples}, but the parts model ${model.name} learned had ${rows[0]}–${rows[1]} rows: every part would be judged unknown`,
    ];
  if (rows && window.max_samples !== undefined && window.max_samples < rows[0])
    return [
      `${where}.max_samples: ${window.max_samples}, but the parts model ${model.name} learned had ${rows[0]}–${rows[1]} rows: every part would be judged unknown`,
    ];
  return [];
}
