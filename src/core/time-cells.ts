/**
 * The time column of a CSV table (see csv-table.ts), cell by cell: plain numbers (Unix ms, or a unit the file does
 * not say), what `Date.parse` reads (SKAB's `2020-02-08 13:30:47`, ISO 8601), and what spreadsheets and historians
 * write where that gives up, all read as UTC:
 * - day-first dotted dates (German/European Excel, SCADA historians): `03.01.2024 00:00`, `03.01.2024 00:00:00.250`;
 * - year-first dates with one-digit parts or slashes: `2024-1-3 0:00`, `2024/01/03 00:00:00`;
 * - slash dates `01/03/2024 1:05:00 PM`, day or month first: the file must settle which (a first part over 12 is a
 *   day, a second part over 12 makes the first the month); where both orders stay possible it is refused, not guessed.
 * - dates with the month's English name, day first (OSIsoft PI's form): `03-Jan-2024 00:00:00`, `3 Jan 2024 13:05`;
 * - ISO dates ending in ` UTC` or ` GMT`: `2024-01-03 00:00:00 UTC`.
 * ISO dates with a zone or offset (`Z`, `+01:00`, ` UTC`) are read in it, and marked so (`zoned`): absolute time.
 * A date with a two-digit year (`03.01.24`, `3/19/20 10:14`, `24/01/03`, `03-Jan-24`) is refused: nothing in it says
 * the century nor whether the year comes first or last (Date.parse read `03.01.24` as 1 March 2024 until 2026-12-04).
 * A day-month-year date without a time of day (`03.01.2024`, `01/03/2024`) is read by the same rules. Before
 * 2026-12-02 `Date.parse` read such a column month first where every cell allowed it (`03.01.2024` as 1 March), and
 * a later day over 12 turned the whole column round; no tool writes dotted dates month first.
 */

/** A day-month-year cell (`03.01.2024 00:00`, `01/03/2024`). */
interface DayDate {
  readonly row: number;
  readonly record: number;
  readonly cell: string;
  readonly first: number;
  readonly second: number;
  readonly year: number;
  /** The time of day; undefined where the cell has none. */
  readonly clockMs?: number;
}

const CLOCK = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp][Mm]))?`;
const DAY_DATE = new RegExp(String.raw`^(\d{1,2})([./])(\d{1,2})\2(\d{4})(?:(?:\s+|T)${CLOCK})?$`);
/** Three parts of one or two digits (`03.01.24`, `3/19/20 10:14`, `24/01/03`): a two-digit year, first or last. */
const SHORT_YEAR = new RegExp(String.raw`^\d{1,2}([./-])\d{1,2}\1\d{1,2}(?:(?:\s+|T)${CLOCK})?$`);
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:\s+|T)${CLOCK}$`);
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
/** The month (1–12) an English name or its first three letters (any case) names; 0 where none. */
const monthNamed = (name: string): number => {
  const n = name.toLowerCase();
  return MONTHS.findIndex((m) => m === n || m.slice(0, 3) === n || (m === 'september' && n === 'sept')) + 1;
};
/** A day, the month's English name (or its first three letters), a year: `03-Jan-2024 00:00:00` (OSIsoft PI). */
const MONTH_NAMED = new RegExp(String.raw`^(\d{1,2})([- ])([A-Za-z]{3,9})\2(\d{2}|\d{4})(?:(?:\s+|:)${CLOCK})?$`);
/** An ISO date whose zone is written as a word after it. */
const ZONE_WORD = /\s+(?:UTC|GMT)$/i;
/** A date that says its zone (`Z`, an offset `+01:00`, `-0500`; ZONE_WORD as `Z`): Date.parse reads it so. */
const ZONED = /[zZ]|[+-]\d\d:?\d\d$/;

/** A plain decimal number: sign, digits with an optional fraction, an optional exponent. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** What a time cell should look like, for a refusal. */
const FORMS =
  "write dates as 2024-01-03 00:00:00 (ISO 8601) or 03.01.2024 00:00:00 (day first), or Unix times (ms; s, µs or ns under a time's name)";

