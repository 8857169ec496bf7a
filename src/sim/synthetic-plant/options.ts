/**
 * The synthetic plant's options: what a caller may set, their limits, and the defaults filled in, each option checked
 * with an Error that names it and its range. Pure.
 */
import { PLANT_FAULT_KINDS, type PlantFaultKind } from './fault-kinds.js';
import type { Range } from './seeded-streams.js';

export interface SyntheticPlantOptions {
  /** Recorded channels, valves included. */
  readonly channels: number;
  /** Sample period; the CSV times have 1 s resolution, so a multiple of 1000. */
  readonly samplePeriodMs: number;
  readonly rowsPerFile: number;
  /** Labelled files, one fault each, the kinds taken in turn. */
  readonly files: number;
  readonly seed: number;
  /** Multiplies every channel's measurement noise (default 1). */
  readonly noiseScale?: number;
  readonly faultKinds?: readonly PlantFaultKind[];
  /** Rows at the start of every file that are normal operation (default 400). */
  readonly normalRows?: number;
  /** First and last row a fault may start on (default normalRows + 20, normalRows + 100). */
  readonly faultStartRows?: readonly [number, number];
  /** Share of files whose fault ends before the file does, the plant then back to normal (default 0.4). */
  readonly recoveringFraction?: number;
  /** Share of files with a barely visible fault (default 0.15). */
  readonly hardFraction?: number;
  /** Measured channels recorded as sampled analysers, each reading held until the next (sampled-analysers.ts; default
   * 0). */
  readonly analysers?: number;
  /** Rows of the anomaly-free run (default rowsPerFile). */
  readonly anomalyFreeRows?: number;
  /** Time of the anomaly-free run's first row (default 2024-01-01 00:00:00 UTC); each labelled run starts on a later
   * day. */
  readonly startMs?: number;
}

/** Rows a fault lasts at least, after its latest start. */
export const MIN_FAULT_ROWS = 100;
export const PLANT_LIMITS = {
  channels: [8, 120],
  samplePeriodMs: [1000, 86_400_000],
  rowsPerFile: [1, 100_000],
  files: [1, 1000],
  seed: [0, 0xffffffff],
  noiseScale: [0.01, 10],
} as const;

export interface ResolvedOptions extends Required<Omit<SyntheticPlantOptions, 'faultStartRows'>> {
  readonly faultStartRows: Range;
}

function check(name: string, value: number, [min, max]: Range, integer = true): void {
  if (!(value >= min && value <= max && (!integer || Number.isInteger(value)))) {
    throw new Error(
      `synthetic plant: ${name} ${value}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
    );
  }
}

export function resolveOptions(o: SyntheticPlantOptions): ResolvedOptions {
  const normalRows = o.normalRows ?? 400;
  check('normalRows', normalRows, [1, PLANT_LIMITS.rowsPerFile[1]]);
  const faultStartRows = o.faultStartRows ?? [normalRows + 20, normalRows + 100];
  check('faultStartRows[0]', faultStartRows[0], [normalRows, PLANT_LIMITS.rowsPerFile[1]]);
  check('faultStartRows[1]', faultStartRows[1], [faultStartRows[0], PLANT_LIMITS.rowsPerFile[1]]);
  for (const key of ['channels', 'samplePeriodMs', 'files', 'seed'] as const) check(key, o[key], PLANT_LIMITS[key]);
  check('rowsPerFile', o.rowsPerFile, [faultStartRows[1] + MIN_FAULT_ROWS, PLANT_LIMITS.rowsPerFile[1]]);
  if (o.samplePeriodMs % 1000 !== 0) {
    throw new Error(
      `synthetic plant: samplePeriodMs ${o.samplePeriodMs}: expected a multiple of 1000 (the CSV times have 1 s resolution)`,
    );
  }
  const noiseScale = o.noiseScale ?? 1;
  check('noiseScale', noiseScale, PLANT_LIMITS.noiseScale, false);
  const faultKinds = o.faultKinds ?? PLANT_FAULT_KINDS;
  if (faultKinds.length === 0 || faultKinds.some((k) => !PLANT_FAULT_KINDS.includes(k))) {
    throw new Error(
      `synthetic plant: faultKinds [${faultKinds.join(', ')}]: expected some of ${PLANT_FAULT_KINDS.join(', ')}`,
    );
  }
  const fractions = { recoveringFraction: o.recoveringFraction ?? 0.4, hardFraction: o.hardFraction ?? 0.15 };
  for (const [name, value] of Object.entries(fractions)) check(name, value, [0, 1], false);
  const anomalyFreeRows = o.anomalyFreeRows ?? o.rowsPerFile;
  check('anomalyFreeRows', anomalyFreeRows, [1, PLANT_LIMITS.rowsPerFile[1]]);
  return {
    ...o,
    ...fractions,
    normalRows,
    faultStartRows,
    noiseScale,
    faultKinds,
    anomalyFreeRows,
    analysers: o.analysers ?? 0,
    startMs: o.startMs ?? Date.UTC(2024, 0, 1),
  };
}
