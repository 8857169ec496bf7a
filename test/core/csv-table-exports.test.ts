/**
 * CSV files as Excel, pandas and SCADA historians export them: day-first dotted dates, slash dates whose order the
 * file settles (or a refusal saying it does not), true/false labels, a pandas index column, an Excel `sep=` line, a
 * separator ending every line and rows of empty cells. Each reads as its plain SKAB twin reads; what cannot be read
 * without a guess is refused with the file, line, column and the fix.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvHeader, parseSkabCsv } from '../../src/core/csv-table.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { csvNormalData } from '../../src/training/csv-dataset.js';
import { plain, refusal, VALVE, VALVE_TEXT as valve, valveDayFirst, valveWith } from '../helpers/csv-tables.js';

const times = (text: string) => [...parseSkabCsv(text, 'x.csv').times];

describe('time cells as spreadsheets and historians write them', () => {
  it("reads OSIsoft PI's dates with the month's name, and ISO dates ending in UTC, as the same UTC times", () => {
    expect(
      times(
        'datetime;a\n03-Jan-2024 00:00:00;1\n3-jan-2024 00:00:01.5;2\n3 January 2024 13:05;3\n31-DEC-2024;4\n' +
          '2024-01-03 07:00:00 UTC;5\n2024-01-03 08:00:00 GMT;6\n3 Sept 2024 10:00;7\n',
      ),
    ).toEqual([
      Date.UTC(2024, 0, 3),
      Date.UTC(2024, 0, 3, 0, 0, 1, 500),
      Date.UTC(2024, 0, 3, 13, 5),
      Date.UTC(2024, 11, 31),
      Date.UTC(2024, 0, 3, 7),
      Date.UTC(2024, 0, 3, 8),
      Date.UTC(2024, 8, 3, 10),
    ]);
    // A word that is no month makes no date: such a first column is no time column.
    expect(refusal(() => parseSkabCsv('Druck;a\n12 bar 2024;1\n', 'kpa.csv'))).toContain(
      'its first column "Druck" holds "12 bar 2024" (line 2), neither a reading nor a date',
    );
    // A first column of them is the time column whatever its name.
    expect(parseSkabCsv('Zeitstempel;a\n03-Jan-2024 00:00:00;1\n', 'pi.csv').header).toEqual(['Zeitstempel', 'a']);
    expect(refusal(() => times('datetime;a\n03-Jan-24 00:00:00;1\n'))).toBe(
      'x.csv:2: column datetime: "03-Jan-24 00:00:00" has a two-digit year, and the file does not say its century; ' +
        'write four-digit years (03-Jan-2024 00:00:00) or ISO dates (2024-01-03 00:00:00)',
    );
    expect(refusal(() => times('datetime;a\n31-Feb-2024 00:00:00;1\n'))).toMatch(
      /^x\.csv:2: column datetime: bad time "31-Feb-2024 00:00:00"; write dates as /,
    );
    expect(refusal(() => times('datetime;a\n03-Mai-2024 00:00:00;1\n'))).toMatch(
      /^x\.csv:2: column datetime: bad time "03-Mai-2024 00:00:00"; write dates as /,
    );
  });

  it('reads day-first dotted dates as the same UTC times as their ISO twins', () => {
    const dotted = valveDayFirst('.');
    expect(dotted).toMatch(/\n09\.03\.2020 11:14:34;/);
    expect(plain(parseSkabCsv(dotted, 'dotted.csv'))).toEqual(plain(parseSkabCsv(valve, 'valve.csv')));
    // Without seconds, with milliseconds, one-digit day, month and hour.
    expect(
      times('datetime;a\n03.01.2024 00:00;1\n03.01.2024 00:00:00.250;2\n3.1.2024 7:05:09;3\n31.12.2024 23:59;4\n'),
    ).toEqual([
      Date.UTC(2024, 0, 3),
      Date.UTC(2024, 0, 3, 0, 0, 0, 250),
      Date.UTC(2024, 0, 3, 7, 5, 9),
      Date.UTC(2024, 11, 31, 23, 59),
    ]);
    // A midnight written without its time, as some exports do, is day first like the rest of the file.
    expect(times('datetime;a\n03.01.2024 23:59:59;1\n04.01.2024;2\n13.01.2024;3\n')).toEqual([
      Date.UTC(2024, 0, 3, 23, 59, 59),
      Date.UTC(2024, 0, 4),
      Date.UTC(2024, 0, 13),
    ]);
  });

  it('reads year-first dates with slashes or one-digit parts', () => {
    expect(times('time;a\n2024/01/03 00:00:00;1\n2024-1-3 7:05;2\n2024/1/13 0:00:01.5;3\n')).toEqual([
      Date.UTC(2024, 0, 3),
      Date.UTC(2024, 0, 3, 7, 5),
      Date.UTC(2024, 0, 13, 0, 0, 1, 500),
    ]);
  });

  it('reads slash dates day first or month first as the file settles it, AM/PM too', () => {
    // A first part over 12 is a day: every date in the file is day first.
    expect(times('datetime;a\n12/01/2024 23:59:59;1\n13/01/2024 00:00;2\n')).toEqual([
      Date.UTC(2024, 0, 12, 23, 59, 59),
      Date.UTC(2024, 0, 13),
    ]);
    // A second part over 12 is a day: every date in the file is month first (US Excel, with AM/PM).
    expect(times('datetime;a\n1/12/2024 11:59:59 PM;1\n1/13/2024 12:00:00 AM;2\n1/13/2024 12:30 PM;3\n')).toEqual([
      Date.UTC(2024, 0, 12, 23, 59, 59),
      Date.UTC(2024, 0, 13),
      Date.UTC(2024, 0, 13, 12, 30),
    ]);
    expect(times('datetime;a\n31/12/2024 23:00;1\n01/01/2025;2\n02/01/2025 0:00;3\n')).toEqual([
      Date.UTC(2024, 11, 31, 23),
      Date.UTC(2025, 0, 1),
      Date.UTC(2025, 0, 2),
    ]);
  });

  it('refuses slash dates whose order the file leaves open, naming both readings and the fix', () => {
    const slashes = valveDayFirst('/');
    expect(refusal(() => parseSkabCsv(slashes, 'slash.csv'))).toBe(
      'slash.csv:2: column datetime: the order of the slash date "09/03/2020 11:14:34" is ambiguous: it reads as 2020-03-09 11:14:34 day first (day/month/year) and as 2020-09-03 11:14:34 month first (month/day/year), and no date in the file has a day over 12 to tell which; write the dates as ISO dates (2020-03-09 11:14:34 or 2020-09-03 11:14:34)',
    );
  });

  it('refuses slash dates that disagree on their order, and a date that is none', () => {
    expect(refusal(() => times('datetime;a\n01/03/2024 00:00;1\n\n13/03/2024 00:00;2\n03/13/2024 00:00;3\n'))).toBe(
      'x.csv:4: column datetime: "13/03/2024 00:00" can only be day/month/year, but line 5 "03/13/2024 00:00" only month/day/year: the dates disagree on their order; write them as ISO dates (2024-03-13 00:00:00)',
    );
    expect(refusal(() => times('datetime;a\n31.02.2024 00:00;1\n'))).toBe(
      'x.csv:2: column datetime: bad time "31.02.2024 00:00"; write dates as 2024-01-03 00:00:00 (ISO 8601) or 03.01.2024 00:00:00 (day first), or Unix times (ms; s, µs or ns under a time\'s name)',
    );
    // A two-digit year, first or last, with or without a time of day: Date.parse read 03.01.24 as 2024-03-01.
    for (const [cell, line] of [
      ['01/03/24 00:00', 2],
      ['03.01.24', 2],
      ['24-01-03', 2],
      ['3/19/20 10:14 PM', 2],
    ] as const)
      expect(refusal(() => times(`datetime;a\n${cell};1\n`))).toBe(
        `x.csv:${line}: column datetime: "${cell}" has a two-digit year, and the file does not say its century nor whether the year comes first or last; write four-digit years (03.01.2024 00:00:00) or ISO dates (2024-01-03 00:00:00)`,
      );
  });
});

describe('separate Date and Time columns (a SCADA layout)', () => {
  it('reads them as one time column, with the times and channels of the file that writes them together', () => {
    const split = (day: (iso: string) => string) =>
      valveWith((row, c) => {
        if (row < 0) return ['Date', 'Time', ...c.slice(1)];
        const [date, clock] = c[0].split(' ');
        return [day(date), clock, ...c.slice(1)];
      });
    const original = parseSkabCsv(valve, 'valve.csv');
    for (const text of [split((d) => d), split((d) => d.split('-').reverse().join('.'))]) {
      const t = parseSkabCsv(text, 'split.csv');
      expect(t.header).toEqual(['Date Time', ...original.header.slice(1)]);
      expect(plain(t).times).toEqual(plain(original).times);
      expect(plain(t).columns).toEqual(plain(original).columns);
    }
  });

  it('keeps a Time column of numbers as a channel, as before', () => {
    const t = parseSkabCsv('date;time;x\n2024-01-03 00:00:00;5;1\n2024-01-03 00:00:01;6;2\n', 'n.csv');
    expect(t.header).toEqual(['date', 'time', 'x']);
    expect([...t.columns.get('time')!]).toEqual([5, 6]);
  });
});

describe('dates without a time of day, and early years', () => {
  it('reads dotted dates day first with no time of day too, whatever days the file holds', () => {
    // Before, Date.parse read these month first (1 January, 1 February, 1 March) until a day over 12 appeared.
    expect(times('datetime;a\n01.01.2024;1\n02.01.2024;2\n03.01.2024;3\n')).toEqual([
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 2),
      Date.UTC(2024, 0, 3),
    ]);
  });

  it('refuses slash dates with no time of day whose order the file leaves open', () => {
    expect(refusal(() => times('datetime;a\n01/03/2024;1\n02/03/2024;2\n'))).toBe(
      'x.csv:2: column datetime: the order of the slash date "01/03/2024" is ambiguous: it reads as 2024-03-01 00:00:00 day first (day/month/year) and as 2024-01-03 00:00:00 month first (month/day/year), and no date in the file has a day over 12 to tell which; write the dates as ISO dates (2024-03-01 00:00:00 or 2024-01-03 00:00:00)',
    );
  });

  it('reads the years 0-99 as those years, not the 1900s', () => {
    const [t] = times('datetime;a\n03.01.0024 00:00;1\n');
    expect(new Date(t).getUTCFullYear()).toBe(24);
  });
});

describe('label columns named in another case, and labels that are not 0 or 1', () => {
  it('keeps column names as written and reads labels from `Anomaly` and `anomaly` alike', () => {
    const both = parseSkabCsv(
      'datetime;Anomaly;anomaly\n2024-01-03 00:00:00;True;0\n2024-01-03 00:00:01;0;1\n',
      'b.csv',
    );
    expect(both.header).toEqual(['datetime', 'Anomaly', 'anomaly']);
    expect([...both.columns.get('Anomaly')!]).toEqual([1, 0]);
    // eval takes the column named exactly `anomaly` where both are there, `Anomaly` where it is the only one.
    expect([
      ...readLabelledCsv('b.csv', 'datetime;x;Anomaly;anomaly\n2024-01-03 00:00:00;1;1;0\n2024-01-03 00:00:01;2;0;1\n')
        .anomaly,
    ]).toEqual([0, 1]);
    const capital = readLabelledCsv('c.csv', 'datetime;x;Anomaly\n2024-01-03 00:00:00;1;1\n2024-01-03 00:00:01;2;0\n');
    expect([...capital.anomaly]).toEqual([1, 0]);
    expect(capital.channels).toEqual(['x']);
  });

  it('reads a fault class number in the anomaly column as an anomaly, as Tennessee Eastman sets label rows', () => {
    const text = 'time,x,faultNumber\n1,0.5,0\n2,0.6,0\n3,0.7,12\n4,0.8,3\n5,0.9,0\n';
    const read = readLabelledCsv('tep.csv', text, 1000, undefined, 'faultNumber');
    expect([...read.anomaly]).toEqual([0, 0, 1, 1, 0]);
    expect(read.channels).toEqual(['x']);
    // Read as a table (train), the column keeps the numbers the file holds.
    expect([...parseSkabCsv(text, 'tep.csv', { labelColumn: 'faultNumber' }).columns.get('faultNumber')!]).toEqual([
      0, 0, 12, 3, 0,
    ]);
    // Labels coded 1 (normal) and 2 (anomaly) would read as anomalies throughout: a column of class numbers needs a 0.
    expect(refusal(() => readLabelledCsv('n.csv', 'time,x,anomaly\n1,0.5,1\n2,0.6,2\n3,0.6,1\n', 1000))).toBe(
      'n.csv:3: column anomaly: fault class numbers, but no row is labelled 0 (normal); if a number such as 1 means ' +
        'normal here, write 0 for it',
    );
    expect(refusal(() => readLabelledCsv('h.csv', 'time,x,anomaly\n1,0.5,0\n2,0.6,2.5\n'))).toBe(
      'h.csv:3: column anomaly: "2.5" is not a label; write 0 or 1 (false or true), ' +
        "or a fault's class number (1, 2, …) for an anomaly",
    );
  });

  it('refuses a label other than 0 or 1 in eval, naming the line and the column as the file writes them', () => {
    const text = 'sep=;\ndatetime;x;Anomaly;Changepoint\n2024-01-03 00:00:00;1;0;0\n;;;\n2024-01-03 00:00:01;2;1;0.5\n';
    expect(refusal(() => readLabelledCsv('l.csv', text))).toBe(
      'l.csv:5: column Changepoint: "0.5" is not a label; write 0 or 1 (false or true)',
    );
    // A changepoint is a changepoint or not: no class numbers there.
    expect(refusal(() => readLabelledCsv('c.csv', text.replace(';1;0.5', ';1;2')))).toBe(
      'c.csv:5: column Changepoint: "2" is not a label; write 0 or 1 (false or true)',
    );
    expect(
      refusal(() =>
        readLabelledCsv('m.csv', 'datetime;x;anomaly\n2024-01-03 00:00:00;1;0\n2024-01-03 00:00:01;2;-1\n'),
      ),
    ).toBe(
      'm.csv:3: column anomaly: "-1" is not a label; write 0 or 1 (false or true), ' +
        "or a fault's class number (1, 2, …) for an anomaly",
    );
    // Read as a table (train, the simulator's replay), the same cells are numbers as before.
    expect([...parseSkabCsv(text, 'l.csv').columns.get('Changepoint')!]).toEqual([0, 0.5]);
  });
});

describe('labels written as words', () => {
  it('reads true/false in the anomaly and changepoint columns as 1/0, as its 1/0 twin', () => {
    const word = (v: string, row: number) =>
      (Number(v) ? ['True', 'true', 'TRUE'] : ['False', 'false', 'FALSE'])[row % 3];
    const words = valveWith((row, c) => (row < 0 ? c : [...c.slice(0, -2), ...c.slice(-2).map((v) => word(v, row))]));
    expect(words).toMatch(/;(True|true|TRUE);(False|false|FALSE)\n/);
    const [a, b] = [readLabelledCsv('words.csv', words), readLabelledCsv(VALVE)];
    expect({ ...a, file: '' }).toEqual({ ...b, file: '' });
    expect(a.anomaly.some((v) => v === 1)).toBe(true);
  });

  it("reads Excel's localised TRUE/FALSE (WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO, VERO/FALSO) as 1/0", () => {
    const localised = [
      ['WAHR', 'FALSCH'],
      ['VRAI', 'FAUX'],
      ['VERDADERO', 'FALSO'],
      ['Vero', 'Falso'],
    ];
    const word = (v: string, row: number) => localised[row % 4][Number(v) ? 0 : 1];
    const words = valveWith((row, c) => (row < 0 ? c : [...c.slice(0, -2), ...c.slice(-2).map((v) => word(v, row))]));
    expect(words).toMatch(/;(WAHR|VRAI|VERDADERO|Vero);(FALSCH|FAUX|FALSO|Falso)\n/);
    const [a, b] = [readLabelledCsv('excel-localised.csv', words), readLabelledCsv(VALVE)];
    expect({ ...a, file: '' }).toEqual({ ...b, file: '' });
    expect(a.anomaly.some((v) => v === 1)).toBe(true);
  });

  it('refuses a word other than true/false in a label column, and one among the readings of a channel', () => {
    expect(
      refusal(() =>
        parseSkabCsv('datetime;Current;anomaly\n2024-01-03 00:00:00;1;True\n2024-01-03 00:00:01;Off;0\n', 'w.csv'),
      ),
    ).toBe('w.csv:3: column Current: not a number: "Off"');
    expect(refusal(() => parseSkabCsv('datetime;Current;anomaly\n2024-01-03 00:00:00;1;yes\n', 'w.csv'))).toBe(
      'w.csv:2: column anomaly: not a number, true or false: "yes"',
    );
  });
});

describe('what exports add around the table', () => {
  const clean = plain(parseSkabCsv(valve, 'valve.csv'));

  it('skips a pandas index column before the time column, in the header read alone too', async () => {
    const indexed = valveWith((row, c) => [row < 0 ? '' : String(row), ...c], ',');
    expect(indexed.slice(0, 10)).toBe(',datetime,');
    expect(plain(parseSkabCsv(indexed, 'pandas.csv'))).toEqual(clean);
    const reread = valveWith((row, c) => [row < 0 ? '' : String(row), row < 0 ? 'Unnamed: 0' : String(row), ...c]);
    expect(plain(parseSkabCsv(reread, 'pandas.csv'))).toEqual(clean);
    const file = join(await mkdtemp(join(tmpdir(), 'lw-csv-exports-')), 'pandas.csv');
    await writeFile(file, indexed);
    expect(csvHeader(file)).toEqual(clean.header);
    // pandas' reset_index: the index in a column named `index` before the time column.
    const reset = valveWith((row, c) => [row < 0 ? 'index' : String(row), ...c], ',');
    expect(plain(parseSkabCsv(reset, 'reset.csv'))).toEqual(clean);
    // A sample or row number before the time column, counting the rows from 0 or 1: left out as the index is.
    for (const name of ['sample', 'row', 'sample_no'])
      for (const start of [0, 1]) {
        const numbered = valveWith((row, c) => [row < 0 ? name : String(row + start), ...c], ',');
        expect(plain(parseSkabCsv(numbered, `${name}.csv`))).toEqual(clean);
      }
    // Only a row index: a counter-named channel before the time column that does not count rows is refused.
    const stepped = valveWith((row, c) => [row < 0 ? 'index' : String(Math.floor(row / 2)), ...c], ',');
    expect(refusal(() => parseSkabCsv(stepped, 'stepped.csv'))).toBe(
      'stepped.csv: first column must be the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), found "index"',
    );
    // A nameless column with no time or sample counter after it that does not count the rows: refused, naming it.
    expect(refusal(() => parseSkabCsv(';a;b\n0;1;2\n3;1;2\n', 'p.csv'))).toBe(
      'p.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but field 1 ("") is not a row index (0, 1, 2, … or 1, 2, 3, …): name it if it holds readings, or drop it',
    );
  });

  it('reads a sample counter as the time, after run-naming columns and an R row-name column (Tennessee Eastman as Rieth et al. publish it)', async () => {
    const counted = (row: number, c: string[], names: string[], ids: string[]) =>
      row < 0 ? [...names, 'sample', ...c.slice(1)] : [...ids, String(row + 1), ...c.slice(1)];
    const byRows = (t: ReturnType<typeof plain>) => ({ header: t.header.slice(1), columns: t.columns });
    // The counter alone, as plain numbers: the period must be given (timesInMs), the channels are the valve's.
    const alone = parseSkabCsv(
      valveWith((row, c) => counted(row, c, [], [])),
      'counter.csv',
    );
    expect(byRows(plain(alone))).toEqual(byRows(clean));
    expect([...alone.times.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(alone.numericTimes).toBe(true);
    // R's write.csv: a nameless row-name column, then the run's fault number and run number, then the counter.
    const rieth = valveWith(
      (row, c) =>
        row < 0
          ? ['""', ...counted(row, c, ['"faultNumber"', '"simulationRun"'], [])]
          : [`"${row + 1}"`, ...counted(row, c, [], ['1', '7'])],
      ',',
    );
    expect(rieth.slice(0, 45)).toBe('"","faultNumber","simulationRun",sample,Accel');
    expect(plain(parseSkabCsv(rieth, 'rieth.csv'))).toEqual(plain(alone));
    // The run's columns are left out of the channels and kept for the report: their names and one value.
    expect(parseSkabCsv(rieth, 'rieth.csv').runColumns).toEqual([
      { name: 'faultNumber', value: '1' },
      { name: 'simulationRun', value: '7' },
    ]);
    expect(alone.runColumns).toBeUndefined();
    const file = join(await mkdtemp(join(tmpdir(), 'lw-csv-exports-')), 'rieth.csv');
    await writeFile(file, rieth);
    expect(csvHeader(file)).toEqual(alone.header);
    // Read as eval reads it, at the period given: the valve's rows, one a second.
    const labelled = readLabelledCsv(file, undefined, 1000);
    expect(labelled.periodMs).toBe(1000);
    expect(labelled.rows).toEqual(readLabelledCsv(VALVE).rows);
    expect(labelled.runColumns?.map((k) => k.name)).toEqual(['faultNumber', 'simulationRun']);
    // Two runs in one file: the run number changes, and the refusal names it and the line.
    const twoRuns = rieth.replace(/\n"300",1,7,/, '\n"300",1,8,');
    expect(refusal(() => parseSkabCsv(twoRuns, 'runs.csv'))).toBe(
      'runs.csv:301: column "simulationRun" comes before the time column "sample" and changes ("7", then "8"): put the time first; columns before a sample counter may only name the run (one value in every row), one run per file',
    );
  });

  it("skips Excel's sep= line, a separator ending every line and rows of empty cells, keeping line numbers", () => {
    const lines = valveWith((_, c) => [...c, '']).split('\n');
    lines.splice(500, 0, ';;;;;;;;;;;;', '  ;  ;');
    const text = `sep=;\r\n${lines.join('\n')}`;
    expect(plain(parseSkabCsv(text, 'excel.csv'))).toEqual(clean);
    expect(
      refusal(() =>
        parseSkabCsv(text.replace('\n2020-03-09 11:24:00;0.0270812;', '\n2020-03-09 11:24:00;x;'), 'e.csv'),
      ),
    ).toBe(
      // Line 542 of valve1/3.csv, after the sep= line and the two rows of empty cells.
      'e.csv:545: column Accelerometer1RMS: not a number: "x"',
    );
    // A nameless last field that holds numbers in every row is refused, naming it (before 2026-12-04, channel "").
    expect(refusal(() => parseSkabCsv('time;a;\n1000;1;5\n', 'n.csv'))).toBe(
      'n.csv: field 3 has no name in the header but holds readings; name it',
    );
  });
});

describe("a historian's text next to the readings", () => {
  const text =
    'datetime,Quality,flow,State,door,anomaly\n' +
    '2024-01-03 00:00:00,Good,1.5,Running,TRUE,0\n' +
    '2024-01-03 00:00:01,Good,1.6,NA,FALSE,0\n' +
    '2024-01-03 00:00:02,Good,1.4,Idle,WAHR,0\n' +
    '2024-01-03 00:00:03,,1.7,Stopped,true,1\n' +
    '2024-01-03 00:00:04,Good,1.5,Fault,false,1\n';

  it('leaves a column of text out of the channels, naming it and what it held, and reads TRUE/FALSE as 1/0', () => {
    const table = parseSkabCsv(text, 'h.csv');
    expect(table.header).toEqual(['datetime', 'flow', 'door', 'anomaly']);
    expect([...table.columns.keys()]).toEqual(['flow', 'door', 'anomaly']);
    expect([...table.columns.get('flow')!]).toEqual([1.5, 1.6, 1.4, 1.7, 1.5]);
    // A digital input exported as TRUE/FALSE (or a localised Excel's WAHR) is a channel of 0/1.
    expect([...table.columns.get('door')!]).toEqual([1, 0, 1, 1, 0]);
    expect(table.textColumns).toEqual([
      { name: 'Quality', values: ['Good'], distinct: 1 },
      { name: 'State', values: ['Running', 'Idle', 'Stopped'], distinct: 4 },
    ]);
    expect(readLabelledCsv('h.csv', text).channels).toEqual(['flow', 'door']);
    expect(parseSkabCsv('datetime,flow\n2024-01-03 00:00:00,1\n', 'p.csv').textColumns).toBeUndefined();
  });

  it('reads a column of PI states alone as text, and one among true/false as a missing reading', () => {
    const pi =
      'datetime,flow,Quality,Mode,door\n2024-01-03 00:00:00,1.5,Good,Shutdown,TRUE\n' +
      '2024-01-03 00:00:01,1.6,Bad,Shutdown,Bad\n2024-01-03 00:00:02,1.7,Good,No Data,FALSE\n';
    const table = parseSkabCsv(pi, 'pi.csv');
    expect(table.header).toEqual(['datetime', 'flow', 'door']);
    expect(table.textColumns).toEqual([
      { name: 'Quality', values: ['Good', 'Bad'], distinct: 2 },
      { name: 'Mode', values: ['Shutdown', 'No Data'], distinct: 2 },
    ]);
    expect(table.missing).toEqual([{ column: 'door', cells: 1, firstLine: 3, gaps: [{ row: 1, rows: 1, line: 3 }] }]);
  });

  it('still refuses a column of readings with a word in it, at that cell', () => {
    expect(refusal(() => parseSkabCsv(text.replace('1.4,Idle', 'Off,Idle'), 'w.csv'))).toBe(
      'w.csv:4: column flow: not a number: "Off"',
    );
    // true/false among a channel's numbers is a reading gone wrong too, and so is a column of infinities.
    expect(refusal(() => parseSkabCsv(text.replace('1.6,NA', 'TRUE,NA'), 't.csv'))).toBe(
      't.csv:3: column flow: not a number: "TRUE"',
    );
    expect(refusal(() => parseSkabCsv(text.replace(/,1\.\d,/g, ',Infinity,'), 'i.csv'))).toBe(
      'i.csv:2: column flow: not a number: "Infinity"',
    );
    expect(refusal(() => parseSkabCsv(text.replace(',TRUE,', ',1,'), 'd.csv'))).toBe(
      'd.csv:3: column door: not a number: "FALSE"',
    );
    // Readings written with their unit are readings gone wrong, not text: refused, not left out.
    expect(refusal(() => parseSkabCsv(text.replace(/,(1\.\d),/g, ',$1 bar,'), 'u.csv'))).toBe(
      'u.csv:2: column flow: not a number: "1.5 bar"',
    );
  });

  it('refuses a file whose only columns besides the time and labels hold text, naming them', () => {
    expect(
      refusal(() =>
        parseSkabCsv('datetime,State,anomaly\n2024-01-03 00:00:00,Run,0\n2024-01-03 00:00:01,Idle,0\n', 's.csv'),
      ),
    ).toBe('s.csv: no column of readings: State (2 values: Run, Idle) hold(s) text');
  });

  it('refuses a text column asked for as a channel, saying it holds text', () => {
    expect(
      refusal(() => csvNormalData(text, 'h.csv', { name: 'm', channels: ['flow', 'State'], periodMs: 1000 })),
    ).toBe('h.csv: column State (4 values: Running, Idle, Stopped, …) holds text, not readings: no model reads it');
    expect(csvNormalData(text, 'h.csv', { name: 'm', periodMs: 1000 }).source).toBe(
      'h.csv (text left out: Quality (Good), State (4 values: Running, Idle, Stopped, …))',
    );
  });
});

describe('tab-separated files (Excel\'s "Text (Tab delimited)", a .tsv)', () => {
  it('reads a tab-separated twin of valve1/3, with decimal commas too, as the file SKAB writes', () => {
    const tabs = valveWith((_, c) => c, '\t');
    expect(tabs).toMatch(/^datetime\tAccelerometer1RMS\t/);
    expect(plain(parseSkabCsv(tabs, 'valve.tsv'))).toEqual(plain(parseSkabCsv(valve, 'valve.csv')));
    // A German Excel writes decimal commas in its tab-delimited text; a header may name a unit after a comma.
    const german = valveWith((row, c) => (row < 0 ? [c[0], 'Accelerometer1RMS, g', ...c.slice(2)] : c), '\t')
      .split('\n')
      .map((l, i) => (i === 0 ? l : l.replace(/(\d)\.(\d)/g, '$1,$2')))
      .join('\n');
    expect(german).toMatch(/\n2020-03-09 11:14:34\t0,\d+\t/);
    const read = parseSkabCsv(german, 'de.tsv');
    expect(read.header[1]).toBe('Accelerometer1RMS, g');
    expect([...read.columns.get('Accelerometer1RMS, g')!]).toEqual([
      ...parseSkabCsv(valve, 'valve.csv').columns.get('Accelerometer1RMS')!,
    ]);
  });

  it('reads an empty cell between two tabs as a missing reading, and names the line of a bad one', () => {
    const text = 'time\ta\tb\n1000\t1.5\t2\n2000\t\t3\n3000\t1.7\t4\n';
    const table = parseSkabCsv(text, 't.tsv');
    expect([...table.columns.get('a')!]).toEqual([1.5, Number.NaN, 1.7]);
    expect([...table.columns.get('b')!]).toEqual([2, 3, 4]);
    expect(refusal(() => parseSkabCsv(text.replace('\t4\n', '\t4x\n'), 't.tsv'))).toBe(
      't.tsv:4: column b: not a number: "4x"',
    );
  });
});

describe('the separator of a header that holds tabs and commas or semicolons', () => {
  const rows = (sep: string) => ['2024-01-03 00:00:00', '1.5', '2.5'].join(sep);
  it.each([
    ['every name with a unit after a comma', 'datetime\tFlow, l/min\tPressure, bar', '\t'],
    ['a unit after a semicolon', 'datetime\tFlow; l/min\tPressure', '\t'],
    ['a pandas index: the header starts with a tab', '\tdatetime\tFlow\tPressure', '\t'],
    ['a comma header with tabs at its end', 'datetime,Flow,Pressure\t\t\t\t', ','],
    ['a comma header indented by tabs after each comma', 'datetime,\tFlow,\tPressure', ','],
    ['a semicolon header indented by tabs', 'datetime;\tFlow;\tPressure', ';'],
    ['a line holding a tab alone before a comma header', '\t\ndatetime,Flow,Pressure', ','],
    ['a comma header with a stray tab before a comma', 'datetime,Flow\t,Pressure', ','],
    ['a semicolon header with a tab before each semicolon', 'datetime\t;Flow\t;Pressure', ';'],
    ['a comma header with a tab inside a name', 'datetime,Flow\tA,Pressure', ','],
  ])('%s', (_, header, sep) => {
    const lead = header.startsWith('\t') && sep === '\t' ? '0\t' : '';
    const table = parseSkabCsv(`${header}\n${lead}${rows(sep)}\n`, 's.csv');
    expect(table.header.slice(1)).toEqual(
      header
        .split('\n')
        .at(-1)!
        .split(sep)
        .map((h) => h.trim())
        .filter((h) => h !== '' && h !== 'datetime'),
    );
    expect([...table.columns.values()].map((v) => v[0])).toEqual([1.5, 2.5]);
  });
});

describe('an Excel sep= line naming a tab', () => {
  it.each([
    ['as a tab', 'sep=\t'],
    ['as the two characters a person types', 'sep=\\t'],
  ])('%s', (_, line) => {
    const table = parseSkabCsv(`${line}\ntime\ta,b\n1700000000000\t1,5\n`, 'x.tsv');
    expect(table.header).toEqual(['time', 'a,b']);
    expect([...table.columns.get('a,b')!]).toEqual([1.5]);
  });
});

describe('a comma in a number of a tab-separated file', () => {
  const file = (cells: string[]) =>
    `time\tcount\n${cells.map((c, i) => `${1_700_000_000_000 + i * 1000}\t${c}`).join('\n')}\n`;

  it('refuses a column whose comma numbers may all be thousands groups, saying both readings', () => {
    expect(refusal(() => parseSkabCsv(file(['998', '999', '1,000', '1,001']), 'us.tsv'))).toBe(
      'us.tsv:4: column count: "1,000" may be 1000 (a thousands separator) or 1.000 (a decimal comma), and no comma ' +
        'number in the file says which; write it without the thousands separator, or with a point for the decimals',
    );
  });

  it('reads them as decimal commas where another number in the column has one', () => {
    expect([...parseSkabCsv(file(['0,5', '1,000', '1,25']), 'de.tsv').columns.get('count')!]).toEqual([0.5, 1, 1.25]);
    // Another column settles it: a German export that writes one column to three decimals.
    expect([...parseSkabCsv('time\ta\tb\n1700000000000\t229,737\t0,0273\n', 'de3.tsv').columns.get('a')!]).toEqual([
      229.737,
    ]);
    // A `;` file is European: 1,000 is 1.
    expect([...parseSkabCsv('time;count\n1700000000000;1,000\n', 'de.csv').columns.get('count')!]).toEqual([1]);
  });
});
