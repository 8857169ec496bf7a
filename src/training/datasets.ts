/**
 * The training sets of the shipped models, recorded from the line simulator (seeded, decoded
 * through the Modbus register map, so the models see what the gateway sees).
 */
import { PUMP_UNITS, type PumpChannel } from '../sim/plant.js';
import type { TrainingSet } from './build-model.js';
import type { NormalData } from './fit-detector.js';
import {
  channelStats,
  PRESS_CHANNELS,
  recordPressCycles,
  recordPumpFromSimulator,
  slidingWindows,
  windowStats,
} from './sim-recording.js';

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

/** The press: one window per part (force and position curves), resampled to 24 points. */
export function pressTrainingSet(seed: number, trainSeconds = 14_400, validationSeconds = 3600): TrainingSet {
  const periodMs = 200;
  const windowLength = 24;
  const train = recordPressCycles(seed, trainSeconds, periodMs, windowLength);
  const validation = recordPressCycles(seed + 1000, validationSeconds, periodMs, windowLength);
  const { mean, std } = windowStats(train, PRESS_CHANNELS.length);
  return {
    name: 'press-ae',
    description:
      "Dense autoencoder over each part's press-fit curves (force and position, resampled to 24 points per cycle), int8 QDQ; a part passes when its score is below the threshold.",
    data: `line simulator press, ${train.length} normal parts (${trainSeconds} s polled every ${periodMs} ms at every phase of the cycle), seed ${seed}, cycles cut by status bit 0 and resampled by the gateway's cycle window`,
    channels: [
      { name: 'force', unit: 'kN' },
      { name: 'position', unit: 'mm' },
    ],
    windowLength,
    periodMs,
    hidden: [16, 4, 16],
    train,
    validation,
    validationNote: `${validation.length} parts, simulator seed ${seed + 1000}`,
    mean,
    std,
  };
}

export function trainingSet(kind: ModelKind, seed: number, trainSeconds?: number): TrainingSet {
  return kind === 'pump' ? pumpTrainingSet(seed, trainSeconds) : pressTrainingSet(seed, trainSeconds);
}
