/**
 * A quality system's part results (pure): the table an end-of-line tester, a CMM or a MES exports, one row per part
 * with its id and OK or NOK, read as the labels of a part model's parts (eval --part-labels) and as the parts to leave
 * out of its training (train --part-labels). A part is matched by its id, the value of the recording's part id
 * channel; where the table has a file column, by the recording and the id (part counters that start again in each
 * recording). Every problem names the table, the line and the cell.
 */
import { csvRecords } from '../core/csv-records.js';
import { partKey } from '../core/part-id.js';

export { partKey } from '../core/part-id.js';

/**
 * What a result cell says, in the words quality systems write, compared in lower case without dots and spaces (i.O.,
 * n.i.O. and n.i.O read as io and nio).
 */
const GOOD_WORDS = new Set(['ok', 'io', 'pass', 'passed', 'good', 'accept', 'accepted', 'p']);
const BAD_WORDS = new Set([
  'nok',
  'nio',
  'fail',
  'failed',
  'bad',
  'reject',
  'rejected',
  'scrap',
  'ng',
  'defect',
  'defective',
  'f',
]);

/**
 * Column names of a part's id, its result and its recording, compared without case, spaces, `_`, `-` and `.`, the
 * first in each list that the table has taken (a MES export with `Serial Number` and a row `ID`: the serial number;
 * with `Result` and `Status`: the result). Not `part` or `part number`: in a MES export that is the article, the same
 * for every part.
 */
const ID_NAMES = ['partid', 'serialnumber', 'serial', 'serialno', 'serialnr', 'seriennummer', 'sn', 'id'];
const RESULT_NAMES = [
  'result',
  'verdict',
  'ergebnis',
  'prüfergebnis',
  'pruefergebnis',
  'judgement',
  'judgment',
  'outcome',
  'bewertung',
  'status',
  'quality',
  'ok',
  'nok',
  'anomaly',
  'label',
];
const FILE_NAMES = ['file', 'filename', 'recording', 'datei', 'dateiname'];
/** A 1 in a column of this name means the part is bad; in `ok`, that it is good; elsewhere a 0 or 1 is refused. */
const ONE_IS_BAD = new Set(['nok', 'anomaly', 'bad', 'defect', 'reject', 'scrap', 'label']);
const ONE_IS_GOOD = new Set(['ok', 'good', 'pass']);

const bare = (name: string) => name.toLowerCase().replace(/[\s_.-]/g, '');

export interface PartResults {
  readonly table: string;
  readonly idColumn: string;
  readonly resultColumn: string;
  /** The recordings the file column names (recordingName), where the table has one. */
  readonly files?: ReadonlySet<string>;
  /** Bad (true) or good, by `resultKey`. */
  readonly bad: ReadonlyMap<string, boolean>;
  /** Rows with an empty result (a part not tested): not labels. */
  readonly untested: number;
}

/** A recording's path as a file column may write it: `/` between folders, no `./`, no .csv, .tsv or .txt. */
export function recordingName(recording: string): string {
  return recording
    .trim()
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\.(csv|tsv|txt)$/i, '');
}

/**
 * The recording the table's file column names `path` by (a recording's full path): the same path, or one ending in
 * the other at a folder (`line1/rec.csv` and `rec.csv` for `/data/line1/rec.csv`); the longest where several do, so
 * that `line1/rec.csv` is taken over `rec.csv`, and `line2/rec.csv` never fits. Undefined where none does.
 */
export function recordingOf(results: PartResults, path: string): string | undefined {
  const r = recordingName(path);
  let best: string | undefined;
  for (const f of results.files ?? []) {
    if (f === r || r.endsWith(`/${f}`) || f.endsWith(`/${r}`))
      if (best === undefined || f.length > best.length) best = f;
  }
  return best;
}

/** The key of a part's result: its id, and where the table has a file column, the recording (recordingOf). */
export function resultKey(recording: string | undefined, partId: string): string {
  return recording === undefined ? partKey(partId) : `${recording}\u0000${partKey(partId)}`;
}

/** A part's result (true: bad, false: good), by its recording (recordingOf, where a file column names it) and id. */
export function resultOf(results: PartResults, recording: string | undefined, partId: string): boolean | undefined {
  return results.bad.get(resultKey(recording, partId));
}

/** A key as a person reads it: `file part` or `part`. */
export function keyText(key: string): string {
  return key.split('\u0000').join(' ');
}

/** The column of the first of `names` the header has; -2 where two columns have that name, -1 where none has one. */
function columnNamed(header: readonly string[], names: readonly string[]): number {
  for (const name of names) {
    const found = header.flatMap((h, i) => (bare(h) === name ? [i] : []));
    if (found.length > 0) return found.length === 1 ? found[0] : -2;
  }
  return -1;
}

/**
 * A table's part id and result columns (columnNamed's -2 or -1 where there is none): the id column is `idColumn` where
 * the header has it, else the first usual name; the result column is another one. No result column without an id.
 */
