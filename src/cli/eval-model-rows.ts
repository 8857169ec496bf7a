/**
 * The rows a model folder was fitted on, as its manifest records them (`training.data`), matched to a file `eval
 * --model` scores (pure). `train --csv --train-rows N` writes "historian.csv: first 572 rows: …": with more rows in
 * the file, eval leaves those out of the metrics by default instead of counting rows the model learnt as normal. Every
 * other record that names the file (the whole file, as `train` without --train-rows writes it; a part model's parts;
 * first rows that are all the file holds) leaves eval no rows it can tell apart: it says so and scores them all.
 */
import { normalize, resolve, sep } from 'node:path';

export interface ModelTrainingRows {
  /** The first rows of the file the model was fitted on; undefined where the record does not tell rows to leave out. */
  readonly rows?: number;
  /** The manifest's words for them (its training.data: up to the row count, or whole where no rows are told). */
  readonly recorded: string;
  /** Where `rows` is undefined: what the model was fitted on and why every row is scored, for a person ("the model M
   * was fitted on …"). */
  readonly scoredAll?: string;
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
 * The length of the path `data` starts with where it names `file`: the record's path runs up to a ": " or " (" (a
 * rename, a column left out), and may hold either itself, so each place is tried; undefined where none names it.
 */
function recordedPathEnd(data: string, file: string): number | undefined {
  for (const m of data.matchAll(/: | \(/g)) if (isRecordedFile(file, data.slice(0, m.index))) return m.index;
  return undefined;
}

/**
 * The first rows of `file` the model was fitted on, where its manifest's `training` record names that file's first N
 * rows and the file has more than N; `scoredAll` (rows undefined) where the record names the file but no rows that
 * leave any to score; undefined for another file, or a model fitted on the simulator.
 */
export function modelTrainingRows(
  training: Readonly<Record<string, unknown>>,
  file: string,
  rowCount: number,
): ModelTrainingRows | undefined {
  const data = training.data;
  if (typeof data !== 'string') return undefined;
  const end = recordedPathEnd(data, file);
  if (end === undefined) return undefined;
  const first = /^: first (\d+) rows/.exec(data.slice(end));
  if (first) {
    const rows = Number(first[1]);
    const recorded = data.slice(0, end + first[0].length);
    if (rows < rowCount) return { rows, recorded };
    return {
      recorded,
      scoredAll: `its first ${rows} rows, and the file has ${rowCount} (its manifest: "${recorded}"): every row trained the model; scoring all`,
    };
  }
  const fittedOn = /^: \d+ parts /.test(data.slice(end))
    ? 'its parts, which its manifest records without the rows they were cut from'
    : 'the whole file as it was then, without --train-rows';
  return {
    recorded: data,
    scoredAll: `${fittedOn} (its manifest: "${data}"): cannot tell which rows trained the model; scoring all`,
  };
}

/** `model_training_rows` in eval's JSON: the rows left out, or `rows: null` and why every row was scored. */
export function modelTrainingRowsJson(own: ModelTrainingRows): Record<string, unknown> {
  return own.rows !== undefined
    ? { rows: own.rows, manifest: own.recorded }
    : { rows: null, manifest: own.recorded, scored_all: own.scoredAll };
}

/** What eval says on stderr where it scores every row of the file a model was fitted on (`own.scoredAll` given). */
export function scoredAllText(file: string, model: string, own: ModelTrainingRows): string {
  return `${file}: the model ${model} was fitted on ${own.scoredAll}; --train-rows N leaves the first N rows out\n`;
}

/**
 * With --model and no --train-rows, the first rows of `file` the model was fitted on (its manifest names this file's
 * first N rows), with what to say on stderr: where the file is all --data holds (`alone`), `left` (eval leaves them
 * out of the metrics); in a folder of files, said only (the figures count them; the file alone leaves them out). A
 * record that names the file but no rows that leave any to score (the whole file, all its rows) is said, and `left`
 * without rows where alone: every row is scored.
 */
export function ownTrainingRows(
  model: string,
  training: Readonly<Record<string, unknown>>,
  file: string,
  rowCount: number,
  alone: boolean,
): { readonly left?: ModelTrainingRows; readonly said: string } | undefined {
  const own = modelTrainingRows(training, file, rowCount);
  if (!own) return undefined;
  if (own.rows === undefined) return { ...(alone ? { left: own } : {}), said: scoredAllText(file, model, own) };
  const said = `${file}: its first ${own.rows} rows are the ones the model ${model} was fitted on (its manifest: "${own.recorded}")`;
  return alone
    ? { left: own, said: `${said}: left out of the metrics; --train-rows 0 scores every row\n` }
    : { said: `${said}: counted in these figures; eval --data ${file} alone leaves them out\n` };
}
