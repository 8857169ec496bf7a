/**
 * A time-series CSV with no column named as a time or a sample counter (a benchmark's matrix written as CSV): its rows
 * are counted as samples, which need a sample period (pure).
 */
import { MISSING_READING, TIME_COLUMN_NAMES, isLabelColumn, leadingIndexNames, numberOf } from './csv-cells.js';
import { isDateCell } from './time-cells.js';

/** The name of the time column of a file without one, whose rows are counted as samples. */
export const ROW_COUNTER = 'sample';

/**
 * Where the channels start in a file with no column named as a time or a sample counter (its rows are then counted as
 * samples, which need a sample period): after leading nameless columns that count the rows (a pandas or R index, from
 * 0 or 1). `counted` false: that first column holds dates, and is the time column under another name. Refused,
 * naming the column and the fix, where the header holds readings (no header row), no column after the index has a
 * name, or the first column (unless a label) holds text that is no date or runs as a clock or a counter
 * (looksLikeClock), which would otherwise be read as a channel.
 */
export function countedRowsFrom(
  named: readonly string[],
  records: readonly string[][],
  data: readonly number[],
  file: string,
  lineOf: (record: number) => number,
  separator: string,
): { readonly from: number; readonly counted: boolean } {
  const cell = (r: number, j: number) => (records[r][j] ?? '').trim();
  // No header: every name a number, blank or a missing reading (a first row of readings with a gap or a trailing `,`).
  const notNames = named.filter((h) => MISSING_READING.test(h) || Number.isFinite(numberOf(h, separator)));
  if (notNames.length === named.length && notNames.some((h) => Number.isFinite(numberOf(h, separator))))
    throw new Error(
      `${file}:${lineOf(0)}: the header holds readings (${named
        .slice(0, 3)
        .map((h) => `"${h}"`)
        .join(', ')}${named.length > 3 ? ', …' : ''}), not column names: add a header row`,
    );
  const refuse = (why: string) =>
    new Error(
      `${file}: no column is named as ${TIME_COLUMN_NAMES}, so the rows would be counted as samples --period-ms apart, but ${why}`,
    );
  const index = leadingIndexNames(named);
  let j = 0;
  for (; j < index; j++) {
    const start = Number(cell(data[0], j));
    const counts = (start === 0 || start === 1) && data.every((r, k) => Number(cell(r, j)) === start + k);
    if (!counts)
      throw refuse(
        `field ${j + 1} ("${named[j]}") is not a row index (0, 1, 2, … or 1, 2, 3, …): name it if it holds readings, or drop it`,
      );
  }
  const name = named[j];
  if (named.slice(j).every((h) => h === ''))
    throw refuse('no column after its row index has a name: name the columns of readings');
  // A label first (anomaly, changepoint) is read as labels are; the channels after it as readings.
  if (isLabelColumn(name)) return { from: j, counted: true };
  const rows = data.filter((r) => !MISSING_READING.test(cell(r, j)));
  // Dates first: the time column under another name (a historian's `Zeitstempel`, `Time (UTC)`), read as one.
  if (rows.length > 0 && isDateCell(cell(rows[0], j))) return { from: j, counted: false };
  const text = rows.find((r) => !Number.isFinite(numberOf(cell(r, j), separator)));
  if (text !== undefined)
    throw refuse(
      `its first column "${name}" holds "${cell(text, j)}" (line ${lineOf(text)}), neither a reading nor a date (a time column holds dates such as 2024-01-03 00:00:00 or 03.01.2024 00:00:00, or Unix times under a time's name)`,
    );
  const v = rows.map((r) => numberOf(cell(r, j), separator));
  if (v.length > 2 && looksLikeClock(v))
    throw refuse(
      `its first column "${name}" runs as a clock or a counter does (${v
        .slice(0, 3)
        .join(
          ', ',
        )}, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column`,
    );
  return { from: j, counted: true };
}

/**
 * Whether a column's readings (missing ones left out) run as a clock or a counter: from an epoch's size (Unix s, ms,
 * µs) and never turning back (repeats and newest first included), or moving the same way on every row in steps
 * within half of their median (a clock with jitter) or in whole multiples of the median step (a counter or a clock
 * with a row dropped). A small counter that repeats its values (two rows a second) is not told from a reading.
 */
function looksLikeClock(v: readonly number[]): boolean {
  const steps = v.slice(1).map((x, k) => x - v[k]);
  const epoch = v.every((x) => Math.abs(x) >= 1e9);
  if (epoch && (steps.every((s) => s >= 0) || steps.every((s) => s <= 0))) return true;
  const sign = Math.sign(steps[0]);
  if (sign === 0 || !steps.every((s) => Math.sign(s) === sign)) return false;
  const sizes = steps.map(Math.abs);
  const median = [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)];
  const multiple = (s: number) => Math.abs(s / median - Math.round(s / median)) < 1e-6 && s >= median;
  return sizes.every((s) => Math.abs(s - median) <= median / 2 || multiple(s));
}
