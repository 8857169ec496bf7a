/**
 * A quality system's part results (pure): the table an end-of-line tester, a CMM or a MES exports, one row per part
 * with its id and OK or NOK, read as the labels of a part model's parts (eval --part-labels) and as the parts to leave
 * out of its training (train --part-labels). A part is matched by its id, the value of the recording's part id
 * channel; where the table has a `file` column, by the recording and the id (part counters that start again in each
 * recording). Every problem names the table, the line and the cell.
 */
import { basename } from 'node:path';
import { csvRecords } from '../core/csv-records.js';

/** What a result cell says, in the words quality systems write (German i.O./n.i.O. included), any case. */
const GOOD_WORDS = new Set(['ok', 'io', 'i.o.', 'pass', 'passed', 'good', 'accept', 'accepted', 'p']);
const BAD_WORDS = new Set([
  'nok',
  'nio',
  'n.i.o.',
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

/** Column names that hold a part's id, and its result; compared without case, spaces, `_`, `-` and `.`. */
const ID_NAMES = ['partid', 'part', 'serial', 'serialnumber', 'sn', 'id', 'partnumber', 'partcounter'];
const RESULT_NAMES = [
  'result',
  'verdict',
  'status',
  'quality',
  'judgement',
  'judgment',
  'ok',
  'nok',
  'label',
  'anomaly',
];
/** A 1 in a column of this name means the part is bad; in `ok`, that it is good; elsewhere a 0 or 1 is refused. */
const ONE_IS_BAD = new Set(['nok', 'anomaly', 'bad', 'defect', 'reject', 'scrap', 'label']);
const ONE_IS_GOOD = new Set(['ok', 'good', 'pass']);

const bare = (name: string) => name.toLowerCase().replace(/[\s_.-]/g, '');

/**
 * A part id as the table and the recording both write it: trimmed, and a whole number in one form (`0012`, `12.0` and
 * `12` are part 12, as a counter read from a register and a barcode's digits name it).
 */
export function partKey(id: string): string {
  const t = id.trim();
  return /^[+-]?\d+(\.0*)?$/.test(t) && Number.isSafeInteger(Number(t)) ? String(Number(t)) : t;
}

export interface PartResults {
  readonly table: string;
  readonly idColumn: string;
  readonly resultColumn: string;
  /** Whether results are keyed by recording and id (a `file` column). */
  readonly byFile: boolean;
  /** Bad (true) or good, by `resultKey`. */
  readonly bad: ReadonlyMap<string, boolean>;
  /** Rows with an empty result (a part not tested): not labels. */
  readonly untested: number;
}

/** A recording as a `file` column names it: its file name without folders and without .csv or .tsv. */
export function recordingName(recording: string): string {
  return basename(recording.trim().replace(/\\/g, '/')).replace(/\.(csv|tsv)$/i, '');
}

/** The key of a part's result: its id, and with a `file` column its recording's name. */
export function resultKey(byFile: boolean, recording: string, partId: string): string {
  return byFile ? `${recordingName(recording)}\u0000${partKey(partId)}` : partKey(partId);
}

function columnNamed(header: readonly string[], names: readonly string[], given?: string): number {
  if (given !== undefined) return header.findIndex((h) => h === given);
  const found = header.flatMap((h, i) => (names.includes(bare(h)) ? [i] : []));
  return found.length === 1 ? found[0] : found.length > 1 ? -2 : -1;
}

/**
 * Reads a part results table. `idColumn`: the column of part ids where it is not one of the usual names (part_id,
 * serial, id, …); the recording's part id channel is tried first.
 */
export function parsePartResults(text: string, table: string, o: { readonly idColumn?: string } = {}): PartResults {
  const { records, lineOf } = csvRecords(text, table);
  const header = (records[0] ?? []).map((h: string) => h.trim());
  if (records.length < 2) throw new Error(`${table}: no part results (a header and one row per part: part id, result)`);
  const columns = `columns: ${header.join(', ')}`;
  const idAt =
    o.idColumn !== undefined && header.includes(o.idColumn)
      ? header.indexOf(o.idColumn)
      : columnNamed(header, ID_NAMES);
  if (idAt < 0)
    throw new Error(
      `${table}: ${idAt === -2 ? 'more than one column' : 'no column'} of part ids (${o.idColumn !== undefined ? `${o.idColumn}, ` : ''}part_id, serial, id, …; ${columns})`,
    );
  const resultAt = columnNamed(
    header.map((h, i) => (i === idAt ? '' : h)),
    RESULT_NAMES,
  );
  if (resultAt < 0)
    throw new Error(
      `${table}: ${resultAt === -2 ? 'more than one column' : 'no column'} of results (result, status, verdict, ok, nok, …; ${columns})`,
    );
  const fileAt = header.findIndex((h) => bare(h) === 'file' || bare(h) === 'recording');
  const polarity = bare(header[resultAt]);
  const bad = new Map<string, boolean>();
  const lineOfKey = new Map<string, number>();
  let untested = 0;
  for (let r = 1; r < records.length; r++) {
    const cells: string[] = records[r];
    const line = lineOf(r);
    const id = (cells[idAt] ?? '').trim();
    const cell = (cells[resultAt] ?? '').trim();
    if (id === '') throw new Error(`${table}:${line}: column ${header[idAt]}: no part id`);
    if (cell === '') {
      untested++;
      continue;
    }
    const word = cell.toLowerCase();
    const isBad = GOOD_WORDS.has(word)
      ? false
      : BAD_WORDS.has(word)
        ? true
        : (word === '0' || word === '1') && (ONE_IS_BAD.has(polarity) || ONE_IS_GOOD.has(polarity))
          ? (word === '1') === ONE_IS_BAD.has(polarity)
          : undefined;
    if (isBad === undefined)
      throw new Error(
        `${table}:${line}: column ${header[resultAt]}: "${cell}" is not a result; write OK or NOK (pass/fail, good/bad, ` +
          `i.O./n.i.O.)${word === '0' || word === '1' ? `, or name the column ok or nok to say what a 1 means` : ''}`,
      );
    if (fileAt >= 0 && (cells[fileAt] ?? '').trim() === '')
      throw new Error(`${table}:${line}: column ${header[fileAt]}: no recording named`);
    const key = resultKey(fileAt >= 0, (cells[fileAt] ?? '').trim(), id);
    const before = bad.get(key);
    if (before !== undefined && before !== isBad)
      throw new Error(
        `${table}:${line}: part ${id} is ${isBad ? 'NOK' : 'OK'} here and ${before ? 'NOK' : 'OK'} on line ${lineOfKey.get(key)}; ` +
          `keep one result per part (its final one)${fileAt >= 0 ? '' : ', or, where part ids start again in each recording, add a file column (the recording each part was made in)'}`,
      );
    bad.set(key, isBad);
    lineOfKey.set(key, line);
  }
  if (bad.size === 0) throw new Error(`${table}: no part has a result (column ${header[resultAt]} is empty)`);
  return {
    table,
    idColumn: header[idAt],
    resultColumn: header[resultAt],
    byFile: fileAt >= 0,
    bad,
    untested,
  };
}

/** A part results table (file, part_id, result) as the press data set writes it. */
export function partResultsCsv(rows: readonly { file: string; partId: string; bad: boolean }[]): string {
  return `file,part_id,result\n${rows.map((r) => `${r.file},${r.partId},${r.bad ? 'NOK' : 'OK'}`).join('\n')}\n`;
}
