/**
 * A small plant for detector tests: six channels driven by two shared AR(1) sources plus their own noise (seeded), in
 * the shape `fitDetector` takes. `adjust` may change a value (a fault), `extra` adds channels computed from each row.
 */
import { SeededRandom } from '../../src/core/random.js';
import { DEFAULT_TARGET, fitDetector, type DetectorArch, type NormalData } from '../../src/training/fit-detector.js';

export const PLANT_CHANNELS = ['flow', 'pressure', 'level', 'valve', 'speed', 'current'];

const WEIGHTS = [
  [1, 0.2],
  [0.8, -0.5],
  [0.3, 1],
  [0.9, 0.4],
  [-0.2, 0.9],
  [0.6, 0.6],
];

export interface ExtraChannel {
  readonly name: string;
  /** Its value on row t, given the six plant channels' values of that row. */
  readonly value: (t: number, plant: Float64Array) => number;
}

export function twoSourcePlant(
  options: {
    readonly adjust?: (t: number, channel: number, value: number) => number;
    readonly extra?: readonly ExtraChannel[];
  } = {},
) {
  const rng = new SeededRandom(11);
  const n = 800;
  const extra = options.extra ?? [];
  const c = PLANT_CHANNELS.length + extra.length;
  const rows = new Float64Array(n * c);
  const row = new Float64Array(PLANT_CHANNELS.length);
  let a = 0;
  let b = 0;
  for (let t = 0; t < n; t++) {
    a = 0.9 * a + Math.sqrt(1 - 0.81) * rng.normal();
    b = 0.8 * b + Math.sqrt(1 - 0.64) * rng.normal();
    for (let ch = 0; ch < PLANT_CHANNELS.length; ch++) {
      const value = 10 + WEIGHTS[ch][0] * a + WEIGHTS[ch][1] * b + 0.3 * rng.normal();
      row[ch] = options.adjust ? options.adjust(t, ch, value) : value;
    }
    rows.set(row, t * c);
    extra.forEach((e, j) => (rows[t * c + PLANT_CHANNELS.length + j] = e.value(t, row)));
  }
  const channels = [...PLANT_CHANNELS, ...extra.map((e) => e.name)];
  return { name: 'line', source: 'line.csv', channels, periodMs: 1000, rows, rowCount: n };
}

/** The plant with a seventh channel set exactly from `level`, as a P-only level controller sets its valve. */
export function plantWithPOnlyLoop() {
  const level = PLANT_CHANNELS.indexOf('level');
  return twoSourcePlant({ extra: [{ name: 'level_valve', value: (_, row) => 50 - 2.06 * row[level] }] });
}

/** The hybrid detector fitted on a plant as `train` fits it, at the default budget. */
export function fitHybrid(plant: ReturnType<typeof twoSourcePlant>) {
  return fitPlant(plant, 'hybrid');
}

/** A detector fitted on rows of normal operation (a plant, segments and all) as `train` fits it, at the default budget,
 * one epoch. */
export function fitPlant(data: NormalData, arch: DetectorArch) {
  return fitDetector(data, {
    arch,
    seed: 1,
    epochs: 1,
    validationFraction: 0.25,
    target: DEFAULT_TARGET,
    command: 'test',
    log: () => {},
  });
}
