/**
 * A CSV table's time column as times in ms and a sample period (csv-table.ts parses the cells, time-cells.ts reads
 * each one): the unit of plain numbers, times coarser than the rows, rows newest first, and daylight-saving changes
 * in dates written in local time. Every refusal names the file, what is wrong and the fix. Pure.
 */
import { TIME_COLUMN_NAMES, TIME_NAME } from './csv-cells.js';
import { unwrapClockChanges } from './csv-pauses.js';

/** What a parsed table (SkabTable) says of its time column. */
export interface TableTimes {
  readonly times: Float64Array;
  /** Every time cell was a plain number (not a date). */
  readonly numericTimes?: boolean;
  /**
   * Every time cell was a date written with its zone or offset (`Z`, `+01:00`, `-0500`, ` UTC`): absolute time, with
   * no daylight-saving change to unwrap. A column where some dates have none is read as local time throughout.
   */
  readonly zonedTimes?: boolean;
  /** The plain numbers were Unix times in this unit, now in ms in `times` (UNIX_UNITS). */
  readonly unixUnit?: 's' | 'µs' | 'ns';
  /** The file has no time column: its rows were counted as samples (1, 2, 3, …) in a `sample` column. */
  readonly countedRows?: boolean;
}

/** Plain numbers read as Unix time in milliseconds: from 1e11 (1973-03-03) to below 1e14 (the year 5138). A smaller
 * one is elapsed time or a row count, a larger one Unix µs or ns: a unit the file does not say. */
export const UNIX_MS_FROM = 1e11;
export const UNIX_MS_UNTIL = 1e14;
const isUnixMs = (t: number): boolean => t >= UNIX_MS_FROM && t < UNIX_MS_UNTIL;

/**
 * Other Unix units a column named as a time (TIME_NAME) may hold, each told by its size from 2001-09-09 to 2286-11-20
 * (ranges apart from each other and from Unix ms, by a factor of 10 at least): the factor to milliseconds. Under a
 * counter's name or none, such numbers stay plain (a sample number is never read as a date).
 */
export const UNIX_UNITS: readonly { readonly unit: 's' | 'µs' | 'ns'; readonly from: number; readonly toMs: number }[] =
  [
    { unit: 's', from: 1e9, toMs: 1e3 },
    { unit: 'µs', from: 1e15, toMs: 1e-3 },
    { unit: 'ns', from: 1e18, toMs: 1e-6 },
  ];

