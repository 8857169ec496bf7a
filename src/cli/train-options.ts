/**
 * What `linewatch train` and the part models' commands share: the flags as commander hands them over, and the helpers
 * that read them (the model's name, pruning, conv filters, the --csv file) and write a trained model's report page.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { nameSchema } from '../core/config-primitives.js';
import { readCsvText } from '../core/csv-file.js';
import { modelFilesOf, targetOfRecord, type FittedModel } from '../training/build-model.js';
import { targetText } from '../training/alarm-calibration.js';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../inference/manifest.js';
import { writeReport } from '../report/render-report.js';
import { fittedModelReport } from '../report/report-data.js';
import { wholeNumber, type DetectorFlags } from './detector-flags.js';
import { fileErrorText } from '../core/errors.js';
import { UsageError } from './usage.js';

export interface PartFlags {
  cycleChannel?: string;
  cycleTrigger?: string;
  partIdChannel?: string;
  minSamples?: string;
  partsPerDay?: string;
  maxSamples?: string;
  /** A quality system's table of part results (part id, OK/NOK): its NOK parts are not learned from. */
  partLabels?: string;
  /** --warm-up: skip (default) or learn a recording's warm-up parts. */
  warmUp?: string;
  /** --max-sample-age-ms: the asset's window hold the parts are cut at (default: the window's, 5000). */
  maxSampleAgeMs?: string;
}

export interface TrainOptions extends DetectorFlags, PartFlags {
  model: string;
  trainS?: string;
  out: string;
  csv?: string;
  channels?: string;
  trainRows?: string;
  window?: string;
  hop: string;
  periodMs?: string;
  maxSampleAgeMs?: string;
  /** Learn only the rows where the machine runs (running-condition.ts). */
  runningWhen?: string;
  /** The settle time after a restart (restart-settle.ts); estimated from the training rows where not given. */
  runningSettleMs?: string;
  hidden: string;
  filters: string;
  name?: string;
  modelVersion?: string;
  prune?: string;
  report?: string;
  force?: boolean;
  /** --labels: refuse (default) or ignore rows the CSV's anomaly column labels anomalous among the rows to train on. */
  labels?: string;
}

export function filtersOf(opts: Pick<TrainOptions, 'filters'>): [number, number] {
  const filters = opts.filters.split(',').map((f) => wholeNumber('filters', f.trim()));
  if (filters.length !== 2) throw new UsageError(`--filters ${opts.filters}: expected two channel counts, e.g. 16,8`);
  return [filters[0], filters[1]];
}

export function pruneOf(opts: TrainOptions, arch: string): number | undefined {
  if (opts.prune !== undefined && (arch === 'hybrid' || arch === 'stats'))
    throw new UsageError(
      `--prune ${opts.prune}: the ${arch} detector has no hidden units or conv channels to prune; --prune is for dense and conv1d`,
    );
  const prune = opts.prune === undefined ? undefined : Number(opts.prune);
  if (prune !== undefined && !(prune > 0 && prune < 1))
    throw new UsageError(`--prune ${opts.prune}: expected a fraction between 0 and 1 (e.g. 0.5)`);
  return prune;
}

/**
 * `--report DIR`: the fitted model's loss curve (where it has one) and the distribution of the normal scores it was
 * calibrated on, as a page; `notes`: what train said of the model (trainingNotes' lines), shown above the charts.
 */
export async function writeTrainReport(
  dir: string,
  fitted: FittedModel,
  title: string,
  notes: readonly string[] = [],
): Promise<void> {
  const s = fitted.manifest.score;
  const page = await writeReport(dir, {
    title: `linewatch train: ${title}`,
    summary: {
      // The kind of model; how it works is told, folded, under the section's plain sentences.
      architecture: String(fitted.manifest.training.architecture).split(/[:;]/)[0],
      threshold: s.threshold.toFixed(3),
      'off threshold': s.off_threshold?.toFixed(3) ?? 'n/a',
      target: s.target ? targetText(targetOfRecord(s.target)) : 'n/a',
    },
    training: [
      {
        ...fittedModelReport(`${fitted.manifest.name}: ${fitted.scoresAre ?? 'held-out normal windows'}`, fitted),
        ...(notes.length > 0 ? { notes: notes.map((n) => n.replace(/^note: /, '')) } : {}),
      },
    ],
  });
  process.stderr.write(`report written to ${page}\n`);
}

