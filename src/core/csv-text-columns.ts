/**
 * Columns of a time-series CSV that hold text rather than readings: a historian's quality flag (`Good`), a unit
 * (`bar`), a batch or recipe name, a machine state (`Running`, `Stopped`). No model reads text, so parseSkabCsv leaves
 * such a column out of the channels and says which it left out and what it held; a column of readings with a stray
 * word in it is still refused at that cell (a reading went wrong there).
 */
import { MISSING_READING, numberOf } from './csv-cells.js';

/** A column left out because it holds text: its name, its first few distinct values and how many there are. */
export interface TextColumn {
  readonly name: string;
  readonly values: readonly string[];
  readonly distinct: number;
}

/**
 * A cell of text: it starts with a letter. A reading written in a form no export should use (`1,25` where `,`
 * separates, `0x10`, `12.5 bar`) starts with a digit, a sign or a point and is refused where it stands, not left out.
 */
const WORD = /^\p{L}/u;

/** How many of a text column's values are kept for the report. */
const VALUES_SHOWN = 3;

/** TRUE and FALSE as Excel writes them in English, German, French, Spanish and Italian (a localised export). */
const BOOLEAN_WORDS: ReadonlyMap<string, number> = new Map([
  ...['true', 'wahr', 'vrai', 'verdadero', 'vero'].map((w) => [w, 1] as const),
  ...['false', 'falsch', 'faux', 'falso'].map((w) => [w, 0] as const),
]);

/**
 * A cell as a number, the words `true`/`false` (any case, and a localised Excel's) read as 1/0: a label, or a digital
 * input exported as TRUE/FALSE. NaN where it is neither.
 */
export function readingOf(cell: string, separator: string): number {
  return BOOLEAN_WORDS.get(cell.trim().toLowerCase()) ?? numberOf(cell, separator);
}

/**
 * The column as text, if it is one: every cell that is not a missing reading a word (WORD) other than true/false,
 * and at least one such cell (a column with no reading at all is refused where readings are checked). undefined for
 * a column of readings.
 */
export function textColumnOf(
  name: string,
  cells: (row: number) => string,
  rows: number,
  separator: string,
): TextColumn | undefined {
  const seen = new Set<string>();
  for (let row = 0; row < rows; row++) {
    const cell = cells(row).trim();
    if (MISSING_READING.test(cell)) continue;
    if (!WORD.test(cell) || Number.isFinite(readingOf(cell, separator))) return undefined;
    seen.add(cell);
  }
  return seen.size === 0 ? undefined : { name, values: [...seen].slice(0, VALUES_SHOWN), distinct: seen.size };
}

/** "Quality (Good), State (3 values: Running, Stopped, Fault)" for a report line. */
export function textColumnsText(columns: readonly TextColumn[]): string {
  return columns
    .map((c) =>
      c.distinct === 1
        ? `${c.name} (${c.values[0]})`
        : `${c.name} (${c.distinct} values: ${c.values.join(', ')}${c.distinct > c.values.length ? ', …' : ''})`,
    )
    .join(', ');
}
