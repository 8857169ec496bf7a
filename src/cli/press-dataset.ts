/**
 * `linewatch dataset --preset press`: a labelled data set of the simulated press's cycles for part models
 * (src/training/press-dataset.ts): labelled files, anomaly-free.csv and a README that says how to fit and measure.
 */
import { partLabels } from '../eval/part-metrics.js';
import { partResultsCsv } from '../eval/part-results.js';
import { csvParts } from '../training/csv-parts.js';
import {
  generatePressDataset,
  pressDatasetReadme,
  PRESS_PART_RESULTS,
  type PressDataset,
} from '../training/press-dataset.js';
import { integerFlag, writeDatasetFiles, type DatasetOptions } from './dataset-files.js';
import { partCutFlags } from './train-parts.js';
import { refuseGiven, UsageError } from './usage.js';

/**
 * The table a quality system would export for the labelled files: each part the gateway cuts (cycle_active,
 * part_counter, its default min/max samples), NOK where any of its rows is labelled, with its file (the part counter
 * starts again in each file).
 */
function pressPartResults(ds: PressDataset): string {
  const cut = partCutFlags({ cycleChannel: 'cycle_active', partIdChannel: 'part_counter' });
  return partResultsCsv(
    ds.files.flatMap((f) => {
      const parts = csvParts(f.text, f.name, { ...cut, windowLength: 2, labels: {} });
      const bad = partLabels(parts.rowSpans, parts.labels!);
      return parts.partIds.map((partId, i) => ({ file: `${f.name}.csv`, partId, bad: bad[i] }));
    }),
  );
}

export async function pressDatasetCommand(opts: DatasetOptions): Promise<number> {
  if (opts.out === undefined || opts.out.trim() === '')
    throw new UsageError('--out: expected the folder to write the data set into');
  refuseGiven(
    {
      '--channels': opts.channels,
      '--period-ms': opts.periodMs,
      '--rows': opts.rows,
      '--noise-scale': opts.noiseScale,
      '--faults': opts.faults,
      '--recovering': opts.recovering,
      '--analysers': opts.analysers,
    },
    "for the process and skab-like plants; the press preset records the line simulator's press as it is",
  );
  const o = {
    files: integerFlag('--files', opts.files, 8, [1, 100]),
    seed: integerFlag('--seed', opts.seed, 1, [0, 1e6]),
  };
  const ds = generatePressDataset(o);
  writeDatasetFiles(
    opts.out,
    new Map([
      ...ds.files.map((f): [string, string] => [`${f.name}.csv`, f.text]),
      ['anomaly-free.csv', ds.anomalyFree],
      [PRESS_PART_RESULTS, pressPartResults(ds)],
      ['README.md', pressDatasetReadme(ds, o)],
    ]),
  );
  process.stdout.write(
    `wrote ${ds.files.length} labelled files of press cycles, anomaly-free.csv, ${PRESS_PART_RESULTS} and README.md to ${opts.out}: ` +
      `200 ms, the first ${ds.trainRows} rows of each normal (eval --train-rows ${ds.trainRows} --cycle-channel cycle_active)\n`,
  );
  return 0;
}
