/** The flags `linewatch train` and `linewatch eval` share to choose and fit a detector, checked; errors name the flag.
 * */
import type { CalibrationTarget } from '../training/alarm-calibration.js';
import {
  DEFAULT_ARCH,
  DEFAULT_TARGET,
  DETECTOR_ARCHS,
  type DetectorArch,
  type DetectorOptions,
} from '../training/fit-detector.js';
import { choiceFlag, UsageError } from './usage.js';
import { parseRunningCondition, type RunningCondition } from '../core/running-condition.js';

export interface DetectorFlags {
  arch?: string;
  falseAlarmsPerDay?: string;
  quantile?: string;
  /** A part model's budget: ppm of good parts rejected (part models only: refused elsewhere by the part flags). */
  falseRejectsPpm?: string;
  slowChannels?: string;
  seed: string;
  epochs: string;
  validationFraction: string;
  /** --rename OLD=NEW, each given (rename-flag.ts). */
  rename?: string[];
}

/** A whole number option, checked; the error names the flag. A blank value is refused (Number('') is 0). */
export function wholeNumber(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} ${value}: expected a whole number from ${min}`);
  return n;
}

export function calibrationTarget(
  flags: Pick<DetectorFlags, 'falseAlarmsPerDay' | 'quantile' | 'falseRejectsPpm'>,
): CalibrationTarget {
  if (flags.falseAlarmsPerDay !== undefined && flags.quantile !== undefined)
    throw new UsageError('--false-alarms-per-day and --quantile: give one target, not both');
  if (flags.falseRejectsPpm !== undefined) {
    // One budget: a per-day budget and a ppm one are the same thing at a rate of parts, so two would disagree.
    const other =
      flags.falseAlarmsPerDay !== undefined
        ? '--false-alarms-per-day'
        : flags.quantile !== undefined
          ? '--quantile'
          : '';
    if (other)
      throw new UsageError(
        `--false-rejects-ppm and ${other}: give one budget, not both (ppm of good parts rejected = false rejects a day × 10⁶ ÷ parts a day)`,
      );
    const ppm = Number(flags.falseRejectsPpm);
    if (!(ppm > 0 && ppm < 500_000))
      throw new UsageError(
        `--false-rejects-ppm ${flags.falseRejectsPpm}: expected a number above 0 and below 500000 (good parts rejected in a million, e.g. 100)`,
      );
    return { falseRejectsPpm: ppm };
  }
  if (flags.quantile !== undefined) {
    const q = Number(flags.quantile);
    if (!(q > 0 && q < 1))
      throw new UsageError(`--quantile ${flags.quantile}: expected a number between 0 and 1 (e.g. 0.999)`);
    return { quantile: q };
  }
  if (flags.falseAlarmsPerDay !== undefined) {
    const f = Number(flags.falseAlarmsPerDay);
    if (!(f > 0 && Number.isFinite(f)))
      throw new UsageError(`--false-alarms-per-day ${flags.falseAlarmsPerDay}: expected a positive number (e.g. 1)`);
    return { falseAlarmsPerDay: f };
  }
  return DEFAULT_TARGET;
}

export function detectorFlags(
  flags: DetectorFlags,
  command: string,
  defaultArch: DetectorArch = DEFAULT_ARCH,
): Omit<DetectorOptions, 'log'> {
  const arch = choiceFlag('arch', flags.arch ?? defaultArch, DETECTOR_ARCHS);
  const fraction = Number(flags.validationFraction);
  if (!(fraction > 0 && fraction < 1))
    throw new UsageError(`--validation-fraction ${flags.validationFraction}: expected a number between 0 and 1`);
  // `none`: no channel is slow (as an empty list).
  const slow = flags.slowChannels
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'none');
  return {
    arch,
    seed: wholeNumber('seed', flags.seed, 0),
    epochs: wholeNumber('epochs', flags.epochs),
    validationFraction: fraction,
    target: calibrationTarget(flags),
    ...(slow !== undefined ? { slowChannels: slow } : {}),
    command: `linewatch ${command}`,
  };
}

/**
 * `--slow-channels` names that are not among `known`: a typo, not a choice, refused instead of dropped or scored as a
 * level. `noSuch` names what a name should have been ('channel', 'column in the files under DIR'), `listed` the list.
 */
export function refuseUnknownSlowChannels(
  slow: readonly string[] | undefined,
  known: readonly string[],
  noSuch: string,
  listed: string,
): void {
  const unknown = (slow ?? []).filter((c) => !known.includes(c));
  if (unknown.length > 0)
    throw new UsageError(`--slow-channels: ${unknown.join(', ')}: no such ${noSuch} (${listed}: ${known.join(', ')})`);
}

/** --running-when's condition, or a usage error (exit 2) naming the flag and the forms it takes. */
export function runningConditionFlag(text: string): RunningCondition {
  try {
    return parseRunningCondition(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** --running-when's condition and --running-settle-ms, each undefined where not given; usage errors as below. */
export function runningFlags(opts: { readonly runningWhen?: string; readonly runningSettleMs?: string }): {
  readonly runningWhen: RunningCondition | undefined;
  readonly runningSettleMs: number | undefined;
} {
  const runningWhen = opts.runningWhen === undefined ? undefined : runningConditionFlag(opts.runningWhen);
  return { runningWhen, runningSettleMs: runningSettleFlag(opts) };
}

/** --running-settle-ms (ms, 0 or more), or a usage error: it needs --running-when. Undefined where not given. */
function runningSettleFlag(opts: {
  readonly runningWhen?: string;
  readonly runningSettleMs?: string;
}): number | undefined {
  if (opts.runningSettleMs === undefined) return undefined;
  if (opts.runningWhen === undefined)
    throw new UsageError(
      '--running-settle-ms: the settle time after a restart needs --running-when (the condition that says when the machine runs)',
    );
  return wholeNumber('running-settle-ms', opts.runningSettleMs, 0);
}
