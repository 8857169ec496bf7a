/**
 * `linewatch dataset`: writes a synthetic process-plant data set (src/sim/synthetic-plant.ts) for `linewatch eval`:
 * one labelled SKAB-format CSV per fault (`<kind>-<i>.csv`), `anomaly-free.csv` (normal operation, no labels) and a
 * README.md describing the plant, the options and the seed. Every bad option is refused with an Error naming the flag.
 *
 * Wiring in src/cli/main.ts (the lines to add):
 *   program
 *     .command('dataset')
 * .description('write a synthetic process-plant data set (labelled SKAB-format CSVs, anomaly-free.csv, README.md)
 * for linewatch eval')
 * .requiredOption('--out <dir>', 'folder to write into (created if missing; refused if it holds files of another
 * data set)')
 * .option('--preset <name>', 'process (TEP-like: 52 channels, 180000 ms, 960 rows, 21 files) or skab-like (8, 1000
 * ms, 1100 rows, 16 files)', 'process')
 *     .option('--channels <n>', 'recorded channels, valves included, 8 to 120 (default: the preset\'s)')
 *     .option('--period-ms <n>', 'sample period in ms, a multiple of 1000 (default: the preset\'s)')
 * .option('--rows <n>', 'rows per labelled file, 600 to 100000; faults start at rows 420-500 (default: the
 * preset\'s)')
 *     .option('--files <n>', 'labelled files, one fault each, 1 to 1000 (default: the preset\'s)')
 *     .option('--seed <n>', 'random seed of the plant, its runs and its faults', '1')
 *     .option('--noise-scale <x>', 'multiplies every channel\'s measurement noise, 0.01 to 10', '1')
 *     .option('--faults <kinds>', 'fault kinds taken in turn, comma-separated (default: all)')
 *     .option('--recovering <share>', 'share of files whose fault ends before the file does, 0 to 1', '0.4')
 *     .option('--analysers <n>', 'measured channels recorded as sampled analysers', '0')
 *     .action(wrap((opts) => datasetCommand(opts)));
 */
import {
  generatePlantDataset,
  measuredChannelCount,
  MIN_FAULT_ROWS,
  PLANT_FAULT_KINDS,
  PLANT_FAULTS,
  PLANT_LIMITS,
  type PlantFaultKind,
  type SyntheticPlantDataset,
  type SyntheticPlantOptions,
} from '../sim/synthetic-plant.js';
import { pressDatasetCommand } from './press-dataset.js';
import { integerFlag, writeDatasetFiles, type DatasetOptions } from './dataset-files.js';
export type { DatasetOptions } from './dataset-files.js';
import { UsageError } from './usage.js';

export const DATASET_PRESETS = {
  process: { channels: 52, samplePeriodMs: 180_000, rowsPerFile: 960, files: 21 },
  'skab-like': { channels: 8, samplePeriodMs: 1000, rowsPerFile: 1100, files: 16 },
} as const;

/** Rows at the start of every file that are normal, and the latest row a fault starts on. */
const NORMAL_ROWS = 400;
const LAST_FAULT_START = NORMAL_ROWS + 100;

