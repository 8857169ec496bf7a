/**
 * The alarm budget a calibration aims at: false alarms (or false rejects of parts) a day of normal operation, or a
 * per-window quantile of normal scores; how an operator reads it, how a manifest records it, and what it asks of each
 * score. Pure.
 */

/**
 * Exactly one of: false alarms (episodes) per day in normal operation, the per-window quantile of normal scores, or
 * (part models only) good parts rejected in a million.
 */
export interface CalibrationTarget {
  readonly falseAlarmsPerDay?: number;
  readonly quantile?: number;
  readonly falseRejectsPpm?: number;
}

/** The alarm budget as an operator reads it. */
export function targetText(t: CalibrationTarget): string {
  if (t.falseRejectsPpm !== undefined) return `${t.falseRejectsPpm} ppm of good parts rejected`;
  if (t.falseAlarmsPerDay !== undefined)
    return `${t.falseAlarmsPerDay} false alarm${t.falseAlarmsPerDay === 1 ? '' : 's'} a day of normal operation`;
  return `the ${t.quantile} quantile of normal scores`;
}

/** What each calibrated score is of: a row's window (sliding) or a produced part (cycle). */
export type CalibrationUnit = 'rows' | 'parts';

/** The target as an episode rate per row (falseAlarmsPerDay) or an exceedance probability per row (quantile). */
export function targetPerRow(
  rowsPerDay: number,
  target: CalibrationTarget,
  unit: CalibrationUnit,
): { perRow: number; episodes: boolean; text: string } {
  const { falseAlarmsPerDay: f, quantile: q, falseRejectsPpm: ppm } = target;
  if (ppm !== undefined) return ppmPerPart(ppm, f !== undefined || q !== undefined, unit);
  if ((f === undefined) === (q === undefined)) {
    throw new Error(
      `calibrateAlarm: give exactly one of falseAlarmsPerDay and quantile (got ${f === undefined ? 'neither' : 'both'})`,
    );
  }
  if (f !== undefined) {
    if (!(f > 0) || !Number.isFinite(f))
      throw new Error(`calibrateAlarm: falseAlarmsPerDay must be a positive finite number (got ${f})`);
    if (!(rowsPerDay > 0) || !Number.isFinite(rowsPerDay))
      throw new Error(`calibrateAlarm: rowsPerDay must be a positive finite number (got ${rowsPerDay})`);
    // A false alarm is an episode (a run of rows above on: its clusters count, the extremal index), a false reject
    // one part: each part above on counts.
    const s = f === 1 ? '' : 's';
    if (unit === 'parts')
      return { perRow: f / rowsPerDay, episodes: false, text: `${f} false reject${s}/day at ${rowsPerDay} parts/day` };
    return { perRow: f / rowsPerDay, episodes: true, text: `${f} false alarm${s}/day at ${rowsPerDay} rows/day` };
  }
  if (!(q! >= 0.5 && q! < 1)) throw new Error(`calibrateAlarm: quantile must be in [0.5, 1) (got ${q})`);
  return { perRow: 1 - q!, episodes: false, text: `quantile ${q}` };
}

/** A budget of false rejects in ppm as a share of parts: checked, for part models only, and alone. */
function ppmPerPart(
  ppm: number,
  another: boolean,
  unit: CalibrationUnit,
): { perRow: number; episodes: boolean; text: string } {
  if (another) throw new Error('calibrateAlarm: give one budget: falseRejectsPpm with falseAlarmsPerDay or quantile');
  if (unit !== 'parts') throw new Error('calibrateAlarm: falseRejectsPpm is a budget for parts, not rows');
  if (!(ppm > 0 && ppm < 500_000))
    throw new Error(`calibrateAlarm: falseRejectsPpm must be above 0 and below 500000 (half the parts; got ${ppm})`);
  return { perRow: ppm / 1e6, episodes: false, text: `${ppm} ppm of good parts rejected` };
}

/** The manifest's record of a calibration target. */
export function targetRecord(t: CalibrationTarget): Record<string, number> {
  if (t.falseRejectsPpm !== undefined) return { false_rejects_ppm: t.falseRejectsPpm };
  return t.falseAlarmsPerDay !== undefined ? { false_alarms_per_day: t.falseAlarmsPerDay } : { quantile: t.quantile! };
}

/** A manifest's record of its target (targetRecord's) as the CalibrationTarget it records. */
export function targetOfRecord(r: Readonly<Record<string, number>>): CalibrationTarget {
  if (r.false_rejects_ppm !== undefined) return { falseRejectsPpm: r.false_rejects_ppm };
  return r.false_alarms_per_day !== undefined
    ? { falseAlarmsPerDay: r.false_alarms_per_day }
    : { quantile: r.quantile };
}