/** The Unix unit of plain-number times under a time's name, when every one lies in its range (see UNIX_UNITS). */
export function unixUnitOf(name: string, times: Float64Array): (typeof UNIX_UNITS)[number] | undefined {
  if (!TIME_NAME.test(name) || times.length === 0) return undefined;
  let [lo, hi] = [Infinity, -Infinity];
  for (const t of times) [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
  return UNIX_UNITS.find((u) => lo >= u.from && hi < 10 * u.from);
}

/** Plain-number times of which some have the size of Unix ms and some not (Unix seconds, then ms): refused, since
 * either reading would put some rows decades away from the others. */
export function refuseMixedUnixMs(
  times: Float64Array,
  file: string,
  column: string,
  lineOf: (row: number) => number,
): void {
  const first = isUnixMs(times[0]);
  const other = times.findIndex((t) => isUnixMs(t) !== first);
  if (other < 0) return;
  const [ms, not] = first ? [0, other] : [other, 0];
  throw new Error(
    `${file}:${lineOf(not)}: column ${column}: ${times[not]} is not of the size of Unix ms (1973 to 5138), ${times[ms]} at line ${lineOf(ms)} is: the column is neither Unix ms throughout nor plain numbers of one other size (a placeholder such as 0, two units, or a count that grows past 1e11); write every time as a date, or in one unit`,
  );
}

/** Whether the first `n` times are plain numbers in a unit the file does not say (see UNIX_MS_FROM). */
export function unitlessTimes(table: TableTimes, n = table.times.length): boolean {
  if (table.numericTimes !== true) return false;
  return !isUnixMs(Math.max(table.times[0], table.times[n - 1]));
}

/** The start of a message about a time column of plain numbers (see unitlessTimes): the file and its first times. */
export function plainNumberTimes(file: string, times: Float64Array, countedRows = false): string {
  return countedRows
    ? `${file}: has no time column (${TIME_COLUMN_NAMES}): its rows are read as samples`
    : `${file}: the time column holds plain numbers (${[...times.subarray(0, 3)].join(', ')}, …), not dates or Unix times (ms; s, µs or ns under a time's name)`;
}

/**
 * The times of the first `n` rows in milliseconds and the sample period. Dates and Unix times (read as ms by
 * parseSkabCsv) are taken as they are, the period from `givenMs` or else the median spacing; dates written in local
 * time (no zone) run on across a daylight-saving change (unwrapClockChanges), while dates with their zone and Unix
 * times are absolute, so a step of an hour there is a pause or rows going back. Other plain numbers (seconds or hours
 * since the start, a sample number, Unix times under a counter's name) have no unit the file says: they need
 * `givenMs`, and are scaled so that their median spacing is that period (gaps keep their length in rows). Times
 * coarser than the rows (repeatsStamps) need `givenMs` too: the rows that share a time are read that far apart
 * (repeatedStamps, repeatedNumbers). A period the file cannot give is an error naming the file and the fix.
 */
export function timesInMs(
  table: TableTimes,
  file: string,
  givenMs?: number,
  n = table.times.length,
): { times: Float64Array; periodMs: number } {
  const times = table.times.subarray(0, n);
  const repeats = repeatsStamps(times);
  // Where rows share their times, the order is told by the steps from one time to the next.
  const spacing = repeats ? distinctSpacing(times) : medianSpacing(times);
  if (spacing < 0)
    throw new Error(
      `${file}: its rows run back in time (newest first: the median step from one ${repeats ? 'time' : 'row'} to the next is ${spacing}); sort them oldest first`,
    );
  if (unitlessTimes(table, n)) {
    if (n < 2)
      throw new Error(
        `${file}: one row${table.countedRows ? ', and no time column' : ''}: a sample period needs at least two rows`,
      );
    if (givenMs === undefined)
      throw new Error(
        `${plainNumberTimes(file, times, table.countedRows)}, so the sample period is unknown; give --period-ms` +
          `${repeats ? ' (the rows that share a number are then read that far apart)' : ''}, or ` +
          `${table.countedRows ? 'add a time column' : 'write the times as dates (2024-01-23 00:03:00)'}`,
      );
    if (repeats) return repeatedNumbers(times, file, givenMs);
    return { times: times.map((t) => (t * givenMs) / spacing), periodMs: givenMs };
  }
  if (repeats) return repeatedStamps(times, file, givenMs);
  // Dates give their own period: a given one is taken over them only where a poll of that period may have spaced
  // them (nearPollPeriod), so that train, eval and eval --model read a recording alike.
  if (givenMs !== undefined && givenMs !== spacing && spacing > 0 && !nearPollPeriod(spacing, givenMs))
    throw new Error(
      `${file}: its time column gives a sample period of ${spacing} ms, not the ${givenMs} of --period-ms (which is for times written as plain numbers, files with no time column, and dates polled every --period-ms that the poll spaced up to ${NEAR_POLL_PERIOD * 100} % wider)`,
    );
  const periodMs = givenMs ?? spacing;
  if (!(periodMs > 0))
    throw new Error(
      `${file}: cannot tell the sample period from the time column (median spacing ${periodMs} ms); give --period-ms`,
    );
  const absolute = table.numericTimes === true || table.zonedTimes === true;
  return { times: absolute ? times : unwrapClockChanges(times, periodMs), periodMs };
}

/** Whether a quarter or more of the rows share their time with the row before: the times are coarser than the rows
 * (whole seconds at two or more rows a second), and their spacing is no sample period. */
export function repeatsStamps(times: ArrayLike<number>): boolean {
  let same = 0;
  for (let i = 1; i < times.length; i++) if (times[i] === times[i - 1]) same++;
  return times.length > 1 && same * 4 >= times.length - 1;
}

/**
 * Dates that rows share with the row before (whole seconds at several rows a second, as Excel often shows them):
 * with `givenMs`, the rows that share a stamp are spread from it `givenMs` apart (refused where they would run past
 * the next stamp: the period is too long); without, an error that says so.
 */
function repeatedStamps(
  times: Float64Array,
  file: string,
  givenMs: number | undefined,
): { times: Float64Array; periodMs: number } {
  if (givenMs === undefined) {
    let runs = 1;
    for (let i = 1; i < times.length; i++) if (times[i] !== times[i - 1]) runs++;
    throw new Error(
      `${file}: many rows share their time with the row before (${times.length} rows, ${runs} distinct times, ` +
        `${new Date(times[0]).toISOString()} first): the times are coarser than the rows, such as whole seconds at ` +
        'several rows a second; export them with milliseconds, or give --period-ms (the rows that share a time are ' +
        'then read that far apart)',
    );
  }
  const spread = spreadRuns(times, givenMs, (i, last) => {
    throw new Error(
      `${file}: --period-ms ${givenMs}: the rows that share the time ${new Date(times[i - 1]).toISOString()}, ` +
        `${givenMs} ms apart, run up to ${new Date(last).toISOString()}, past the next time: give the ` +
        'period the rows were taken at (the time from one stamp to the next over the rows that share one)',
    );
  });
  return { times: spread, periodMs: givenMs };
}

/**
 * Plain numbers with no unit that rows share with the row before (whole seconds since the start at 4 rows a second:
 * 0, 0, 0, 0, 1, 1, …), read as repeatedStamps reads dates: the rows that share a number `givenMs` apart from its
 * time. The unit comes from the rows: the median step from one number to the next is as long as the rows most
 * numbers have (the median run) at `givenMs` (4 rows at 250 ms: 1 is 1000 ms), so a number with fewer rows (4, 4, 3,
 * 4) leaves a longer step before the next, and a gap in the numbers keeps its length. A number with more rows than
 * fit before the next is refused, as are numbers that hold one value throughout.
 */
function repeatedNumbers(
  times: Float64Array,
  file: string,
  givenMs: number,
): { times: Float64Array; periodMs: number } {
  const step = distinctSpacing(times);
  if (!(step > 0))
    throw new Error(
      `${file}: the time column holds ${times[0]} in all its ${times.length} rows: it says no time; ` +
        'write the times as dates, or leave the column out to have the rows counted as samples --period-ms apart',
    );
  const runs: number[] = [];
  let start = 0;
  for (let i = 1; i <= times.length; i++) {
    if (i < times.length && times[i] === times[i - 1]) continue;
    runs.push(i - start);
    start = i;
  }
  const perNumber = median(runs);
  const msPerUnit = (perNumber * givenMs) / step;
  const ms = times.map((t) => t * msPerUnit);
  const spread = spreadRuns(ms, givenMs, (i) => {
    let first = i - 1;
    while (first > 0 && times[first - 1] === times[i - 1]) first--;
    throw new Error(
      `${file}: --period-ms ${givenMs}: ${i - first} rows share the time ${times[i - 1]} (data rows ${first + 1} to ` +
        `${i}): ${givenMs} ms apart they run past the next time, ${times[i]}, read as ${ms[i] - ms[i - 1]} ms later ` +
        `(most times have ${perNumber} rows: a step of ${step} is read as ${perNumber} rows at ${givenMs} ms); the ` +
        'times are too coarse to place these rows: write them to a finer unit (with their fractions) or as dates ' +
        'with milliseconds',
    );
  });
  return { times: spread, periodMs: givenMs };
}

/**
 * Times where rows share one, the rows after the first of each spread `givenMs` apart from it; `overrun(i, last)`
 * where the rows before row `i` run up to `last`, at or past row `i`'s later time. A step back in time (rows repeated,
 * recordings joined out of order) is kept, for the pause it is.
 */
function spreadRuns(times: Float64Array, givenMs: number, overrun: (i: number, last: number) => never): Float64Array {
  const spread = Float64Array.from(times);
  for (let i = 1; i < times.length; i++) {
    if (times[i] === times[i - 1]) spread[i] = spread[i - 1] + givenMs;
    else if (times[i] > times[i - 1] && spread[i - 1] >= times[i]) overrun(i, spread[i - 1]);
  }
  return spread;
}

/** The median step from one time to the next where the time changes (the spacing of times that rows share); NaN
 * where it never does. */
function distinctSpacing(times: ArrayLike<number>): number {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) if (times[i] !== times[i - 1]) steps.push(times[i] - times[i - 1]);
  return median(steps);
}

