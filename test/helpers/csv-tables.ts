/**
 * For tests of CSV reading: a table as plain arrays, a refusal's message, SKAB's valve1/3.csv and the same recording
 * rewritten cell by cell as other exports write it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SkabTable } from '../../src/core/csv-table.js';
import { ROOT } from './cli.js';

/** A table as plain arrays, to compare exactly. */
export const plain = (t: SkabTable) => ({
  header: t.header,
  times: [...t.times],
  columns: Object.fromEntries([...t.columns].map(([name, values]) => [name, [...values]])),
});

/** The message `read` throws, word for word. */
export function refusal(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    return (err as Error).message;
  }
  return 'read without an error';
}

export const VALVE = join(ROOT, 'data/skab/valve1/3.csv');
export const VALVE_TEXT = readFileSync(VALVE, 'utf8');

/** valve1/3.csv (CRLF) with each row's cells passed through `cells` (the header is row -1), LF line ends. */
export const valveWith = (cells: (row: number, cells: string[]) => string[], separator = ';'): string =>
  `${VALVE_TEXT.trimEnd()
    .split(/\r?\n/)
    .map((l, i) => cells(i - 1, l.split(';')).join(separator))
    .join('\n')}\n`;

/** valve1/3.csv with its dates written `day${mark}month${mark}year hh:mm:ss` (`09.03.2020 11:14:34`). */
export const valveDayFirst = (mark: string): string =>
  valveWith((row, c) => {
    if (row < 0) return c;
    const [, y, m, d, clock] = /^(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d)$/.exec(c[0])!;
    return [`${d}${mark}${m}${mark}${y} ${clock}`, ...c.slice(1)];
  });
