/**
 * Time-series CSV tables (SKAB recordings, historian exports): a header row, the time first, numbers
 * in the other columns. Read by the simulator's replay, by training and by evaluation. The splitting
 * (quotes, separators inside quotes, CRLF, surrounding spaces) is csv-parse's (csv-records.ts).
 */
import { TimeColumn } from './time-cells.js';
import { MISSING_READING, isLabelColumn, leadingIndexNames, numberOf } from './csv-cells.js';
import { indexColumns, renamed, timeColumnAt, type ColumnRenames } from './csv-header.js';
import { leadingColumns, type RunColumn } from './csv-run-columns.js';
import { ROW_COUNTER, countedRowsFrom } from './csv-row-counter.js';
import { csvRecords } from './csv-records.js';
import { gapsOf, type MissingCells } from './csv-gaps.js';
import { refuseMixedUnixMs, unixUnitOf, type TableTimes } from './csv-times.js';
import { columnKindOf, readingOf, textColumnsText, type ColumnKind, type TextColumn } from './csv-text-columns.js';
import { DecimalCommas } from './decimal-commas.js';
import { commaNumberCause, splitNumbersCause } from './csv-export-mistakes.js';
import { unitsRowOf } from './csv-units-row.js';

/** A parsed table: its time column as TableTimes says (csv-times.ts), its channels and what was left out. */
export interface SkabTable extends TableTimes {
  readonly header: readonly string[];
  readonly columns: ReadonlyMap<string, Float64Array>;
  /** Columns before a sample counter that name the run (one value in every row), left out of the channels. */
  readonly runColumns?: readonly RunColumn[];
  /** Columns of text, not readings (a quality flag, a unit, a machine state), left out of the channels. */
  readonly textColumns?: readonly TextColumn[];
  /** The cells of the text columns `keepText` named, one per row, trimmed (a part's serial number). */
  readonly texts?: ReadonlyMap<string, readonly string[]>;
  /** Channels with missing readings (blank, NaN, NA, null cells, NaN in `columns`): see holdShortGaps. */
  readonly missing?: readonly MissingCells[];
  /** The line of a row (0-based, of the rows read), where some readings are missing: where a gap's open rows start. */
  readonly rowLine?: (row: number) => number;
  /** A units row under the header (csv-units-row.ts): its line, and each channel's unit where it gave one. */
  readonly unitsRow?: { readonly line: number; readonly units: ReadonlyMap<string, string> };
}

export { LABEL_COLUMNS, isLabelColumn, isNotChannel } from './csv-cells.js';
export {
  csvColumnsBeforeTime,
  csvDataColumns,
  csvHeader,
  headerText,
  namesText,
  type ColumnRenames,
} from './csv-header.js';
export type { RunColumn } from './csv-run-columns.js';
export {
  HOLD_MS,
  heldInFirstRows,
  heldText,
  holdRows,
  holdShortGaps,
  type HeldReadings,
  type MissingCells,
} from './csv-gaps.js';
export { heldAsText, textColumnsText, type TextColumn } from './csv-text-columns.js';
export { pauseRows, pausesFound, refuseStepsBack, type PausesFound } from './csv-pauses.js';
export {
  UNIX_MS_FROM,
  UNIX_MS_UNTIL,
  UNIX_UNITS,
  medianSpacing,
  plainNumberTimes,
  repeatsStamps,
  timesInMs,
  unitlessTimes,
  type TableTimes,
} from './csv-times.js';

/** Whether a header starts with a `Date` column and a `Time` column whose first cell is a time of day (`11:14:34`,
 * `1:05 PM`); a `Time` column of numbers is a channel, as it always was. */
function splitDateTime(header: readonly string[], firstTimeCell: string | undefined): boolean {
  return (
    /^date$/i.test(header[0] ?? '') &&
    /^time$/i.test(header[1] ?? '') &&
    /^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?(\s*[AaPp][Mm])?$/.test(firstTimeCell?.trim() ?? '')
  );
}