/** The ms into the day of a time matched by CLOCK from `m[at]` on (h, min, s, fraction, AM/PM); NaN if it is none. */
function clockMs(m: RegExpExecArray, at: number): number {
  const [h, min, s = '0', fraction = ''] = m.slice(at, at + 4);
  const half = m[at + 4]?.toUpperCase();
  let hour = Number(h);
  if (half !== undefined) {
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (half === 'PM' ? 12 : 0);
  }
  if (hour > 23 || Number(min) > 59 || Number(s) > 59) return NaN;
  return ((hour * 60 + Number(min)) * 60 + Number(s)) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
}

/** The UTC ms of a calendar date and time of day; NaN if there is no such day. Years 0–99 are those years (Date.UTC
 * would read them as 1900–1999). */
function utc(year: number, month: number, day: number, clock: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDate() === day && month >= 1 && month <= 12 ? date.getTime() + clock : NaN;
}

const dayFirst = (d: DayDate) => utc(d.year, d.second, d.first, d.clockMs ?? 0);
const monthFirst = (d: DayDate) => utc(d.year, d.first, d.second, d.clockMs ?? 0);

/** `2024-03-01 00:00:00` for the ISO fix of a refusal. */
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Whether a cell is a date as TimeColumn reads one (ISO 8601, day-first dotted, year-first, or a slash date whatever
 * its order): a first column of such cells is the time column whatever its name (`Zeitstempel`, `Time (UTC)`,
 * `_time`).
 */
export function isDateCell(cell: string): boolean {
  // The shapes TimeColumn reads as dates (Date.parse alone reads `1,25` as a day of 2001).
  if (DAY_DATE.test(cell)) return true;
  if (
    !MONTH_NAMED.test(cell) &&
    !YEAR_FIRST.test(cell) &&
    !/^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}\S*)?(?:\s*(?:Z|[+-]\d\d:?\d\d|UTC|GMT))?$/i.test(cell)
  )
    return false;
  try {
    new TimeColumn(1, '', '', () => 0).read(0, 0, cell);
    return true;
  } catch {
    return false;
  }
}

/** The time cells of a table's rows, read as the table is read; a refusal names the file, line and column. */
export class TimeColumn {
  readonly times: Float64Array;
  /** Every cell so far was a plain number. */
  numeric = true;
  /** Every cell so far was a date written with its zone or offset (`Z`, `+01:00`, `-0500`, ` UTC`): absolute time.
   * Plain numbers, and dates without one (local time, read as UTC), make it false. */
  zoned = true;
  /** Slash dates, read once the whole column says in which order (see settled). */
  private readonly slashed: DayDate[] = [];

  /** `lineOf(record)`: the line of the file a CSV record ends on. */
  constructor(
    rows: number,
    private readonly file: string,
    private readonly column: string,
    private readonly lineOf: (record: number) => number,
  ) {
    this.times = new Float64Array(rows);
  }