/** Folder names that say only that a model is in them: no name for one. */
const GENERIC_FOLDERS = new Set(['model', 'models', 'out', 'output']);

/**
 * The name of a model trained from a CSV without `--name`: the `--out` folder's own name where it is a valid name (a
 * model in `models/pump-2` is `pump-2`), so two models trained for two assets are told apart in validate, /api/status
 * and InfluxDB's tags (all were csv-hybrid); else, and for a folder named only `model`, `out`..., `fallback`. Pure.
 */
export function outFolderName(out: string, fallback: string): string {
  const folder = basename(resolve(out));
  const named = folder.length <= 128 && nameSchema.safeParse(folder).success;
  return named && !GENERIC_FOLDERS.has(folder.toLowerCase()) ? folder : fallback;
}

/** `--name`, where given: not blank (a manifest needs a name). */
export function nameOf(opts: TrainOptions, fallback: string): string {
  if (opts.name === undefined) return fallback;
  if (opts.name.trim() === '') throw new UsageError('--name: expected a model name, not a blank one');
  return opts.name;
}

/** `--model-version`, where given: not blank (a release is told apart from the model it replaces by its version). */
export function modelVersionOf(opts: TrainOptions): string | undefined {
  if (opts.modelVersion === undefined) return undefined;
  if (opts.modelVersion.trim() === '')
    throw new UsageError('--model-version: expected a version (1.1.0, 2026-12-05), not a blank one');
  return opts.modelVersion.trim();
}

/** The text of the CSV that --csv names; a file that cannot be read is named with the reason (ENOENT, EACCES). */
export function csvFlagText(csv: string): string {
  try {
    return readCsvText(csv);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code ? new UsageError(`--csv ${csv}: ${fileErrorText(err) ?? code}`) : err;
  }
}

/** Entries of a folder that are not files of anyone's (a volume's lost+found, a .gitkeep). */
const IGNORED = (name: string) => name.startsWith('.') || name === 'lost+found';

/**
 * `--out`, checked before training, not after: a new or empty folder, or with --force a model folder to replace.
 * train never replaces a model a gateway may be running unasked, nor writes a model among other files, nor removes
 * any: --force replaces only the folder's model (its manifest, signature and graphs, and their .partial leftovers).
 */
export async function checkOut(opts: Pick<TrainOptions, 'out' | 'force'>): Promise<void> {
  const out = resolve(opts.out);
  const st = await stat(out).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) throw new UsageError(`--out ${out}: exists and is not a folder`);
  const files = (await readdir(out)).filter((f) => !IGNORED(f));
  if (files.length === 0) return;
  const listed = (names: readonly string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  if (!files.includes(MANIFEST_FILE))
    throw new UsageError(
      `--out ${out}: a folder with other files in it (${listed(files)}); name a new or empty folder for the model`,
    );
  if (opts.force !== true)
    throw new UsageError(
      `--out ${out}: holds a model already (manifest.json); name a new folder, or add --force to replace that model`,
    );
  const own = [MANIFEST_FILE, SIGNATURE_FILE, ...(await modelFilesOf(out))];
  const others = files.filter((f) => !own.includes(f) && !own.some((o) => f === `${o}.partial`));
  if (others.length > 0)
    throw new UsageError(
      `--out ${out}: holds other files beside its model (${listed(others)}); --force replaces a model, never other ` +
        'files: move them out, or name a new folder',
    );
}
