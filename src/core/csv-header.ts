/**
 * A time-series CSV's header (csv-table.ts reads the rest): its names as read (trimmed, --rename applied), where the
 * time column is among them (after a pandas index, after columns that name the run), how a message quotes them, and
 * the header of a file read from its first 64 KiB without parsing its rows (the columns a command checks its flags
 * against).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { COUNTER_NAME, TIME_NAME, leadingIndexNames } from './csv-cells.js';
import { csvRecords } from './csv-records.js';
import { isDateCell } from './time-cells.js';

/** Columns read under another name (train and eval --rename OLD=NEW): header name → the name read. */
export type ColumnRenames = ReadonlyMap<string, string>;

/** A header's names (trimmed) with the renamed ones under their new names. */
export const renamed = (names: readonly string[], rename: ColumnRenames | undefined): string[] =>
  names.map((h) => rename?.get(h.trim()) ?? h.trim());

/** A header's names for a message: the first `shown` quoted, and how many more there are where the list is cut
 * (`["time","flow", … 10 more of 12]`), so a reader never takes a cut list for the whole header. */
export function namesText(names: readonly string[], shown = 6): string {
  const listed = JSON.stringify(names.slice(0, shown));
  return names.length > shown ? `${listed.slice(0, -1)}, … ${names.length - shown} more of ${names.length}]` : listed;
}

/** A file's header for a message that names the file: `with the header [...]`, or that it has none (an empty file). */
export const headerText = (names: readonly string[]): string =>
  names.length > 0 ? `with the header ${namesText(names)}` : 'with no header line (an empty file)';

/**
 * Where the time column is among the columns after a pandas index: the first named as a time, or else the first named
 * as a sample counter. Columns before it identify the run (Tennessee Eastman as Rieth et al. publish it: `faultNumber`,
 * `simulationRun`, `sample`, then the channels): parseSkabCsv leaves them out if each holds one value throughout the
 * file. -1: none.
 */
export function timeColumnAt(written: readonly string[]): number {
  const time = written.findIndex((h) => TIME_NAME.test(h));
  return time >= 0 ? time : written.findIndex((h) => COUNTER_NAME.test(h));
}

/**
 * How many leading columns of a header are a pandas or R index, not data: nameless or `Unnamed: 0` (a file read and
 * written again) columns before a column named as a time or a sample counter; 0 where the header has none.
 */
export function indexColumns(header: readonly string[]): number {
  const i = leadingIndexNames(header);
  return timeColumnAt(header.slice(i)) >= 0 ? i : 0;
}

/**
 * The header of a CSV file (its first record, read as parseSkabCsv reads it, from the time column on; with no time
 * column, every column after a nameless index), read from the file's first 64 KiB.
 */
export function csvHeader(path: string, rename?: ColumnRenames): string[] {
  return headerFrom(path, rename).header;
}

/** The columns after the time column (with none, every column after a nameless index), as the header names them, from
 * the file's first 64 KiB: the channels and labels parseSkabCsv reads (and a split Date/Time file's `Time`). */
export function csvDataColumns(path: string, rename?: ColumnRenames): string[] {
  const { header, counted } = headerFrom(path, rename);
  return counted ? header : header.slice(1);
}

/** The columns before the time column, which name the run (Rieth et al.'s `faultNumber`, `simulationRun`), as the
 * header names them, from the file's first 64 KiB; none where the file has no column named as a time or a counter. */
export function csvColumnsBeforeTime(path: string): string[] {
  return headerFrom(path).before;
}

function headerFrom(path: string, rename?: ColumnRenames): { header: string[]; counted: boolean; before: string[] } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const read = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    // The header is read here, not the rows: a NUL past the start (a damaged or sparse file) is for the whole read to
    // name (after its size is checked); NULs at the start (UTF-16 text) are named now.
    const nul = read.indexOf('\0');
    const head = nul > 200 ? read.slice(0, nul) : read;
    const [first = [], row = []] = csvRecords(head, path, 2).records;
    const header = renamed(first, rename);
    const index = indexColumns(header);
    const at = timeColumnAt(header.slice(index));
    if (at >= 0) return { header: header.slice(index + at), counted: false, before: header.slice(index, index + at) };
    const from = leadingIndexNames(header);
    // As parseSkabCsv: dates in the first column make it the time column.
    return { header: header.slice(from), counted: !isDateCell((row[from] ?? '').trim()), before: [] };
  } finally {
    closeSync(fd);
  }
}
