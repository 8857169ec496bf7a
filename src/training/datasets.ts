/**
 * The training data of the shipped models, recorded from the line simulator (seeded, decoded
 * through the Modbus register map, so the models see what the gateway sees): the pump station's windows and rows, the
 * press's recording of parts.
 */
import { PUMP_UNITS, type PumpChannel } from '../sim/plant.js';
import type { TrainingSet } from './build-model.js';
import type { NormalData } from './fit-detector.js';
import { unitCell } from '../core/csv-units-row.js';
import { PRESS_UNIT_ID, SIM_REGISTERS } from '../sim/register-map.js';
import { PRESS_PERIOD_MS, pressRecordingCsv } from './press-dataset.js';
import { channelStats, recordPumpFromSimulator, slidingWindows } from './sim-recording.js';

export const MODEL_KINDS = ['pump', 'press'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The pump station's sample period, as the demo polls it. */
const PUMP_PERIOD_MS = 200;

/** Where a pump recording came from, for the manifest. */
const pumpSource = (seed: number, seconds: number): string =>
  `line simulator pump station, ${seconds} s of normal operation at ${PUMP_PERIOD_MS} ms, seed ${seed}, decoded through the Modbus register map`;

/** The pump station: 4 s sliding windows (20 rows × 7 channels at 200 ms). */
export function pumpTrainingSet(seed: number, trainSeconds = 1800, validationSeconds = 600): TrainingSet {
  const periodMs = PUMP_PERIOD_MS;
  const windowLength = 20;
  const train = recordPumpFromSimulator(seed, trainSeconds, periodMs);
  const validation = recordPumpFromSimulator(seed + 1000, validationSeconds, periodMs);
  const { mean, std } = channelStats(train);
  return {
    name: 'pump-ae',
    description:
      'Dense autoencoder over 4 s windows of the pump station (7 channels at 5 Hz), int8 QDQ; the graph normalises raw windows and outputs the score and per-channel errors.',
    data: pumpSource(seed, trainSeconds),
    channels: train.channels.map((name) => ({ name, unit: PUMP_UNITS[name as PumpChannel] })),
    windowLength,
    periodMs,
    hidden: [32, 6, 32],
    train: slidingWindows(train, windowLength, 2),
    validation: slidingWindows(validation, windowLength, 1),
    validationNote: `simulator seed ${seed + 1000}`,
    mean,
    std,
  };
}

/**
 * The pump station's normal operation as rows (7 channels at 200 ms), for the detectors that fit on rows rather than
 * on windows (hybrid, stats; fit-detector.ts): the same recording pumpTrainingSet cuts into windows.
 */
export function pumpNormalData(seed: number, name: string, trainSeconds = 1800): NormalData {
  const rec = recordPumpFromSimulator(seed, trainSeconds, PUMP_PERIOD_MS);
  return {
    ...rec,
    name,
    source: pumpSource(seed, trainSeconds),
    units: rec.channels.map((ch) => PUMP_UNITS[ch as PumpChannel]),
  };
}

/** Seconds of the simulator's press a press model is fitted on, its last quarter held out (`--train-s`). */
export const PRESS_TRAIN_S = 14_400;

/**
 * The press's normal parts as `train --csv` reads a recording of them: the simulator's press polled every 200 ms at
 * every phase of the cycle, its ticks at every phase too, decoded through the register map (pressRecordingCsv, as
 * `linewatch dataset --preset press` writes it, whose ticks are in phase with the cycle), for the part model's one
 * code path (fit-parts.ts: the gateway's cycle window cuts the parts, the mean curve, the budget of false rejects).
 * `file` names it in what the fit says and in the manifest; `periodMs` is the period its polls are made at
 * (`--period-ms`).
 */
export function pressRecording(
  seed: number,
  seconds = PRESS_TRAIN_S,
): { text: string; file: string; periodMs: number } {
  // The ticks at every phase, as the running simulator's: learnt in phase with each cycle's start only, the demo's
  // good parts failed where its ticks fell late in a cycle's first 100 ms (docs/detection-history.md, 2026-12-07).
  const text = pressRecordingCsv(seed, seconds, undefined, 'sliding').text;
  return {
    text: withUnitsRow(text),
    periodMs: PRESS_PERIOD_MS,
    file: `line simulator press (seed ${seed}, ${seconds} s polled every ${PRESS_PERIOD_MS} ms)`,
  };
}

/**
 * The recording with the units row `linewatch export` writes under its header (the register map's units: kN, mm), so
 * that the model records its channels' units as one trained on an export does (csv-units-row.ts).
 */
function withUnitsRow(text: string): string {
  const end = text.indexOf('\n');
  // Each unit written as export writes it (unitCell), so that the reader's units-row rule reads it back.
  const unitOf = (column: string) =>
    unitCell(SIM_REGISTERS.find((r) => r.unit === PRESS_UNIT_ID && r.name === column)?.unitOfMeasure ?? '') ?? '';
  const units = text
    .slice(0, end)
    .split(',')
    .map((column, i) => (i === 0 ? '' : unitOf(column)));
  return `${text.slice(0, end + 1)}${units.join(',')}\n${text.slice(end + 1)}`;
}
