/**
 * A part model of 20 minutes of the simulated press's good parts (199, data seed 31), a quarter held out, fitted as
 * `train --cycle-channel` fits one (a small dense autoencoder, 20 epochs, seed 7): seconds to fit, and its threshold
 * and floor on the points read (score.min_read_points) found on its own held-out parts.
 */
import { fitPartModel } from '../../src/training/fit-parts.js';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';

export const PRESS_CUT = {
  cycleChannel: 'cycle_active',
  trigger: 'flag',
  partIdChannel: 'part_counter',
  minRows: 5,
  maxRows: 10000,
} as const;

export function fitPressParts() {
  return fitPartModel(pressRecordingCsv(31, 1200).text, 'press.csv', {
    cut: PRESS_CUT,
    name: 'press',
    windowLength: 32,
    arch: 'dense',
    hidden: [32, 6, 32],
    validationFraction: 0.25,
    seed: 7,
    epochs: 20,
    target: { falseAlarmsPerDay: 1 },
    command: 'test',
    log: () => {},
  });
}
