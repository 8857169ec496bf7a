/**
 * What a CSV column holds besides readings: text (a historian's quality flag `Good`, a unit, a batch or recipe name, a
 * machine state `Running`/`Stopped`), which no model reads, so parseSkabCsv leaves it out of the channels and says what
 * it held; or a digital input exported as TRUE/FALSE, read as 1/0. A column of readings with a stray word in it is
 * still refused at that cell (a reading went wrong there).
 */
import { EMPTY_CELL, MISSING_READING, numberOf } from './csv-cells.js';

/** A column left out because it holds text: its name, its first few distinct values and how many there are. */
export interface TextColumn {
  readonly name: string;
  readonly values: readonly string[];
  /** How many distinct values, counted up to DISTINCT_COUNTED (a column of unique IDs is not held in memory). */
  readonly distinct: number;
}

/**
 * A cell of text: it starts with a letter. A reading written in a form no export should use (`1,25` where `,`
 * separates, `0x10`, `12.5 bar`) starts with a digit, a sign or a point and is refused where it stands, not left out;
 * so is an infinity (`inf`, `Infinity`: a reading out of range).
 */
const WORD = /^\p{L}/u;
const INFINITY = /^[+-]?inf(inity)?$/i;

/** How many of a text column's values are kept for the report, and how many distinct ones are counted. */
const VALUES_SHOWN = 3;
export const DISTINCT_COUNTED = 1000;

/** TRUE and FALSE as Excel writes them in English, German, French, Spanish and Italian (a localised export). */
const BOOLEAN_WORDS: ReadonlyMap<string, number> = new Map([
  ...['true', 'wahr', 'vrai', 'verdadero', 'vero'].map((w) => [w, 1] as const),
  ...['false', 'falsch', 'faux', 'falso'].map((w) => [w, 0] as const),
]);

/**
 * A cell as a number, the words `true`/`false` (any case, and a localised Excel's) read as 1/0: a label, or a
 * digital input exported as TRUE/FALSE. NaN where it is neither.
 */
export function readingOf(cell: string, separator: string): number {
  return BOOLEAN_WORDS.get(cell.trim().toLowerCase()) ?? numberOf(cell, separator);
}

/** What a column that is not a label holds: readings (numbers), a digital input (every cell true/false), or text. */
export type ColumnKind =
  { readonly kind: 'readings' | 'digital' } | { readonly kind: 'text'; readonly text: TextColumn };

/**
 * What a column holds, from its cells other than empty ones: text when every one is a word (WORD) other than
 * true/false (PI's states for no value included), digital when every one is true/false or such a state, readings
 * otherwise (then each cell is read as a number, a PI state as a missing reading, and another word refused). A column
 * with nothing in it is readings here, refused where readings are checked.
 */
export function columnKindOf(name: string, cells: (row: number) => string, rows: number): ColumnKind {
  const seen = new Set<string>();
  let words = 0;
  let booleans = 0;
  // PI's states for no value (MISSING_READING, not EMPTY_CELL): missing among readings or true/false, text among text.
  let states = 0;
  for (let row = 0; row < rows; row++) {
    const cell = cells(row).trim();
    if (EMPTY_CELL.test(cell)) continue;
    if (BOOLEAN_WORDS.has(cell.toLowerCase())) booleans++;
    else if (WORD.test(cell) && !INFINITY.test(cell)) {
      if (MISSING_READING.test(cell)) states++;
      else words++;
      if (seen.size < DISTINCT_COUNTED) seen.add(cell);
    } else return { kind: 'readings' };
    if (words > 0 && booleans > 0) return { kind: 'readings' };
  }
  if (booleans > 0) return { kind: 'digital' };
  if (words > 0 || states > 0)
    return { kind: 'text', text: { name, values: [...seen].slice(0, VALUES_SHOWN), distinct: seen.size } };
  return { kind: 'readings' };
}

/** "Quality (Good), State (3 values: Running, Stopped, Fault)" for a report line. */
export function textColumnsText(columns: readonly TextColumn[]): string {
  return columns
    .map((c) =>
      c.distinct === 1
        ? `${c.name} (${c.values[0]})`
        : `${c.name} (${c.distinct}${c.distinct >= DISTINCT_COUNTED ? '+' : ''} values: ${c.values.join(', ')}${c.distinct > c.values.length ? ', …' : ''})`,
    )
    .join(', ');
}

/**
 * For a message about columns a model or a flag names: "; State holds text (ON, OFF), not readings" (after `lead`),
 * or '' where none of them holds text.
 */
export function heldAsText(names: readonly string[], columns: readonly TextColumn[] | undefined, lead = '; '): string {
  const named = (columns ?? []).filter((c) => names.includes(c.name));
  return named.length === 0
    ? ''
    : `${lead}${textColumnsText(named)} ${named.length === 1 ? 'holds' : 'hold'} text, not readings`;
}