/**
 * Parses a time-series CSV: a header row, the time in the first column (read by TimeColumn: SKAB's `datetime`
 * "2020-02-08 13:30:47", ISO 8601, day-first dotted dates, slash dates in the order the file settles, or Unix
 * times: ms, or s, µs or ns under a time's name, UNIX_UNITS), numbers in the others, `true`/`false` too in the label
 * columns (and a localised Excel's WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO, VERO/FALSO); `,`, `;` or tab separated
 * (whichever the header uses, or an Excel `sep=` line: csv-records.ts), cells quoted or not, a decimal comma where `,`
 * does not separate (`1,25`; in a tab file, decimal-commas.ts).
 * The time column may instead count samples (`sample`, `index`: plain numbers, which need a sample period), and
 * come after columns that name the run (each one value throughout the file, left out). With no column named as
 * either, a first column of dates is the time column whatever its name, and otherwise the rows are counted as samples
 * (`countedRows`; csv-row-counter.ts says what is refused).
 * What exports add is left out: a pandas index before the time column, a separator ending every line (a nameless
 * column with nothing in it), rows with nothing in any cell; separate `Date` and `Time` columns are read as one; a
 * units row under the header is read as the channels' units (`unitsRow`).
 * Every problem names the file, line and column.
 */
export function parseSkabCsv(
  text: string,
  file = 'CSV',
  options: {
    /**
     * Labels read as 0 (normal) or 1 (anomaly): 0/1, false/true, or a fault's class number (a positive whole number, as
     * Tennessee Eastman sets label each row), which reads as 1. Anything else (-1/1, 0.5) is refused, naming the line.
     */
    readonly binaryLabels?: boolean;
    /** A column read as a label besides `anomaly` and `changepoint` (eval --label-column): not a channel. */
    readonly labelColumn?: string;
    /**
     * Columns read as text whatever they hold, their cells kept as written (`texts`): a part id column (serial numbers,
     * also those that start with a digit, and ids too long for a number to hold exactly).
     */
    readonly keepText?: readonly string[];
    /**
     * Columns whose cells are kept as written (`texts`) where they hold text, read as readings where they do not: the
     * column of a running condition (--running-when), a mode word or a RUN bit.
     */
    readonly textCellsOf?: readonly string[];
    /** Columns read under another name (--rename): every other option, and the table, name them by the new name. */
    readonly rename?: ColumnRenames;
  } = {},
): SkabTable {
  const { separator, records, lineOf } = csvRecords(text, file);
  const named = renamed(records[0] ?? [], options.rename);
  const index = indexColumns(named);
  const rows = records.flatMap((r, i) => (i > 0 && r.some((c) => c.trim() !== '') ? [i] : []));
  if (rows.length === 0) throw new Error(`${file}: no data rows`);
  const at = timeColumnAt(named.slice(index));
  // A historian's units row under the header is read as the channels' units (csv-units-row.ts), not as readings.
  const start = at < 0 ? leadingIndexNames(named) : index + at;
  const unitsRow = unitsRowOf(named, records, rows, start, at >= 0, file, lineOf, separator);
  const data = unitsRow ? rows.slice(1) : rows;
  const found = at < 0 ? countedRowsFrom(named, records, data, file, lineOf, separator) : undefined;
  const counted = found?.counted ? found.from : undefined;
  const from = found?.from ?? index + at;
  const blankLast =
    named.length > 1 &&
    named.at(-1) === '' &&
    records.every((r, i) => i === 0 || r.length < named.length || r[named.length - 1].trim() === '');
  const width = named.length - (blankLast ? 1 : 0);
  // No time column: the rows are counted as samples in a `sample` column of their own (from 1).
  const written = counted === undefined ? named.slice(from, width) : [ROW_COUNTER, ...named.slice(from, width)];
  // A SCADA layout: the date in a `Date` column, the time of day in a `Time` column after it; read as one time column.
  const split = splitDateTime(written, records[data[0]]?.[from + 1]);
  const header = split ? [`${written[0]} ${written[1]}`, ...written.slice(2)] : written;
  const shift = split ? 1 : counted === undefined ? 0 : -1;
  const first = written.findIndex((h, i) => written.indexOf(h) !== i);
  const fieldOffset = counted === undefined ? 1 : 0;
  if (first >= 0)
    throw new Error(
      `${file}: column "${written[first]}" appears twice in the header (fields ${from + written.indexOf(written[first]) + fieldOffset} and ${from + first + fieldOffset})`,
    );
  const n = data.length;
  const time = new TimeColumn(n, file, header[0], lineOf);
  const values = header.slice(1).map(() => new Float64Array(n));
  const labels = header.slice(1).map((h) => isLabelColumn(h, options.labelColumn));
  const missing = header.slice(1).map(() => ({ cells: 0, firstRecord: 0 }));
  const kinds = header
    .slice(1)
    .map((h, k): ColumnKind | undefined =>
      labels[k]
        ? undefined
        : options.keepText?.includes(h)
          ? { kind: 'text', text: { name: h, values: [], distinct: 0 } }
          : columnKindOf(h, (row) => records[data[row]][from + k + 1 + shift] ?? '', n),
    );
  const texts = kinds.map((kind) => (kind?.kind === 'text' ? kind.text : undefined));
  const kept = header
    .slice(1)
    .map((h, k) =>
      texts[k] && (options.keepText?.includes(h) || options.textCellsOf?.includes(h))
        ? new Array<string>(n)
        : undefined,
    );
  const commas = new DecimalCommas(header.length - 1);
  // A fault's class number labels an anomaly in an anomaly column (not a changepoint); a column of them needs a 0.
  const classes = header.slice(1).map((h, k) => labels[k] && !/^changepoint$/i.test(h));
  const sawNormal = header.slice(1).map(() => false);
  const firstClass = header.slice(1).map(() => -1);
  data.forEach((record, row) => {
    const cells = records[record];
    if (cells.length !== width && !(cells.length === width + 1 && cells[width].trim() === ''))
      throw new Error(
        `${file}:${lineOf(record)}: expected ${width} fields, found ${cells.length}` +
          splitNumbersCause(cells.slice(from + 1 + shift), cells.length - width, separator),
      );
    time.read(
      row,
      record,
      counted !== undefined
        ? String(row + 1)
        : split
          ? `${cells[from].trim()} ${cells[from + 1].trim()}`
          : cells[from].trim(),
    );
    for (let k = 1; k < header.length; k++) {
      if (texts[k - 1]) {
        const keep = kept[k - 1];
        if (keep) keep[row] = (cells[from + k + shift] ?? '').trim();
        continue;
      }
      const cell = cells[from + k + shift];
      if (!labels[k - 1] && MISSING_READING.test(cell.trim())) {
        values[k - 1][row] = Number.NaN;
        if (missing[k - 1].cells++ === 0) missing[k - 1].firstRecord = record;
        continue;
      }
      const v =
        labels[k - 1] || kinds[k - 1]?.kind === 'digital' ? readingOf(cell, separator) : numberOf(cell, separator);
      if (!Number.isFinite(v))
        throw new Error(
          `${file}:${lineOf(record)}: column ${header[k]}: ${labels[k - 1] ? 'not a number, true or false' : 'not a number'}: "${cell}"` +
            commaNumberCause(cell, separator),
        );
      if (separator === '\t' && cell.includes(',')) commas.see(k - 1, cell, record);
      if (options.binaryLabels && labels[k - 1]) {
        if (!(v === 0 || v === 1 || (classes[k - 1] && Number.isInteger(v) && v > 1)))
          throw new Error(
            `${file}:${lineOf(record)}: column ${header[k]}: "${cell.trim()}" is not a label; write 0 or 1 (false or true)` +
              (classes[k - 1] ? ", or a fault's class number (1, 2, …) for an anomaly" : ''),
          );
        if (v === 0) sawNormal[k - 1] = true;
        else if (v > 1 && firstClass[k - 1] < 0) firstClass[k - 1] = record;
        values[k - 1][row] = v > 0 ? 1 : 0;
        continue;
      }
      values[k - 1][row] = v;
    }
  });
  const runColumns =
    found === undefined
      ? leadingColumns(named.slice(index, from), index, named[from], records, data, file, lineOf)
      : [];
  const settled = time.settled();
  // Unix s, µs or ns under a time's name are read as the dates they are (see UNIX_UNITS), to the whole ms: ns lie
  // above 2^53, where a double steps by 256 ns, and a period must be a whole number of ms (a model's sample_period_ms).
  const unix = time.numeric && counted === undefined ? unixUnitOf(header[0], settled) : undefined;
  const times = unix ? settled.map((t) => Math.round(t * unix.toMs)) : settled;
  if (time.numeric && !unix) refuseMixedUnixMs(times, file, header[0], (row) => lineOf(data[row]));
  // A field with no name that holds readings in every row (not a separator ending every line) would be channel "".
  const nameless = header.slice(1).findIndex((h) => h === '');
  if (nameless >= 0)
    throw new Error(
      `${file}: field ${from + nameless + shift + 2} has no name in the header but holds readings; name it`,
    );
  const gappy = header.slice(1).flatMap((_, k) => (missing[k].cells > 0 ? [k] : []));
  for (const k of gappy) {
    if (missing[k].cells === n)
      throw new Error(`${file}: column ${header[k + 1]}: no reading in any of its ${n} rows (every cell blank or NaN)`);
  }
  const missingCells = gappy.map((k) => ({
    column: header[k + 1],
    cells: missing[k].cells,
    firstLine: lineOf(missing[k].firstRecord),
    gaps: gapsOf(values[k], (row) => lineOf(data[row])),
  }));
  commas.refuseGrouped((k, record) => `${file}:${lineOf(record)}: column ${header[k + 1]}`);
  const textColumns = texts.filter((t) => t !== undefined);
  const coded = firstClass.findIndex((first, k) => first >= 0 && !sawNormal[k]);
  if (coded >= 0)
    throw new Error(
      `${file}:${lineOf(firstClass[coded])}: column ${header[coded + 1]}: fault class numbers, but no row is labelled 0 ` +
        '(normal); if a number such as 1 means normal here, write 0 for it',
    );
  if (textColumns.length > 0 && header.slice(1).every((_, k) => labels[k] || texts[k]))
    throw new Error(`${file}: no column of readings: ${textColumnsText(textColumns)} hold(s) text`);
  const units = new Map(
    header.slice(1).flatMap((h, k) => {
      const unit = labels[k] || texts[k] ? undefined : unitsRow?.units.get(from + k + 1 + shift);
      return unit ? [[h, unit] as const] : [];
    }),
  );
  return {
    header: header.filter((_, k) => k === 0 || !texts[k - 1]),
    times,
    columns: new Map(header.slice(1).flatMap((h, k) => (texts[k] ? [] : [[h, values[k]] as const]))),
    numericTimes: time.numeric,
    ...(time.zoned ? { zonedTimes: true } : {}),
    ...(unix ? { unixUnit: unix.unit } : {}),
    ...(counted === undefined ? {} : { countedRows: true }),
    ...(runColumns.length > 0 ? { runColumns } : {}),
    ...(textColumns.length > 0 ? { textColumns } : {}),
    ...(kept.some((k) => k)
      ? { texts: new Map(header.slice(1).flatMap((h, k) => (kept[k] ? [[h, kept[k]!] as const] : []))) }
      : {}),
    ...(missingCells.length > 0 ? { missing: missingCells, rowLine: (row: number) => lineOf(data[row]) } : {}),
    ...(unitsRow ? { unitsRow: { line: lineOf(unitsRow.record), units } } : {}),
  };
}

/** A label column's values: the column named so, else one named so in another case (`Anomaly`); undefined if none. */
export function labelColumn(table: SkabTable, name: string): Float64Array | undefined {
  const header = table.header.includes(name) ? name : table.header.slice(1).find((h) => h.toLowerCase() === name);
  return header === undefined ? undefined : table.columns.get(header);
}

/** The first `n` rows of the named columns, time-major (rows × channels). */
export function rowMajor(table: SkabTable, channels: readonly string[], n = table.times.length): Float64Array {
  const c = channels.length;
  const rows = new Float64Array(n * c);
  channels.forEach((ch, j) =>
    table.columns
      .get(ch)!
      .subarray(0, n)
      .forEach((v, i) => (rows[i * c + j] = v)),
  );
  return rows;
}
