/**
 * Properties of CSV reading (recordings and historian exports are outside input): a table of
 * numbers round-trips exactly with either separator, no column is silently lost, and any text
 * is either a table or an Error naming the file (and line, where there is one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { parseSkabCsv } from '../../src/core/csv-table.js';

const RUNS = { numRuns: 100 };
const columnName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _]{0,10}[A-Za-z0-9]$/);
/** Finite numbers as a CSV writes them (`+ 0` makes -0 a 0: String(-0) is "0"). */
const table = fc
  .record({
    separator: fc.constantFrom(';', ','),
    names: fc.uniqueArray(columnName, { minLength: 1, maxLength: 5, selector: (n) => n.toLowerCase() }),
    // Unix ms: plain numbers below 1e11 name no unit and need a period (timesInMs).
    start: fc.integer({ min: 100_000_000_000, max: 2_000_000_000_000 }),
    rows: fc.integer({ min: 1, max: 8 }),
  })
  .chain((t) =>
    fc
      .array(
        fc.array(
          fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => v + 0),
          {
            minLength: t.names.length,
            maxLength: t.names.length,
          },
        ),
        {
          minLength: t.rows,
          maxLength: t.rows,
        },
      )
      .map((values) => ({ ...t, values })),
  );

const render = (t: { separator: string; names: string[]; start: number; values: number[][] }, time = 'timestamp') =>
  [[time, ...t.names], ...t.values.map((row, i) => [String(t.start + i * 1000), ...row.map(String)])]
    .map((cells) => cells.join(t.separator))
    .join('\n');

describe('CSV reading (property)', () => {
  it('round-trips a table of finite numbers exactly, with ; or , and any line ending', () => {
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (t, eol) => {
        const parsed = parseSkabCsv(render(t).replace(/\n/g, eol), 'rec.csv');
        expect(parsed.header).toEqual(['timestamp', ...t.names]);
        expect([...parsed.times]).toEqual(t.values.map((_, i) => t.start + i * 1000));
        t.names.forEach((n, k) => expect([...parsed.columns.get(n)!]).toEqual(t.values.map((row) => row[k])));
      }),
      RUNS,
    );
  });

  it('refuses a header that names a column twice instead of keeping only one of them', () => {
    fc.assert(
      fc.property(table, (t) => {
        const twice = { ...t, names: [...t.names, t.names[0]], values: t.values.map((r) => [...r, r[0]]) };
        expect(() => parseSkabCsv(render(twice), 'rec.csv')).toThrow(
          `rec.csv: column "${t.names[0]}" appears twice in the header (fields 2 and ${t.names.length + 2})`,
        );
      }),
      RUNS,
    );
  });

  it('answers any text with a table or an Error naming the file', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      table
        .map((t) => render(t))
        .chain((s) => fc.nat({ max: s.length }).map((cut) => s.slice(0, cut) + 'x' + s.slice(cut + 1))),
      fc
        .array(
          fc.constantFrom('time', ';', ',', '1', '2.5', 'e', '-', '\n', ' ', 'NaN', 'Infinity', '2024-01-01 00:00:00'),
          {
            maxLength: 24,
          },
        )
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (s) => {
        try {
          const parsed = parseSkabCsv(s, 'rec.csv');
          for (const column of parsed.columns.values()) expect(column.every((v) => Number.isFinite(v))).toBe(true);
          expect(parsed.times.every((v) => !Number.isNaN(v))).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/^rec\.csv(:\d+)?: \S/);
        }
      }),
      RUNS,
    );
  });

  it('reads labelled tables without losing a channel or a label, or names what is missing', () => {
    fc.assert(
      fc.property(table, fc.boolean(), (t, labelled) => {
        const names = labelled ? [...t.names, 'anomaly', 'changepoint'] : t.names;
        const values = t.values.map((r, i) => (labelled ? [...r, i % 2, 0] : r));
        const text = render({ ...t, names, values });
        if (!labelled) {
          expect(() => readLabelledCsv('lab.csv', text)).toThrow(/^lab\.csv: no "anomaly" column$/);
          return;
        }
        fc.pre(t.values.length >= 2);
        const series = readLabelledCsv('lab.csv', text);
        expect(series.channels).toEqual(t.names);
        expect([...series.rows]).toEqual(t.values.flat());
        expect([...series.anomaly]).toEqual(t.values.map((_, i) => i % 2));
      }),
      RUNS,
    );
  });
});
