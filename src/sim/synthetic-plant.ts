/**
 * A synthetic continuous process plant (a much simplified Tennessee Eastman) that records labelled runs
 * in the SKAB CSV format, so the detector can be checked on other channel counts, rates, noise and faults.
 *
 * The model, in internal units (each recorded channel is then level + scale × value, its normal sd set to a
 * spread from about 0.003 to 30 engineering units):
 *  - a few latent disturbances (feed composition, ambient, ...): unit-variance AR(1), time constants 2 to 50 rows;
 *  - K PI loops: a first-order process x (gain G, time constant τ rows, one row of delay) plus a disturbance d
 *    (a mix of the latents) is the controlled variable y = x + d; an IMC-tuned PI controller moves its valve u
 *    (the manipulated variable, % open) to hold the measured y at set point, so a slow disturbance shows in u,
 *    not in y. Valves stay within 0–100 %;
 *  - every other channel measures one dominant latent and one minor one (random mixing: correlated channels),
 *    some also a valve's flow, plus white noise of its own; two drift in normal operation (a warm-up, an ageing).
 * Set point changes are not simulated: they are neither faults nor plain normal operation.
 * Time constants are in rows: the sample period only sets the timestamps. One fault per file (PLANT_FAULT_KINDS),
 * labelled anomaly=1 while active, changepoint=1 on its first row and on the first row after it (as SKAB does).
 * Pure and seeded: the same options give the same bytes.
 *
 * This module draws one data set from the parts in synthetic-plant/: the options (options.ts), the plant built from
 * its seed (build-plant.ts), its dynamics (dynamics.ts), the fault catalogue and plan (fault-kinds.ts,
 * fault-plan.ts) and the CSV and description recorded (recording.ts).
 */
import { SeededRandom } from '../core/random.js';
import { analyserChannels, heldReadings } from './sampled-analysers.js';
import { buildPlant } from './synthetic-plant/build-plant.js';
import { simulateRun } from './synthetic-plant/dynamics.js';
import { planFaults, type PlantFault } from './synthetic-plant/fault-plan.js';
import { resolveOptions, type SyntheticPlantOptions } from './synthetic-plant/options.js';
import { describePlant, toCsv, type PlantDescription } from './synthetic-plant/recording.js';
import { streamSeed } from './synthetic-plant/seeded-streams.js';

export { measuredChannelCount } from './synthetic-plant/build-plant.js';
export { PLANT_FAULT_KINDS, PLANT_FAULTS, type PlantFaultKind } from './synthetic-plant/fault-kinds.js';
export type { PlantFault } from './synthetic-plant/fault-plan.js';
export { MIN_FAULT_ROWS, PLANT_LIMITS, type SyntheticPlantOptions } from './synthetic-plant/options.js';
export type { PlantChannel, PlantDescription, PlantLoop } from './synthetic-plant/recording.js';

export interface SyntheticFile {
  readonly name: string;
  readonly csv: string;
  readonly fault: PlantFault;
  readonly anomalyRows: number;
  readonly changepoints: number;
}
export interface SyntheticPlantDataset {
  readonly plant: PlantDescription;
  readonly files: readonly SyntheticFile[];
  /** Normal operation only, no label columns (as SKAB's anomaly-free.csv). */
  readonly anomalyFree: string;
}

/**
 * One plant (from the seed), an anomaly-free run and `files` labelled runs of it, each with one fault.
 * Throws an Error naming the option when an option is out of range.
 */
export function generatePlantDataset(options: SyntheticPlantOptions): SyntheticPlantDataset {
  const o = resolveOptions(options);
  const plant = buildPlant(o.channels, o.noiseScale, o.seed);
  const measured = plant.channels.flatMap((c, j) => (c.role === 'measured' ? [j] : []));
  const analysers = analyserChannels(measured, o.analysers, o.samplePeriodMs);
  const recorded = (values: Float64Array, rows: number) => heldReadings(values, rows, plant.channels.length, analysers);
  const day = 86_400_000;
  const runSpan = Math.ceil((Math.max(o.rowsPerFile, o.anomalyFreeRows) * o.samplePeriodMs) / day) * day;
  const normal = recorded(
    simulateRun(plant, o.anomalyFreeRows, new SeededRandom(streamSeed(o.seed, 0))),
    o.anomalyFreeRows,
  );
  const files = planFaults(plant, o).map((run, i): SyntheticFile => {
    const values = recorded(
      simulateRun(plant, o.rowsPerFile, new SeededRandom(streamSeed(o.seed, i + 1)), run),
      o.rowsPerFile,
    );
    return {
      name: `${run.kind}-${i}`,
      csv: toCsv(plant, values, o.rowsPerFile, o.startMs + (i + 1) * runSpan, o.samplePeriodMs, run),
      fault: run.fault,
      anomalyRows: run.end - run.start,
      changepoints: run.end < o.rowsPerFile ? 2 : 1,
    };
  });
  return {
    plant: describePlant(plant, analysers),
    files,
    anomalyFree: toCsv(plant, normal, o.anomalyFreeRows, o.startMs, o.samplePeriodMs),
  };
}
