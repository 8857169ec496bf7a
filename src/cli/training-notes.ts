/**
 * What `train` tells the user about a model it wrote from their rows (pure): channels a gateway configuration cannot
 * name, and an alarm level extrapolated from rows shorter than the time the budget allows between false alarms.
 */
import { nameSchema } from '../core/config-primitives.js';
import type { CalibrationTarget } from '../training/alarm-calibration.js';
import { spanText } from '../core/span-text.js';

const DAY_MS = 86_400_000;

/** ` (e.g. Volume_Flow_RateRMS)`: the name with what a configuration refuses replaced; nothing where none is left. */
function example(name: string): string {
  const fixed = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return /[A-Za-z0-9]/.test(fixed) ? ` (e.g. ${fixed})` : '';
}

/** The channels a gateway configuration cannot name (config channel names: letters, digits, `_`, `.`, `-`). */
export function undeployableChannels(channels: readonly string[]): string[] {
  return channels.filter((c) => !nameSchema.safeParse(c).success);
}

export interface TrainedRows {
  readonly channels: readonly string[];
  /** The rows the model was fitted on and their period (sliding-window models: the budget's span is checked). */
  readonly rowCount?: number;
  readonly periodMs?: number;
  readonly target: CalibrationTarget;
}

/** Notes for the user, one line each (none where the model can be deployed as it is and its span covers the budget). */
export function trainingNotes(t: TrainedRows): string[] {
  const notes: string[] = [];
  const bad = undeployableChannels(t.channels);
  if (bad.length > 0)
    notes.push(
      `note: a gateway configuration cannot name the channel${bad.length > 1 ? 's' : ''} ${bad.map((c) => `"${c}"`).join(', ')} ` +
        `(channel names are letters, digits, "_", "." and "-"), so no gateway can run this model as it is: rename ` +
        `${bad.length > 1 ? 'those columns' : 'that column'} in the CSV${example(bad[0])} ` +
        `and train again, or leave ${bad.length > 1 ? 'them' : 'it'} out with --channels`,
    );
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