/** A decimal flag within [min, max] (`what` says what kind of number, for the error). */
function decimalFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  [min, max]: readonly [number, number],
  what: string,
): number {
  if (raw === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} ${raw}: expected ${what} from ${min} to ${max}`);
  return value;
}

/** The flags as generator options (preset values unless a flag says otherwise), or an Error naming the first bad flag.
 * */
export function parseDatasetOptions(opts: DatasetOptions): SyntheticPlantOptions & { out: string } {
  if (opts.out === undefined || opts.out.trim() === '')
    throw new UsageError('--out: expected the folder to write the data set into');
  const presetName = opts.preset ?? 'process';
  if (!Object.hasOwn(DATASET_PRESETS, presetName))
    throw new UsageError(`--preset ${presetName}: expected ${[...Object.keys(DATASET_PRESETS), 'press'].join(', ')}`);
  const preset = DATASET_PRESETS[presetName as keyof typeof DATASET_PRESETS];
  const samplePeriodMs = integerFlag('--period-ms', opts.periodMs, preset.samplePeriodMs, PLANT_LIMITS.samplePeriodMs);
  if (samplePeriodMs % 1000 !== 0)
    throw new UsageError(
      `--period-ms ${opts.periodMs}: expected a multiple of 1000 (the CSV times have 1 s resolution)`,
    );
  const noiseScale = decimalFlag('--noise-scale', opts.noiseScale, 1, PLANT_LIMITS.noiseScale, 'a number');
  const faultKinds = opts.faults === undefined ? [...PLANT_FAULT_KINDS] : opts.faults.split(',').map((k) => k.trim());
  const unknown = faultKinds.filter((k) => !(PLANT_FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || faultKinds.length === 0) {
    const named = unknown.map((k) => `"${k}"`).join(', ');
    throw new UsageError(
      `--faults ${opts.faults}: unknown kind ${named}; expected a comma-separated list of ${PLANT_FAULT_KINDS.join(', ')}`,
    );
  }
  const recovering = decimalFlag('--recovering', opts.recovering, 0.4, [0, 1], 'a share');
  const minRows = LAST_FAULT_START + MIN_FAULT_ROWS;
  const rowsNote = ` (faults start by row ${LAST_FAULT_START} and last at least ${MIN_FAULT_ROWS} rows)`;
  const channels = integerFlag('--channels', opts.channels, preset.channels, PLANT_LIMITS.channels);
  const analysers = integerFlag('--analysers', opts.analysers, 0, [0, PLANT_LIMITS.channels[1]]);
  const measured = measuredChannelCount(channels);
  if (analysers > measured)
    throw new UsageError(
      `--analysers ${opts.analysers}: expected a whole number from 0 to ${measured} (the plant's measured channels)`,
    );
  return {
    out: opts.out,
    channels,
    samplePeriodMs,
    rowsPerFile: integerFlag('--rows', opts.rows, preset.rowsPerFile, [minRows, PLANT_LIMITS.rowsPerFile[1]], rowsNote),
    files: integerFlag('--files', opts.files, preset.files, PLANT_LIMITS.files),
    seed: integerFlag('--seed', opts.seed, 1, PLANT_LIMITS.seed),
    noiseScale,
    faultKinds: faultKinds as PlantFaultKind[],
    normalRows: NORMAL_ROWS,
    faultStartRows: [NORMAL_ROWS + 20, LAST_FAULT_START],
    recoveringFraction: recovering,
    analysers,
  };
}

const ANOMALY_FREE = 'anomaly-free.csv';
const README = 'README.md';

const range = ([low, high]: readonly [number, number]): string => (low === high ? `${low}` : `${low}–${high}`);

