/**
 * A units row under the header, as plant historians export one (`;[kscmh];[degC];…`): read as the channels' units, not
 * as readings; a row it cannot tell from one is refused, naming the file and line (pure).
 *
 * The rule. The first row after the header is a units row where
 * - its time cell (where there is a time column) is blank or a word, not a time or a number;
 * - every column that holds a reading or a date in the rows below holds a unit there: a word, not a number, true/false
 *   or date; a blank or a missing-reading word (`NaN`, `n/a`) is a channel with no unit; at least one unit is given;
 *   a column with no reading below (a text column such as `Status`) may hold anything;
 * - the row after it is no such row.
 * Refused, naming the file and line: such a row with a reading in a column of readings too (`,m3/h,12.5,degC`:
 * neither a units row nor a row of readings), a unit over 32 characters or with a control character (a description
 * row, not units), and two such rows (units and descriptions, say). A first row with a time is a row of readings, and
 * a word among them is refused at its cell.
 */
import { MISSING_READING } from './csv-cells.js';
import { readingOf } from './csv-text-columns.js';
import { isDateCell } from './time-cells.js';

/** The longest unit read (`kg/h`, `m3/h`, `mol%`, `kscmh`); a longer word is a description. */
const UNIT_CHARS = 32;

/** A units row: its record, and each field's unit (by field index, as written, one pair of brackets taken off). */
export interface UnitsRow {
  readonly record: number;
  readonly units: ReadonlyMap<number, string>;
}

/** A unit as written, without one pair of surrounding brackets: `[kscmh]` and `(degC)` read as `kscmh` and `degC`. */
const unitOf = (cell: string): string => cell.replace(/^\[(.*)\]$|^\((.*)\)$/, '$1$2').trim();

/** What row `record`'s cells are in the columns of readings: the units given, and the first reading among them. */
function rowWords(
  records: readonly string[][],
  record: number,
  readingColumns: readonly number[],
  timeAt: number | undefined,
  value: (cell: string) => boolean,
): { readonly units: Map<number, string>; readonly reading?: number } | undefined {
  const cell = (j: number) => (records[record][j] ?? '').trim();
  if (timeAt !== undefined && value(cell(timeAt))) return undefined;
  const units = new Map<number, string>();
  let reading: number | undefined;
  for (const j of readingColumns) {
    const c = cell(j);
    if (c === '' || MISSING_READING.test(c)) continue;
    if (value(c)) reading ??= j;
    else units.set(j, c);
  }
  return units.size === 0 ? undefined : { units, ...(reading !== undefined ? { reading } : {}) };
}

/**
 * The units row under the header, if the first data row is one (the rule above); undefined where it is not. `data`:
 * the records that are rows (not blank), `start`: the time column's field (with none, the first channel's: `timed`
 * false).
 */
export function unitsRowOf(
  header: readonly string[],
  records: readonly string[][],
  data: readonly number[],
  start: number,
  timed: boolean,
  file: string,
  lineOf: (record: number) => number,
  separator: string,
): UnitsRow | undefined {
  if (data.length < 2) return undefined;
  const value = (c: string) => Number.isFinite(readingOf(c, separator)) || isDateCell(c);
  const timeAt = timed ? start : undefined;
  const width = Math.max(records[data[0]].length, records[data[1]].length);
  const fields = Array.from({ length: width - (timed ? start + 1 : start) }, (_, k) => k + (timed ? start + 1 : start));
  // A first row of readings (the files nearly all are) is passed at once, before any column is looked down.
  if (!rowWords(records, data[0], fields, timeAt, value)) return undefined;
  const holdsReadings = (j: number) => {
    for (let i = 1; i < data.length; i++) if (value((records[data[i]][j] ?? '').trim())) return true;
    return false;
  };
  const readingColumns = fields.filter(holdsReadings);
  const first = rowWords(records, data[0], readingColumns, timeAt, value);
  if (!first) return undefined;
  const at = `${file}:${lineOf(data[0])}`;
  const quoted = (j: number) => {
    const c = (records[data[0]][j] ?? '').trim();
    return `"${c.length > 40 ? `${c.slice(0, 40)}…` : c}" in ${header[j] ?? `field ${j + 1}`}`;
  };
  if (first.reading !== undefined)
    throw new Error(
      `${at}: the row under the header has no time, and holds a word (${quoted([...first.units.keys()][0])}) and a ` +
        `reading (${quoted(first.reading)}): neither a units row (a unit, or nothing, over every column of ` +
        'readings) nor a row of readings; complete it or remove it',
    );
  const long = [...first.units].find(([, u]) => unitOf(u).length > UNIT_CHARS || /[\p{Cc}]/u.test(u));
  if (long)
    throw new Error(
      `${at}: the row under the header has no time and holds words, but ${quoted(long[0])} is no unit (at most ` +
        `${UNIT_CHARS} characters, none a control character): a row of descriptions, it seems; remove it`,
    );
  const second = rowWords(records, data[1], readingColumns, timeAt, value);
  if (second && second.reading === undefined)
    throw new Error(
      `${file}:${lineOf(data[0])} and ${lineOf(data[1])}: two rows under the header hold words, not readings, and ` +
        `no time; one units row is read, under the header: remove line ${lineOf(data[1])} (descriptions, it seems)`,
    );
  return {
    record: data[0],
    units: new Map([...first.units].map(([j, u]) => [j, unitOf(u)] as const).filter(([, u]) => u !== '')),
  };
}

/**
 * A unit as a units row writes it (export), so that the rule above reads it back: as it is where it starts with a
 * letter (or `%`, `°`, `µ`) and is no reading, date or missing-reading word; else in brackets (`[1/min]`, `[-]`, a
 * spreadsheet's formula start never first). Undefined for a unit the rule cannot read (over UNIT_CHARS characters, a
 * control character) and for none (`''`).
 */
export function unitCell(unit: string): string | undefined {
  if (unit === '' || unit.length > UNIT_CHARS || /[\p{Cc}]/u.test(unit)) return undefined;
  const plain =
    /^[\p{L}%°µ]/u.test(unit) &&
    unitOf(unit) === unit &&
    unit.trim() === unit &&
    !MISSING_READING.test(unit) &&
    !Number.isFinite(readingOf(unit, ',')) &&
    !isDateCell(unit);
  return plain ? unit : `[${unit}]`;
}

/** What train and eval say on stderr, once a file, of a units row they read: its line and the first few units. */
export function unitsRowText(file: string, line: number, units: readonly string[]): string {
  const shown = units.slice(0, 4).join(', ') + (units.length > 4 ? ', …' : '');
  return `${file}:${line}: a units row under the header (${shown}): read as the channels' units, not as readings`;
}