/** The median spacing of the first `n` times (the sample period of a recording); NaN with fewer than two. */
export function medianSpacing(times: ArrayLike<number>, n = times.length): number {
  return median(Array.from({ length: Math.max(0, n - 1) }, (_, i) => times[i + 1] - times[i]));
}

/** The upper median of some numbers (NaN where there are none); sorts them. */
function median(values: number[]): number {
  if (values.length === 0) return NaN;
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * How much wider than the poll that made them a recording's rows may be spaced by the poll alone. A poll that waits its
 * interval after each answer adds the answer's time to every step: node-red-contrib-modbus polling every 200 ms on a
 * Node-RED walk recorded rows 201-208 ms apart (medians of two-minute stretches, 205 ms over 20 minutes), and a slower
 * PLC's answer adds more. The usual poll rates (100, 200, 250, 500, 1000 ms, ...) stand at least 20 % apart, so half
 * that still tells a recording made at another rate, which is refused.
 */
export const NEAR_POLL_PERIOD = 0.1;

/** Whether rows spaced `spacingMs` apart may have been polled every `pollMs` (up to NEAR_POLL_PERIOD wider). */
export function nearPollPeriod(spacingMs: number, pollMs: number): boolean {
  return spacingMs >= pollMs && spacingMs <= pollMs * (1 + NEAR_POLL_PERIOD);
}