/** The data set's README: how it was made, the plant, and each file's fault. */
export function datasetReadme(ds: SyntheticPlantDataset, o: SyntheticPlantOptions): string {
  const { plant } = ds;
  const rows = ds.files.length * o.rowsPerFile;
  const anomalous = ds.files.reduce((n, f) => n + f.anomalyRows, 0);
  const kinds = o.faultKinds ?? PLANT_FAULT_KINDS;
  const normalRows = o.normalRows ?? NORMAL_ROWS;
  const latents = plant.latentTimeConstantsRows;
  return [
    '# Synthetic process-plant data set',
    '',
    `Written by \`linewatch dataset\` (src/sim/synthetic-plant.ts): seed ${o.seed}, ${o.channels} channels, one sample every ${o.samplePeriodMs} ms,`,
    `${o.files} labelled files of ${o.rowsPerFile} rows, noise scale ${o.noiseScale ?? 1}, a share of ${o.recoveringFraction ?? 0.4} of the faults ending before their file does. The same options give the same bytes.`,
    '',
    'Files use the SKAB format (`;`-separated, `datetime` in UTC, labels `0.0`/`1.0`): `anomaly` is 1 while the fault is active,',
    '`changepoint` is 1 on its first row and on the first row after it. `anomaly-free.csv` is normal operation, without label columns.',
    `Rows 0–${normalRows - 1} of every labelled file are normal operation: fit on them (\`linewatch eval --data DIR --train-rows ${normalRows}\`).`,
    `Of all labelled rows, ${anomalous} of ${rows} (${((100 * anomalous) / rows).toFixed(1)} %) are anomalous.`,
    '',
    '## The plant',
    '',
    `${latents.length} latent disturbances, AR(1) with time constants ${latents.join(', ')} rows, drive the channels`,
    'through a random mixing matrix (each channel: one dominant latent, one minor one, its own noise). Each PI loop holds its',
    'controlled variable (CV, a first-order process with one row of delay plus a disturbance) at set point by moving its valve (MV, %),',
    'so a slow disturbance shows in the valve, not in the CV. Two channels drift in normal operation: a warm-up (settling with a time',
    'constant of a quarter of the file) and an ageing (linear across the file), each by 4–6 normal sds. Time constants are in rows.',
    '',
    ...analyserLines(plant.channels, o.samplePeriodMs),
    '| channel | unit | role | level | normal sd | drift |',
    '|---|---|---|---:|---:|---|',
    ...plant.channels.map((c) => `| ${c.name} | ${c.unit} | ${c.role} | ${c.level} | ${c.spread} | ${c.drift ?? ''} |`),
    '',
    '| CV | valve | process gain | time constant (rows) | Kc | Ti (rows) |',
    '|---|---|---:|---:|---:|---:|',
    ...plant.loops.map((l) => `| ${l.cv} | ${l.mv} | ${l.gain} | ${l.timeConstantRows} | ${l.kc} | ${l.tiRows} |`),
    '',
    '## Faults',
    '',
    ...kinds.map(
      (k) =>
        `- **${k}**: ${PLANT_FAULTS[k].does}; magnitude ${range(PLANT_FAULTS[k].normal)} (hard: ${range(PLANT_FAULTS[k].hard)}).`,
    ),
    '',
    '| file | kind | target | magnitude | hard | start row | end row | anomalous rows |',
    '|---|---|---|---:|---|---:|---:|---:|',
    ...ds.files.map((f) => {
      const x = f.fault;
      const cells = [
        `${f.name}.csv`,
        x.kind,
        x.target,
        x.magnitude,
        x.hard ? 'yes' : '',
        x.startRow,
        x.endRow ?? 'end of file',
        f.anomalyRows,
      ];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
  ].join('\n');
}

/** The README's paragraph on the sampled analysers (none: no lines). */
function analyserLines(channels: SyntheticPlantDataset['plant']['channels'], samplePeriodMs: number): string[] {
  const held = channels.filter((c) => c.heldRows !== undefined);
  if (held.length === 0) return [];
  const named = held.map((c) => `${c.name} (${c.heldRows})`).join(', ');
  return [
    `${held.length} measured channels are sampled analysers: each repeats its reading for the rows in brackets (of ${samplePeriodMs} ms),`,
    `from row 0 of every file, until its analyser reports again: ${named}.`,
    '',
  ];
}

/** Generates the data set and writes it to `--out`; prints one summary line. */
export async function datasetCommand(opts: DatasetOptions): Promise<number> {
  if (opts.preset === 'press') return pressDatasetCommand(opts);
  const { out, ...options } = parseDatasetOptions(opts);
  const ds = generatePlantDataset(options);
  writeDatasetFiles(
    out,
    new Map([
      ...ds.files.map((f): [string, string] => [`${f.name}.csv`, f.csv]),
      [ANOMALY_FREE, ds.anomalyFree],
      [README, datasetReadme(ds, options)],
    ]),
  );
  const rows = ds.files.length * options.rowsPerFile;
  const anomalous = ds.files.reduce((n, f) => n + f.anomalyRows, 0);
  process.stdout.write(
    `wrote ${ds.files.length} labelled files, ${ANOMALY_FREE} and ${README} to ${out}: ${options.channels} channels, ` +
      `${options.samplePeriodMs} ms, ${options.rowsPerFile} rows each, ${((100 * anomalous) / rows).toFixed(1)} % of labelled rows anomalous\n`,
  );
  return 0;
}
