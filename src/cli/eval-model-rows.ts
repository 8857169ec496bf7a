/**
 * The rows a model folder was fitted on, as its manifest records them (`training.data`: "historian.csv: first 572
 * rows: …", what `train --csv --train-rows` writes), matched to a file `eval --model` scores (pure): the same file
 * (the path the manifest names ends the file's path) with rows after those, so eval leaves them out of the metrics
 * by default instead of counting rows the model learnt as normal.
 */
import { normalize, resolve, sep } from 'node:path';

export interface ModelTrainingRows {
  /** The first rows of the file the model was fitted on. */
  readonly rows: number;
  /** The manifest's words for them (its training.data up to the row count). */
  readonly recorded: string;
}

/** Whether `file` (as eval reads it) is the file `recorded` names (as train was given it, relative to where it ran). */
export function isRecordedFile(file: string, recorded: string): boolean {
  const full = resolve(file);
  if (full === resolve(recorded)) return true;
  const tail = normalize(recorded)
    .split(sep)
    .filter((part) => part !== '..' && part !== '.' && part !== '')
    .join(sep);
  return tail !== '' && full.endsWith(`${sep}${tail}`);
}

/**
 * The first rows of `file` the model was fitted on, where its manifest's `training` record names that file's first N
 * rows and the file has more than N; undefined for another file, a model fitted on a whole file or on the simulator.
 */
export function modelTrainingRows(
  training: Readonly<Record<string, unknown>>,
  file: string,
  rowCount: number,
): ModelTrainingRows | undefined {
  const data = training.data;
  if (typeof data !== 'string') return undefined;
  const m = /^(.+?): first (\d+) rows/.exec(data);
  if (!m) return undefined;
  const rows = Number(m[2]);
  if (!isRecordedFile(file, m[1]) || !(rows > 0 && rows < rowCount)) return undefined;
  return { rows, recorded: m[0] };
}
