/**
 * What `train` tells the user about a model it wrote from their rows (pure): channels a gateway configuration cannot
 * name, and an alarm level extrapolated from rows shorter than the time the budget allows between false alarms.
 */
import { nameSchema } from '../core/config-primitives.js';
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

export interface TrainedRows {
  readonly channels: readonly string[];
  /** The rows the model was fitted on and their period (sliding-window models: the budget's span is checked). */
  readonly rowCount?: number;
  readonly periodMs?: number;
  readonly target: CalibrationTarget;
}

/**
 * What a model with the channels `bad` (undeployableChannels') cannot be, and the way out: train (and validate --model)
 * say it in these words.
 */
export function undeployableText(bad: readonly string[]): string {
  const many = bad.length > 1;
  const fixed = fixedName(bad[0]);
  const rename = `--rename ${JSON.stringify(`${bad[0]}=${fixed ?? 'new_name'}`)}`;
  return (
    `a gateway configuration cannot name the channel${many ? 's' : ''} ${bad.map((c) => `"${c}"`).join(', ')} ` +
    `(channel names are letters, digits, "_", "." and "-"), so no gateway can run this model as it is: train it ` +
    `again with ${many ? 'those columns' : 'that column'} renamed (${rename}${many ? ', one --rename each' : ''}), or ` +
    `leave ${many ? 'them' : 'it'} out with --channels`
  );
}

/** Notes for the user, one line each (none where the model can be deployed as it is and its span covers the budget). */
export function trainingNotes(t: TrainedRows): string[] {
  const notes: string[] = [];
  const bad = undeployableChannels(t.channels);
  if (bad.length > 0) notes.push(`note: ${undeployableText(bad)}`);
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
