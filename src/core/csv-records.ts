/**
 * A CSV text's records as csv-parse splits them (quotes, separators inside quotes, CRLF, surrounding spaces), with its
 * separator found (`,`, `;` or a tab, or an Excel `sep=` line) and every parse error named by file, line and column;
 * UTF-16 text and a header separated by `|` are refused, naming the fix (csv-export-mistakes.ts).
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';
import { refuseNul, refusePipes } from './csv-export-mistakes.js';

/**
 * csv-parse's options for a `separator`-separated text: records end at CRLF or LF, mixed as they may
 * be (left to itself, csv-parse takes the first line's for all; given LF alone, it counts a CRLF line
 * twice), blank lines are skipped, a quote inside an unquoted cell is text (`Pipe 2" flow`), and a
 * row with the wrong number of fields is left to the caller to name.
 */
const csvOptions = (separator: string, to?: number): Options => ({
  delimiter: separator,
  record_delimiter: ['\r\n', '\n'],
  trim: true,
  skip_empty_lines: true,
  relax_column_count: true,
  relax_quotes: true,
  to,
});

/** The records of a CSV text (the first `to` only, if given); a problem names the file and line. */
export function csvRecords(text: string, file: string, to?: number) {
  refuseNul(text, file);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Excel's `sep=;` line before the header names the separator; cut to a blank line, so that lines keep their numbers.
  // (A tab may be written as the two characters `\t`, as a person types it.)
  const declared = /^"?sep=([;,\t]|\\t)"?[ \t]*(?=\r?\n)/.exec(text);
  if (declared) text = text.slice(declared[0].length);
  else refusePipes(text, file);
  const separator = declared ? ((declared[1] === '\\t' ? '\t' : declared[1]) as Separator) : separatorOf(text);
  try {
    const records = parse(text, csvOptions(separator, to));
    // Lines are counted in one more pass, once, on the first message or missing reading that needs one.
    let lines: number[] | undefined;
    const lineOf = (i: number) => (lines ??= numberedRecords(text, separator, records.length).lines)[i];
    return { separator, records, lineOf };
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw new Error(`${file}:${csvErrorLine(err, text, separator)}: ${csvErrorText(err, text, separator)}`, {
      cause: err,
    });
  }
}

/** The first `n` records and the line each ends on: the text parsed again for a message (counting lines costs). */
function numberedRecords(text: string, separator: string, n: number) {
  const lines: number[] = [];
  const records = parse(text, {
    ...csvOptions(separator, n),
    on_record: (record: string[], info) => (lines.push(info.lines), record),
  });
  return { records, lines };
}

/** What separates a CSV's cells: `;` (a European Excel's), a tab (Excel's "Text (Tab delimited)", a `.tsv`) or `,`. */
export type Separator = ';' | '\t' | ',';

/**
 * The separator of a CSV, from its first line that is not blank (the header), outside quoted cells: a tab if tabs
 * separate names there at least as often as `;` appears and as commas not followed by a space do (a tab header may
 * name `Pressure, bar` or `Flow; l/min`; a tab next to a `,` or `;`, which it only pads, or at either end separates
 * nothing); else `;` if there is one; else `,`.
 * As csv-parse reads quotes: a cell is quoted when it starts with one (`""` inside is a quote); a quote
 * inside an unquoted cell is text.
 */
function separatorOf(text: string): Separator {
  const first = text.search(/\S/);
  let cellStart = true;
  let semicolons = 0;
  let commas = 0;
  let tabs = 0;
  // The last character that is not a space or tab, and whether a tab run lies between it and the next one.
  let before = '';
  let tabRun = false;
  const next = (c: string) => {
    if (tabRun && before !== '' && before !== ',' && before !== ';' && c !== ',' && c !== ';') tabs++;
    tabRun = false;
    before = c;
  };
  for (let i = first < 0 ? text.length : text.lastIndexOf('\n', first) + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') break;
    if (c === '"' && cellStart) {
      next('"');
      // past the quoted cell: to the first quote that is not doubled
      for (i++; i < text.length && !(text[i] === '"' && text[i + 1] !== '"'); i += text[i] === '"' ? 2 : 1);
      cellStart = false;
      continue;
    }
    if (c === '\t') {
      tabRun = true;
      cellStart = true;
      continue;
    }
    if (c === ' ') continue;
    next(c);
    if (c === ';') semicolons++;
    if (c === ',' && text[i + 1] !== ' ') commas++;
    cellStart = c === ',' || c === ';';
  }
  return tabs > 0 && tabs >= semicolons && tabs >= commas ? '\t' : semicolons > 0 ? ';' : ',';
}

/**
 * The line csv-parse's error is on. For a quote never closed (csv-parse names the last line), the
 * first line of the row it opened in: the first line that is not blank after the last row read.
 */
function csvErrorLine(err: CsvError, text: string, separator: string): number {
  if (err.code !== 'CSV_QUOTE_NOT_CLOSED') return err.lines as number;
  const read = err.records as number;
  const lines = text.split('\n');
  let line = read > 0 ? numberedRecords(text, separator, read).lines[read - 1] : 0;
  while (line < lines.length - 1 && lines[line].trim() === '') line++;
  return line + 1;
}

/** What csv-parse found wrong and where in the row: the column's name past the header, else the field's number. */
function csvErrorText(err: CsvError, text: string, separator: string): string {
  const index = err.index as number;
  let header: string[] | undefined;
  try {
    const first = numberedRecords(text, separator, 1);
    if ((err.lines as number) > first.lines[0]) header = first.records[0];
  } catch {
    // the error is in the header itself
  }
  const where = header?.[index] !== undefined ? `column ${header[index].trim()}` : `field ${index + 1}`;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote opened in this row is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${where}: text after the closing quote (a quote inside a quoted cell is written "")`;
    default:
      return err.message;
  }
}
