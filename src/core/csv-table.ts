/**
 * Time-series CSV tables (SKAB recordings, historian exports): a header row, the time first, numbers
 * in the other columns. Read by the simulator's replay, by training and by evaluation.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface SkabTable {
  readonly header: readonly string[];
  readonly times: Float64Array;
  readonly columns: ReadonlyMap<string, Float64Array>;
}

/**
 * Parses a time-series CSV: a header row, the time in the first column (SKAB's `datetime`
 * "2020-02-08 13:30:47", ISO 8601, or epoch milliseconds), numbers in the others; `;` or `,`
 * separated (whichever the header uses). Every problem names the file, line and column.
 */
export function parseSkabCsv(text: string, file = 'CSV'): SkabTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${file}: no data rows`);
  const separator = lines[0].includes(';') ? ';' : ',';
  const header = lines[0].split(separator).map((h) => h.trim());
  if (!/^(datetime|time|timestamp|ts|date)$/i.test(header[0]))
    throw new Error(`${file}: first column must be the time (datetime, time or timestamp), found "${header[0]}"`);
  const first = header.findIndex((h, i) => header.indexOf(h) !== i);
  if (first >= 0)
    throw new Error(
      `${file}: column "${header[first]}" appears twice in the header (fields ${header.indexOf(header[first]) + 1} and ${first + 1})`,
    );
  const times = new Float64Array(lines.length - 1);
  const columns = new Map(header.slice(1).map((h) => [h, new Float64Array(lines.length - 1)]));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(separator);
    if (cells.length !== header.length)
      throw new Error(`${file}:${i + 1}: expected ${header.length} fields, found ${cells.length}`);
    const cell = cells[0].trim();
    const t = /^\d+(\.\d+)?$/.test(cell)
      ? Number(cell)
      : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(cell) ? cell.replace(' ', 'T') : `${cell.replace(' ', 'T')}Z`);
    if (Number.isNaN(t)) throw new Error(`${file}:${i + 1}: bad time "${cells[0]}"`);
    times[i - 1] = t;
    header.slice(1).forEach((h, k) => {
      const v = Number(cells[k + 1]);
      if (cells[k + 1].trim() === '' || !Number.isFinite(v))
        throw new Error(`${file}:${i + 1}: column ${h}: not a number: "${cells[k + 1]}"`);
      columns.get(h)![i - 1] = v;
    });
  }
  return { header, times, columns };
}

/** The median spacing of the first `n` times (the sample period of a recording); NaN with fewer than two. */
export function medianSpacing(times: ArrayLike<number>, n = times.length): number {
  const spacing = Array.from({ length: n - 1 }, (_, i) => times[i + 1] - times[i]).sort((a, b) => a - b);
  return spacing[Math.floor(spacing.length / 2)];
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

/** The header of a CSV file (its first line, split as parseSkabCsv splits it), read without the rest. */
export function csvHeader(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const first = buf
      .subarray(0, readSync(fd, buf, 0, buf.length, 0))
      .toString('utf8')
      .split(/\r?\n/, 1)[0];
    return first.split(first.includes(';') ? ';' : ',').map((h) => h.trim());
  } finally {
    closeSync(fd);
  }
}
