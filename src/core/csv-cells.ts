/**
 * What the cells and names of a time-series CSV mean, shared by the table reader (csv-table.ts) and its reading of a
 * file with no time column (csv-row-counter.ts).
 */

/** What spreadsheets, pandas and C runtimes write in a cell that holds nothing (any case). */
const EMPTY = String.raw`|-?nan|-?nan\(ind\)|-?1\.#(?:qnan|ind)|na|n/a|#n/a|null|\(null\)|none`;
export const EMPTY_CELL = new RegExp(`^(?:${EMPTY})$`, 'i');

/**
 * OSIsoft PI's system states for a value its interface did not get (`I/O Timeout`, `Bad Input`, `Comm Fail`,
 * `Shutdown`, …). Among a channel's readings they are missing readings; a column of nothing but such words (a quality
 * flag `Bad`, a machine state `Shutdown`) is text, not an empty channel (csv-text-columns.ts reads EMPTY_CELL).
 * PI's `Over Range` and `Under Range` are not among them: a sensor at the end of its range is a reading to alarm on,
 * and is refused where it stands.
 */
const PI_NO_VALUE =
  'bad|bad (?:input|output|data|quality)|comm fail|i/o timeout|no data|no sample|not connect(?:ed)?|shutdown|' +
  'scan off|scan timeout|pt created|calc (?:failed|timeout|off)|configure|intf shut|out of serv(?:ice)?|' +
  'invalid data|equip fail|unit down|arc off-line';

/** A missing reading in a column of readings: an empty cell (EMPTY_CELL) or a PI state for no value (any case). */
export const MISSING_READING = new RegExp(`^(?:${EMPTY}|${PI_NO_VALUE})$`, 'i');

/** A number written with a decimal comma (`1,25`, `-0,5`, `1,5E-03`): read as such only where `,` does not separate
 * cells (`;` or tab-separated files). */
export const DECIMAL_COMMA = /^[+-]?\d+,\d+(?:[eE][+-]?\d+)?$/;

/** Hexadecimal, binary and octal literals, which `Number` reads (0x10 as 16) but no measuring export writes. */
const RADIX_LITERAL = /^\s*[+-]?0[xbo]/i;

/** A cell as a number: NaN where it is not one (blank and 0x10 included); a decimal comma counts in `;` and tab
 * files. */
export function numberOf(cell: string, separator: string): number {
  if (cell.trim() === '' || RADIX_LITERAL.test(cell)) return NaN;
  const v = Number(cell);
  return Number.isNaN(v) && separator !== ',' && DECIMAL_COMMA.test(cell) ? Number(cell.replace(',', '.')) : v;
}

/** A column named as a time (dates, or Unix times: ms, s, µs or ns; csv-times.ts UNIX_UNITS). */
export const TIME_NAME = /^(datetime|time|timestamp|ts|date)$/i;
/** A column that counts samples instead of giving times: read as plain numbers, which need a sample period. */
export const COUNTER_NAME = /^(sample|sample[ _-]?(no|nr|number|index)|index|idx|row|step)$/i;

/** What a time column may be called, for the messages that ask for one. */
export const TIME_COLUMN_NAMES =
  'the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step)';

/** A pandas or R row index's name: none, or `Unnamed: 0` (a file read and written again). */
const INDEX_NAME = /^(|Unnamed: \d+)$/;

/** How many leading columns of a header are named as a row index (INDEX_NAME), at least one column left after them. */
export function leadingIndexNames(header: readonly string[]): number {
  let i = 0;
  while (i < header.length - 1 && INDEX_NAME.test(header[i])) i++;
  return i;
}

/** SKAB's label columns: numbers, or the words `true`/`false` (any case) that pandas and Excel write, read as 1/0 (and
 * a localised Excel's: readingOf in csv-text-columns.ts). */
export const LABEL_COLUMNS: readonly string[] = ['anomaly', 'changepoint'];

/** Whether a header names a label column (`anomaly`, `Anomaly`, `CHANGEPOINT`: tools write them in any case), or is
 * `also`, a label column named otherwise (eval --label-column), named exactly. */
export const isLabelColumn = (name: string, also?: string): boolean =>
  LABEL_COLUMNS.includes(name.toLowerCase()) || name === also;

/** Whether a column is no channel unless asked for by name: a label column (isLabelColumn, with `also`), or one
 * called `label` (any case), which `train --csv` leaves out of its default channels and `eval` alike, so that the
 * model eval fits on a file is the one train writes. */
export const isNotChannel = (name: string, also?: string): boolean =>
  isLabelColumn(name, also) || name.toLowerCase() === 'label';