  /** Reads the time of data row `row`, CSV record `record`. */
  read(row: number, record: number, cell: string): void {
    // A plain decimal number, signed or with an exponent (-3, 1.7e9), is a number: Date.parse read "-3" as 2001-03-01.
    const numeric = PLAIN_NUMBER.test(cell);
    this.numeric &&= numeric;
    const m = numeric ? null : DAY_DATE.exec(cell);
    if (m) {
      this.zoned = false;
      const clock = m[5] === undefined ? undefined : clockMs(m, 5);
      const date = { row, record, cell, first: +m[1], second: +m[3], year: +m[4], clockMs: clock };
      // Dotted dates are day first whatever the rest of the column holds: read now.
      if (m[2] === '.') this.times[row] = this.checked(dayFirst(date), date);
      else this.slashed.push(date);
      return;
    }
    // Date.parse reads some of these month first with a century of its own (03.01.24 as 2024-03-01): refused.
    if (SHORT_YEAR.test(cell))
      this.refuse(
        record,
        `"${cell}" has a two-digit year, and the file does not say its century nor whether the year comes first or last; write four-digit years (03.01.2024 00:00:00) or ISO dates (2024-01-03 00:00:00)`,
      );
    const named = numeric ? null : MONTH_NAMED.exec(cell);
    if (named) {
      this.zoned = false;
      const month = monthNamed(named[3]);
      if (named[4].length === 2)
        this.refuse(
          record,
          `"${cell}" has a two-digit year, and the file does not say its century; write four-digit years (03-Jan-2024 00:00:00) or ISO dates (2024-01-03 00:00:00)`,
        );
      const t = month > 0 ? utc(+named[4], month, +named[1], named[5] === undefined ? 0 : clockMs(named, 5)) : NaN;
      if (!Number.isFinite(t)) this.refuse(record, `bad time "${cell}"; ${FORMS}`);
      this.times[row] = t;
      return;
    }
    const zoned = numeric ? cell : cell.replace(ZONE_WORD, 'Z');
    // Only an ISO date (read by Date.parse) may say its zone; one that does not is read as UTC, its zone unknown.
    const hasZone = !numeric && ZONED.test(zoned);
    const parsed = numeric
      ? Number(cell)
      : Date.parse(hasZone ? zoned.replace(' ', 'T') : `${zoned.replace(' ', 'T')}Z`);
    const y = Number.isNaN(parsed) ? YEAR_FIRST.exec(cell) : null;
    this.zoned &&= hasZone && !y;
    const t = y ? utc(+y[1], +y[3], +y[4], clockMs(y, 5)) : parsed;
    if (!Number.isFinite(t)) this.refuse(record, `bad time "${cell}"; ${FORMS}`);
    this.times[row] = t;
  }

  /** The times, with the slash dates read in the order the whole column settles. */
  settled(): Float64Array {
    if (this.slashed.length > 0) {
      const read = this.order(this.slashed);
      for (const d of this.slashed) this.times[d.row] = this.checked(read(d), d);
    }
    return this.times;
  }

  /** A date's time, refused naming its cell where it is no date (NaN). */
  private checked(t: number, d: DayDate): number {
    if (Number.isNaN(t)) this.refuse(d.record, `bad time "${d.cell}"; ${FORMS}`);
    return t;
  }

  /** The order of slash dates the file settles (a part over 12 is the day); where it settles none, a refusal. */
  private order(dates: readonly DayDate[]): (d: DayDate) => number {
    const notDayFirst = dates.find((d) => Number.isNaN(dayFirst(d)));
    const notMonthFirst = dates.find((d) => Number.isNaN(monthFirst(d)));
    const neither = dates.find((d) => Number.isNaN(dayFirst(d)) && Number.isNaN(monthFirst(d)));
    if (neither) this.refuse(neither.record, `bad time "${neither.cell}"; ${FORMS}`);
    if (notDayFirst && notMonthFirst)
      this.refuse(
        notMonthFirst.record,
        `"${notMonthFirst.cell}" can only be day/month/year, but line ${this.lineOf(notDayFirst.record)} "${notDayFirst.cell}" only month/day/year: the dates disagree on their order; write them as ISO dates (${iso(dayFirst(notMonthFirst))})`,
      );
    if (!notDayFirst && !notMonthFirst) {
      const d = dates[0];
      this.refuse(
        d.record,
        `the order of the slash date "${d.cell}" is ambiguous: it reads as ${iso(dayFirst(d))} day first (day/month/year) and as ${iso(monthFirst(d))} month first (month/day/year), and no date in the file has a day over 12 to tell which; write the dates as ISO dates (${iso(dayFirst(d))} or ${iso(monthFirst(d))})`,
      );
    }
    return notDayFirst ? monthFirst : dayFirst;
  }

  private refuse(record: number, what: string): never {
    throw new Error(`${this.file}:${this.lineOf(record)}: column ${this.column}: ${what}`);
  }
}