function resultsColumns(header: readonly string[], idColumn?: string): { idAt: number; resultAt: number } {
  const idAt =
    idColumn !== undefined && header.includes(idColumn) ? header.indexOf(idColumn) : columnNamed(header, ID_NAMES);
  const resultAt =
    idAt < 0
      ? -1
      : columnNamed(
          header.map((h, i) => (i === idAt ? '' : h)),
          RESULT_NAMES,
        );
  return { idAt, resultAt };
}

/** Whether a CSV header is a part results table's: a column of part ids and one of results, by their usual names. */
export function isPartResultsHeader(header: readonly string[]): boolean {
  const { idAt, resultAt } = resultsColumns(header);
  return idAt >= 0 && resultAt >= 0;
}

/** Whether a result cell says bad (true), good (false), or neither (undefined), given its column's name. */
function verdictOf(cell: string, column: string): boolean | undefined {
  const word = cell.toLowerCase().replace(/[.\s]/g, '');
  if (GOOD_WORDS.has(word)) return false;
  if (BAD_WORDS.has(word)) return true;
  const polarity = bare(column);
  if ((word === '0' || word === '1') && (ONE_IS_BAD.has(polarity) || ONE_IS_GOOD.has(polarity)))
    return (word === '1') === ONE_IS_BAD.has(polarity);
  return undefined;
}

/**
 * Reads a part results table. `idColumn`: the recording's part id channel, taken as the column of part ids where the
 * table has a column of that name; else one of the usual names (part_id, serial, id, …).
 */
export function parsePartResults(text: string, table: string, o: { readonly idColumn?: string } = {}): PartResults {
  const { records, lineOf } = csvRecords(text, table);
  const header = (records[0] ?? []).map((h: string) => h.trim());
  // Rows with nothing in any cell (Excel's `;;` below a table) are not parts.
  const rows = records.flatMap((r: string[], i: number) => (i > 0 && r.some((c) => c.trim() !== '') ? [i] : []));
  if (rows.length === 0) throw new Error(`${table}: no part results (a header and one row per part: part id, result)`);
  const columns = `columns: ${header.join(', ')}`;
  const { idAt, resultAt } = resultsColumns(header, o.idColumn);
  if (idAt < 0)
    throw new Error(
      `${table}: ${idAt === -2 ? 'more than one column' : 'no column'} of part ids (${o.idColumn !== undefined ? `${o.idColumn}, ` : ''}part_id, serial, id, …; ${columns})`,
    );
  if (resultAt < 0)
    throw new Error(
      `${table}: ${resultAt === -2 ? 'more than one column' : 'no column'} of results (result, status, verdict, ok, nok, …; ${columns})`,
    );
  const fileAt = columnNamed(header, FILE_NAMES);
  if (fileAt === -2) throw new Error(`${table}: more than one column naming the recording (file, …; ${columns})`);
  const bad = new Map<string, boolean>();
  // The record each key was read from, for a message (lines are counted only then: counting them costs a parse).
  const recordOfKey = new Map<string, number>();
  const files = new Set<string>();
  let untested = 0;
  for (const r of rows) {
    const cells: string[] = records[r];
    const id = (cells[idAt] ?? '').trim();
    const cell = (cells[resultAt] ?? '').trim();
    if (id === '') throw new Error(`${table}:${lineOf(r)}: column ${header[idAt]}: no part id`);
    if (cell === '') {
      untested++;
      continue;
    }
    const isBad = verdictOf(cell, header[resultAt]);
    if (isBad === undefined)
      throw new Error(
        `${table}:${lineOf(r)}: column ${header[resultAt]}: "${cell}" is not a result; write OK or NOK (pass/fail, good/bad, ` +
          `i.O./n.i.O.)${cell === '0' || cell === '1' ? `, or name the column ok or nok to say what a 1 means` : ''}`,
      );
    const recording = fileAt >= 0 ? recordingName(cells[fileAt] ?? '') : undefined;
    if (recording === '') throw new Error(`${table}:${lineOf(r)}: column ${header[fileAt]}: no recording named`);
    if (recording !== undefined) files.add(recording);
    const key = resultKey(recording, id);
    const before = bad.get(key);
    if (before !== undefined && before !== isBad)
      throw new Error(
        `${table}:${lineOf(r)}: part ${id} is ${isBad ? 'NOK' : 'OK'} here and ${before ? 'NOK' : 'OK'} on line ${lineOf(recordOfKey.get(key)!)}; ` +
          `keep one result per part (its final one)${fileAt >= 0 ? '' : ', or, where part ids start again in each recording, add a file column (the recording each part was made in)'}`,
      );
    bad.set(key, isBad);
    recordOfKey.set(key, r);
  }
  if (bad.size === 0) throw new Error(`${table}: no part has a result (column ${header[resultAt]} is empty)`);
  return {
    table,
    idColumn: header[idAt],
    resultColumn: header[resultAt],
    ...(fileAt >= 0 ? { files } : {}),
    bad,
    untested,
  };
}

/** A part results table (file, part_id, result) as the press data set writes it. */
export function partResultsCsv(rows: readonly { file: string; partId: string; bad: boolean }[]): string {
  return `file,part_id,result\n${rows.map((r) => `${r.file},${r.partId},${r.bad ? 'NOK' : 'OK'}`).join('\n')}\n`;
}
