/**
 * What `train` tells the user about a model it wrote from their rows (pure): an alarm level extrapolated from rows
 * shorter than the time the budget allows between false alarms; and the words for channels a gateway configuration
 * cannot name (train refuses to fit on them, validate --model refuses a model that has them).
 */
import { nameSchema } from '../core/config-primitives.js';
import { shellWord } from '../core/shell-word.js';
import type { CalibrationTarget } from '../training/alarm-calibration.js';
import { spanText } from '../core/span-text.js';

const DAY_MS = 86_400_000;

/** The name with what a configuration refuses replaced (Volume_Flow_RateRMS), no "_" added at its end; undefined where
 * nothing is left. */
export function fixedName(name: string): string | undefined {
  // A closing bracket or unit leaves no "_" at the end: "FIC-101 A feed [kscmh]" is FIC-101_A_feed_kscmh.
  const fixed = name
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/(?<=[A-Za-z0-9])_+$/, '');
  return /[A-Za-z0-9]/.test(fixed) ? fixed : undefined;
}

/** The channels a gateway configuration cannot name (config channel names: letters, digits, `_`, `.`, `-`). */
export function undeployableChannels(channels: readonly string[]): string[] {
  return channels.filter((c) => !nameSchema.safeParse(c).success);
}

/** A --rename flag for each of `bad`, to the name train suggests (letters kept, `_` else), as a shell reads it. */
export function renameFlagsFor(bad: readonly string[]): string {
  return bad.map((c) => `--rename ${shellWord(`${c}=${fixedName(c) ?? 'new_name'}`)}`).join(' ');
}

/**
 * The ways to read the columns `bad` under names a configuration takes, for train's refusal and validate's: --rename
 * auto (the names it would make, the first three), or a --rename of the user's own for each (the flags themselves for
 * up to three columns; a recording of forty such columns is not asked for forty flags).
 */
export function renameWays(bad: readonly string[]): string {
  const many = bad.length > 1;
  const shown = bad.slice(0, 3).map((c) => `"${c}" as ${fixedName(c) ?? 'column_N'}`);
  const more = bad.length > shown.length ? `, and ${bad.length - shown.length} more` : '';
  const own = bad.length <= 3 ? renameFlagsFor(bad) : '--rename COLUMN=NAME for each';
  return (
    `--rename auto to read ${many ? 'those columns' : 'that column'} under ${many ? 'names' : 'a name'} a ` +
    `configuration takes (${shown.join(', ')}${more}), or ${own} to choose ${many ? 'the names' : 'the name'}`
  );
}

export interface TrainedRows {
  /** The rows the model was fitted on and their period (sliding-window models: the budget's span is checked). */
  readonly rowCount?: number;
  readonly periodMs?: number;
  readonly target: CalibrationTarget;
}

/**
 * What a model with the channels `bad` (undeployableChannels') cannot be, and the way out: validate --model says it in
 * these words (train refuses to fit such a model, refuseUndeployableChannels).
 */
export function undeployableText(bad: readonly string[]): string {
  const many = bad.length > 1;
  return (
    `a gateway configuration cannot name the channel${many ? 's' : ''} ${bad.map((c) => `"${c}"`).join(', ')} ` +
    `(channel names are letters, digits, "_", "." and "-"), so no gateway can run this model as it is: train it ` +
    `again with ${renameWays(bad)}, or leave ${many ? 'them' : 'it'} out with --channels`
  );
}

/** Notes for the user, one line each (none where the model's span covers the budget). */
export function trainingNotes(t: TrainedRows): string[] {
  const notes: string[] = [];
  const perDay = t.target.falseAlarmsPerDay;
  const span = (t.rowCount ?? 0) * (t.periodMs ?? 0);
  if (perDay !== undefined && span > 0 && span < DAY_MS / perDay)
    notes.push(
      `note: the training rows span ${spanText(span)}, less than the ${spanText(DAY_MS / perDay)} the alarm budget ` +
        `(${perDay} false alarm${perDay === 1 ? '' : 's'} a day) allows between two false alarms: the alarm level is ` +
        `extrapolated beyond anything the rows show, and may sit far above (or below) where it should; hours to days of ` +
        `normal operation give a level that holds`,
    );
  return notes;
}
