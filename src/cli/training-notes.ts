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

/** The name with what a configuration refuses replaced (Volume_Flow_RateRMS); undefined where nothing is left. */
function fixedName(name: string): string | undefined {
  const fixed = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
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
    `again with ${renameFlagsFor(bad)} to read ${many ? 'those columns' : 'that column'} under a name a ` +
    `configuration takes, or leave ${many ? 'them' : 'it'} out with --channels`
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
