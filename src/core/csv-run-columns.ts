/**
 * The columns a time-series CSV has between a pandas index and its time column (csv-table.ts): those that name the
 * run, left out of the channels, and those refused, naming the column and the fix.
 */
import { COUNTER_NAME, TIME_COLUMN_NAMES, TIME_NAME, isLabelColumn } from './csv-cells.js';

/** A column that names the run: its name and its one value. */
export interface RunColumn {
  readonly name: string;
  readonly value: string;
}

/**
 * Columns between a pandas index and the time column, checked and left out, or refused naming the column and the fix:
 * before a sample counter, columns that name the run (Tennessee Eastman as Rieth et al. publish it: `faultNumber`,
 * `simulationRun`, `sample`), each one value in every row (not a label); before a column named as a time, only a column
 * that counts the rows under a counter's name (pandas' reset_index `index`, a `sample` or `row` number: 0, 1, 2, … or
 * 1, 2, 3, …). Runs after every row's fields were counted; returns the
 * columns that name the run.
 */
export function leadingColumns(
  names: readonly string[],
  from: number,
  timeName: string,
  records: readonly string[][],
  data: readonly number[],
  file: string,
  lineOf: (record: number) => number,
): RunColumn[] {
  const counter = !TIME_NAME.test(timeName);
  return names.flatMap((name, j) => {
    const cell = (r: number) => records[r][from + j].trim();
    if (!counter) {
      const start = Number(cell(data[0]));
      const rowIndex =
        COUNTER_NAME.test(name) && (start === 0 || start === 1) && data.every((r, k) => cell(r) === String(start + k));
      if (!rowIndex) throw new Error(`${file}: first column must be ${TIME_COLUMN_NAMES}, found "${name}"`);
      return [];
    }
    if (isLabelColumn(name))
      throw new Error(
        `${file}: the label column "${name}" comes before the time column "${timeName}"; put the time first`,
      );
    const other = data.find((r) => cell(r) !== cell(data[0]));
    if (other !== undefined)
      throw new Error(
        `${file}:${lineOf(other)}: column "${name}" comes before the time column "${timeName}" and changes ("${cell(data[0])}", then "${cell(other)}"): put the time first; columns before a sample counter may only name the run (one value in every row), one run per file`,
      );
    return [{ name, value: cell(data[0]) }];
  });
}
