/**
 * CSV reading as historian exports write it: quoted headers and cells, a decimal comma in
 * `;`-separated files, a BOM, CRLF, blank lines and padded cells; and every refusal names the
 * file, the line and (where there is one) the column.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvDataColumns, csvHeader, holdShortGaps, parseSkabCsv, timesInMs } from '../../src/core/csv-table.js';
import { plain, refusal } from '../helpers/csv-tables.js';

describe('parseSkabCsv', () => {
  it('reads a quoted header whose names hold the separator, and quoted cells', () => {
    const text = '"timestamp";"Temperature, °C";"Flow; l/min"\n1000;"21.5";3\n2000;22;" 4 "\n';
    expect(plain(parseSkabCsv(text, 'export.csv'))).toEqual({
      header: ['timestamp', 'Temperature, °C', 'Flow; l/min'],
      times: [1000, 2000],
      columns: { 'Temperature, °C': [21.5, 22], 'Flow; l/min': [3, 4] },
    });
    const commas = 'time,"Pressure, bar",Flow\n1000,"1.5",2\n';
    expect(plain(parseSkabCsv(commas, 'export.csv'))).toEqual({
      header: ['time', 'Pressure, bar', 'Flow'],
      times: [1000],
      columns: { 'Pressure, bar': [1.5], Flow: [2] },
    });
    // A `;` inside a quoted name of a `,` file does not make `;` the separator.
    const semicolonInName = 'time,"Temperature; °C",Flow\n1000,2,3\n';
    expect(plain(parseSkabCsv(semicolonInName, 'export.csv'))).toEqual({
      header: ['time', 'Temperature; °C', 'Flow'],
      times: [1000],
      columns: { 'Temperature; °C': [2], Flow: [3] },
    });
  });

  it('keeps a quote inside an unquoted name as text, and a doubled quote inside a quoted one', () => {
    const text = 'time;Pipe 2" flow;"Valve ""A"""\n1000;7;8\n';
    expect(parseSkabCsv(text, 'export.csv').header).toEqual(['time', 'Pipe 2" flow', 'Valve "A"']);
  });

  it('reads decimal commas where the separator is ;', () => {
    const text =
      'datetime;Current;Voltage;Flow\n2020-03-09 10:14:33;1,25;-0,5;1,5E-03\n2020-03-09 10:14:34;2;"3,75";12\n';
    expect(plain(parseSkabCsv(text, 'eu.csv'))).toEqual({
      header: ['datetime', 'Current', 'Voltage', 'Flow'],
      times: [Date.UTC(2020, 2, 9, 10, 14, 33), Date.UTC(2020, 2, 9, 10, 14, 34)],
      columns: { Current: [1.25, 2], Voltage: [-0.5, 3.75], Flow: [0.0015, 12] },
    });
  });

  it('skips a UTF-8 BOM before the header', () => {
    expect(plain(parseSkabCsv('\ufeffdatetime;Current\n2020-03-09 10:14:33;1.2\n', 'bom.csv'))).toEqual({
      header: ['datetime', 'Current'],
      times: [Date.UTC(2020, 2, 9, 10, 14, 33)],
      columns: { Current: [1.2] },
    });
  });

  it('reads CRLF line ends (mixed with LF too), quoted last cells, blank lines and padded cells', () => {
    const text = ' time ; Current ;"Voltage"\r\n 1000 ; 1.5 ;"230"\r\n2000;  2;231  \r\n\r\n  \r\n\r\n';
    expect(plain(parseSkabCsv(text, 'crlf.csv'))).toEqual({
      header: ['time', 'Current', 'Voltage'],
      times: [1000, 2000],
      columns: { Current: [1.5, 2], Voltage: [230, 231] },
    });
    expect([...parseSkabCsv('time;a\r\n1000;1\n2000;2\r\n3000;3\n', 'mixed.csv').columns.get('a')!]).toEqual([1, 2, 3]);
  });
});

describe('parseSkabCsv: a file with no time column', () => {
  it('counts its rows as samples from 1, every column a channel or a label, and says so', () => {
    const t = parseSkabCsv('xmeas_1,xmeas_2,anomaly\n0.25,3685.7,0\n0.24,3690,0\n0.26,3688,1\n', 'te.csv');
    expect(plain(t)).toEqual({
      header: ['sample', 'xmeas_1', 'xmeas_2', 'anomaly'],
      times: [1, 2, 3],
      columns: { xmeas_1: [0.25, 0.24, 0.26], xmeas_2: [3685.7, 3690, 3688], anomaly: [0, 0, 1] },
    });
    expect(t.countedRows).toBe(true);
    // Decimal commas in a `;` file, and a missing reading, in the first channel are read as in any other.
    expect(plain(parseSkabCsv('druck;temp\n1,25;20,1\nNaN;20,3\n1,22;20,2\n', 'de.csv')).columns).toEqual({
      druck: [1.25, NaN, 1.22],
      temp: [20.1, 20.3, 20.2],
    });
    // Labels first are read as labels, the words true/false included.
    expect(plain(parseSkabCsv('anomaly,a\nFalse,1\nTrue,2\nFalse,3\n', 'l.csv'))).toEqual({
      header: ['sample', 'anomaly', 'a'],
      times: [1, 2, 3],
      columns: { anomaly: [0, 1, 0], a: [1, 2, 3] },
    });
    // An integer reading that rises in uneven steps is a reading, not a counter.
    expect(parseSkabCsv('level,b\n10,1\n12,1\n15,1\n20,1\n', 'int.csv').header).toEqual(['sample', 'level', 'b']);
    // A first channel that rises on every row, but not in equal steps nor from an epoch's size, is a reading.
    expect(parseSkabCsv('flow;b\n1.5;0\n1.7;0\n2.4;0\n', 'ramp.csv').header).toEqual(['sample', 'flow', 'b']);
    expect(t.numericTimes).toBe(true);
  });

  it('reads a first column of dates as the time column whatever its name (a historian export), after an index too', () => {
    const dated = {
      header: ['Zeitstempel', 'Druck', 'anomaly'],
      times: [Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 3, 0, 0, 1)],
      columns: { Druck: [1.25, 1.27], anomaly: [0, 1] },
    };
    expect(
      plain(
        parseSkabCsv('Zeitstempel;Druck;anomaly\n03.01.2024 00:00:00;1,25;0\n03.01.2024 00:00:01;1,27;1\n', 'de.csv'),
      ),
    ).toEqual(dated);
    const t = parseSkabCsv(
      ',Zeitstempel,Druck,anomaly\n0,2024-01-03 00:00:00,1.25,0\n1,2024-01-03 00:00:01,1.27,1\n',
      'p.csv',
    );
    expect(plain(t)).toEqual(dated);
    expect(t.countedRows).toBeUndefined();
    // A bad date further down is named as in any time column.
    expect(refusal(() => parseSkabCsv('Time (UTC);a\n2024-01-03 00:00:00;1\nyesterday;2\n', 'x.csv'))).toBe(
      'x.csv:3: column Time (UTC): bad time "yesterday"; write dates as 2024-01-03 00:00:00 (ISO 8601) or 03.01.2024 00:00:00 (day first), or Unix times (ms; s, µs or ns under a time\'s name)',
    );
  });

  it('leaves out a pandas or R index (nameless, counting from 0 or 1) before the channels', () => {
    const counted = { header: ['sample', 'a', 'b'], times: [1, 2], columns: { a: [1, 3], b: [2, 4] } };
    expect(plain(parseSkabCsv(',a,b\n0,1,2\n1,3,4\n', 'pandas.csv'))).toEqual(counted);
    expect(plain(parseSkabCsv('"","Unnamed: 0",a,b\n1,0,1,2\n2,1,3,4\n', 'r.csv'))).toEqual(counted);
    expect(plain(parseSkabCsv(',a,b\n0.0,1,2\n1.0,3,4\n', 'floats.csv'))).toEqual(counted);
  });

  it('names a column twice in the header by its field as the file has it', () => {
    expect(refusal(() => parseSkabCsv('a;b;a\n1;2;3\n', 'eu.csv'))).toBe(
      'eu.csv: column "a" appears twice in the header (fields 1 and 3)',
    );
    expect(refusal(() => parseSkabCsv(',a,b,a\n0,1,2,3\n', 'pandas.csv'))).toBe(
      'pandas.csv: column "a" appears twice in the header (fields 2 and 4)',
    );
  });

  it('leaves out a separator ending every line, and names a nameless field that holds readings by its number', () => {
    expect(plain(parseSkabCsv('a;b;\n1;2;\n3;4;\n2;5;\n', 'eu.csv'))).toEqual({
      header: ['sample', 'a', 'b'],
      times: [1, 2, 3],
      columns: { a: [1, 3, 2], b: [2, 4, 5] },
    });
    expect(refusal(() => parseSkabCsv('a;b;\n1;2;\n3;4;7\n2;5;\n', 'eu.csv'))).toBe(
      'eu.csv: field 3 has no name in the header but holds readings; name it',
    );
    // Readings in every row of a nameless field (before, a channel named "", alone or beside others).
    expect(refusal(() => parseSkabCsv('time,\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2\n', 'one.csv'))).toBe(
      'one.csv: field 2 has no name in the header but holds readings; name it',
    );
    expect(refusal(() => parseSkabCsv('time;;b\n2024-01-01 00:00:00;1;2\n2024-01-01 00:00:01;3;4\n', 'eu.csv'))).toBe(
      'eu.csv: field 2 has no name in the header but holds readings; name it',
    );
  });

  it('needs a sample period: without one timesInMs names the file and the fix; with one the rows are that far apart', () => {
    const t = parseSkabCsv('a;b\n1;2\n3;4\n2;6\n', 'bare.csv');
    expect(refusal(() => timesInMs(t, 'bare.csv'))).toBe(
      'bare.csv: has no time column (the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step)): its rows are read as samples, so the sample period is unknown; give --period-ms, or add a time column',
    );
    expect(refusal(() => timesInMs(parseSkabCsv('a;b\n1;2\n', 'one.csv'), 'one.csv', 1000))).toBe(
      'one.csv: one row, and no time column: a sample period needs at least two rows',
    );
    expect(timesInMs(t, 'bare.csv', 180_000)).toEqual({
      times: Float64Array.from([180_000, 360_000, 540_000]),
      periodMs: 180_000,
    });
  });
});

describe('parseSkabCsv: missing readings', () => {
  const text = [
    'time;a;b;anomaly',
    '1000;;1;0',
    '2000;5;NaN;0',
    '3000;na;null;0',
    '4000;7;#N/A;1',
    '5000;N/A;None;0',
    '6000;-nan;1.#QNAN;0',
  ].join('\n');

  it("reads OSIsoft PI's system states for a value not got as missing, and refuses Over Range as a reading", () => {
    const states = ['I/O Timeout', 'Bad Input', 'comm fail', 'Shutdown', 'Scan Off', 'No Data', 'Pt Created'];
    const pi = `time;a\n${states.map((s, i) => `${1000 * (i + 1)};${s}`).join('\n')}\n8000;2.5\n`;
    expect(parseSkabCsv(pi, 'pi.csv').missing).toEqual([
      { column: 'a', cells: 7, firstLine: 2, gaps: [{ row: 0, rows: 7, line: 2 }] },
    ]);
    expect(refusal(() => parseSkabCsv('time;a\n1000;2.5\n2000;Over Range\n', 'r.csv'))).toBe(
      'r.csv:3: column a: not a number: "Over Range"',
    );
  });

  it("reads blank, NaN, NA, N/A, #N/A, null, None (any case) and C runtimes' NaN spellings as missing, and says where", () => {
    const table = parseSkabCsv(text, 'gaps.csv');
    expect([...table.columns.get('a')!].map((v) => (Number.isNaN(v) ? null : v))).toEqual([
      null,
      5,
      null,
      7,
      null,
      null,
    ]);
    expect([...table.columns.get('anomaly')!]).toEqual([0, 0, 0, 1, 0, 0]);
    expect(table.missing).toEqual([
      {
        column: 'a',
        cells: 4,
        firstLine: 2,
        gaps: [
          { row: 0, rows: 1, line: 2 },
          { row: 2, rows: 1, line: 4 },
          { row: 4, rows: 2, line: 6 },
        ],
      },
      { column: 'b', cells: 5, firstLine: 3, gaps: [{ row: 1, rows: 5, line: 3 }] },
    ]);
    expect(parseSkabCsv('time;a\n1000;1\n2000;2\n', 'full.csv').missing).toBeUndefined();
  });

  it('holds a gap as long as a gateway holds a reading (5 s: 5 rows at 1 s), and the first rows of a longer one', () => {
    const table = parseSkabCsv(text, 'gaps.csv');
    const held = holdShortGaps(table, ['a', 'b'], 1000);
    // a's gap before its first reading takes that one; b's 5-row gap is held at its last reading.
    expect([...table.columns.get('a')!]).toEqual([5, 5, 5, 7, 7, 7]);
    expect([...table.columns.get('b')!]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(held.map((h) => [h.column, h.held, h.open.length])).toEqual([
      ['a', 4, 0],
      ['b', 5, 0],
    ]);
    // At 2 s a gateway holds a reading for 2 rows: the first 2 of b's 5-row gap are held, the last 3 stay open (a
    // model cannot learn on them, eval scores no window over them), from line 5. Until 2026-12-08 all 5 stayed open.
    const slow = parseSkabCsv(text, 'gaps.csv');
    const open = holdShortGaps(slow, ['b'], 2000);
    expect(open[0]).toMatchObject({ column: 'b', held: 2, open: [{ row: 3, rows: 3, line: 5 }] });
    expect([...slow.columns.get('b')!]).toEqual([1, 1, 1, Number.NaN, Number.NaN, Number.NaN]);
  });
});

describe('parseSkabCsv refusals name the file, the line as the file has it, and the column', () => {
  const day = (s: number) => `2020-03-09 10:14:${s}`;
  it.each([
    [
      'a ; file cell holding 1,2,3 (not a number)',
      `datetime;Current;Voltage\n${day(33)};1,5;230\n${day(34)};1,2,3;231\n`,
      'eu.csv:3: column Current: not a number: "1,2,3"',
    ],
    [
      'a decimal comma where , separates',
      'time,Current\n1000,"1,25"\n',
      'eu.csv:2: column Current: not a number: "1,25": a decimal comma, in a file whose cells are separated by ' +
        'commas; export it with ";" as the separator (read with decimal commas) or with a decimal point',
    ],
    [
      'a quote never closed (the line it opens on)',
      `datetime;Current\n${day(33)};1.2\n\n${day(34)};"1.3\n${day(35)};1.4\n`,
      'eu.csv:4: a quote opened in this row is never closed',
    ],
    [
      'text after a closing quote',
      'time;Current;Voltage\n1000;1;"230"V\n',
      'eu.csv:2: column Voltage: text after the closing quote (a quote inside a quoted cell is written "")',
    ],
    [
      'a quote never closed in the header',
      '\n"time;Current\n1000;1\n',
      'eu.csv:2: a quote opened in this row is never closed',
    ],
    [
      'too many fields (blank lines counted)',
      `datetime;Current\n${day(33)};1.2\n\n${day(34)};1.3;7\n`,
      'eu.csv:4: expected 2 fields, found 3',
    ],
    [
      'too many fields (the header quotes its separator)',
      'time;"a;b"\n1000;1;2\n',
      'eu.csv:2: expected 2 fields, found 3',
    ],
    [
      'a bad cell after CRLF blank lines',
      'time;a\r\n1000;1\r\n\r\n2000;x\r\n',
      'eu.csv:4: column a: not a number: "x"',
    ],
    [
      'a channel with no reading at all',
      'time;a;b\n1000;;1\n2000;NaN;2\n',
      'eu.csv: column a: no reading in any of its 2 rows (every cell blank or NaN)',
    ],
    [
      'a hexadecimal reading (Number would read 0x10 as 16)',
      'time;a;b\n1000;1;0x10\n',
      'eu.csv:2: column b: not a number: "0x10"',
    ],
    [
      'a binary reading, in capitals (Number would read 0B1 as 1)',
      'time;a\n1000;0B1\n',
      'eu.csv:2: column a: not a number: "0B1"',
    ],
    ['an empty label', 'time;a;anomaly\n1000;1;\n', 'eu.csv:2: column anomaly: not a number, true or false: ""'],
    [
      'readings in a field the header does not name',
      'time;a;\n1000;1;\n2000;2;5\n',
      'eu.csv: field 3 has no name in the header but holds readings; name it',
    ],
    [
      'a bad time',
      'time;a\n1000;1\nyesterday;2\n',
      'eu.csv:3: column time: bad time "yesterday"; write dates as 2024-01-03 00:00:00 (ISO 8601) or 03.01.2024 00:00:00 (day first), or Unix times (ms; s, µs or ns under a time\'s name)',
    ],
    ['no data rows', 'time;a\n\n', 'eu.csv: no data rows'],
    [
      'no column named as a time or a sample counter, and text in the first column that is no date',
      '"unit";flow\nbar;1000\nbar;1001\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "unit" holds "bar" (line 2), neither a reading nor a date (a time column holds dates such as 2024-01-03 00:00:00 or 03.01.2024 00:00:00, or Unix times under a time\'s name)',
    ],
    [
      'no column named as a time, and Unix times in ms under another name',
      't;flow\n1704067200000;5\n1704067201000;5\n1704067202000;6\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "t" runs as a clock or a counter does (1704067200000, 1704067201000, 1704067202000, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'Unix seconds that repeat (two rows a second), with a blank cell',
      'unix;b\n1700000000;1\n1700000000;2\n;3\n1700000001;3\n1700000001;2\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "unix" runs as a clock or a counter does (1700000000, 1700000000, 1700000001, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'Unix seconds newest first',
      'unix_s;b\n1700172620;1\n1700172440;2\n1700172260;3\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "unix_s" runs as a clock or a counter does (1700172620, 1700172440, 1700172260, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'seconds since the start in tenths (steps that are not exactly equal in binary)',
      't_s,b\n0.0,1\n0.1,2\n0.2,3\n0.3,2\n0.4,2\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "t_s" runs as a clock or a counter does (0, 0.1, 0.2, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'seconds since the start with jitter',
      'elapsed;b\n0;1\n1.02;2\n1.98;3\n3.01;2\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "elapsed" runs as a clock or a counter does (0, 1.02, 1.98, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'a counter with a row dropped',
      'n;flow\n1;5\n2;5\n4;6\n5;6\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "n" runs as a clock or a counter does (1, 2, 4, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'no column named as a time, and a nameless first column that does not count the rows',
      ';a;b\n0;1;2\n5;1;2\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but field 1 ("") is not a row index (0, 1, 2, … or 1, 2, 3, …): name it if it holds readings, or drop it',
    ],
    [
      'no header row (the first line holds readings)',
      '1.2,3,0\n1.1,4,0\n1.3,5,1\n',
      'eu.csv:1: the header holds readings ("1.2", "3", "0"), not column names: add a header row',
    ],
    [
      'no header row, the first row ending in a separator',
      '1.5,2,\n1.1,3,\n1.7,4,\n',
      'eu.csv:1: the header holds readings ("1.5", "2", ""), not column names: add a header row',
    ],
    [
      'no header row, a missing reading in the first row, after an Excel sep= line',
      'sep=,\n1.5,NaN,2,7\n1.1,3,3,7\n',
      'eu.csv:2: the header holds readings ("1.5", "NaN", "2", …), not column names: add a header row',
    ],
    [
      'a small counter newest first',
      'n;a\n5;1\n4;2\n3;3\n2;4\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but its first column "n" runs as a clock or a counter does (5, 4, 3, …): if it is one, name it (time, or sample for a counter); if it is a reading, put another column first or add a time column',
    ],
    [
      'a row index and nothing named after it',
      ',\n0,\n1,\n2,\n',
      'eu.csv: no column is named as the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), so the rows would be counted as samples --period-ms apart, but no column after its row index has a name: name the columns of readings',
    ],
    [
      'a channel before a column named as a time',
      '"value";time\n1;1000\n1;2000\n',
      'eu.csv: first column must be the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step), found "value"',
    ],
    [
      'a column before a sample counter that changes: a channel, not the name of the run',
      'unit;sample;flow\n1;1;5\n1;2;5\n2;3;5\n',
      'eu.csv:4: column "unit" comes before the time column "sample" and changes ("1", then "2"): put the time first; columns before a sample counter may only name the run (one value in every row), one run per file',
    ],
    [
      'a label before a sample counter',
      'anomaly;sample;flow\n0;1;5\n0;2;5\n',
      'eu.csv: the label column "anomaly" comes before the time column "sample"; put the time first',
    ],
    [
      'a row short of fields in a file with run names: the count, not the run, is named',
      'faultNumber;simulationRun;sample;a\n0;1;1;5\n0\n',
      'eu.csv:3: expected 4 fields, found 1',
    ],
    [
      'a column named twice (once quoted)',
      'time;a;"a"\n1000;1;2\n',
      'eu.csv: column "a" appears twice in the header (fields 2 and 3)',
    ],
  ])('%s', (_, text, message) => expect(refusal(() => parseSkabCsv(text, 'eu.csv'))).toBe(message));
});

describe('csvHeader', () => {
  /** `text` written to a new file. */
  const written = async (text: string) => {
    const file = join(await mkdtemp(join(tmpdir(), 'lw-csv-header-')), 'export.csv');
    await writeFile(file, text);
    return file;
  };

  it('reads a quoted header after a BOM, with CRLF, as parseSkabCsv does', async () => {
    const text = '\ufeff"datetime";"Temperature, °C"; anomaly \r\n2020-03-09 10:14:33;1,5;0\r\n';
    expect(csvHeader(await written(text))).toEqual(['datetime', 'Temperature, °C', 'anomaly']);
    expect(csvDataColumns(await written(text))).toEqual(['Temperature, °C', 'anomaly']);
    expect(parseSkabCsv(text).header).toEqual(['datetime', 'Temperature, °C', 'anomaly']);
  });

  it('reads a file with no time column from its first column after a nameless index, as parseSkabCsv does', async () => {
    for (const text of [
      'xmeas_1,xmeas_2,anomaly\n0.25,3685.7,0\n0.24,3690,1\n',
      ',xmeas_1,xmeas_2,anomaly\n0,0.25,3685.7,0\n1,0.24,3690,1\n',
    ]) {
      const file = await written(text);
      expect(csvHeader(file)).toEqual(['xmeas_1', 'xmeas_2', 'anomaly']);
      expect(csvDataColumns(file)).toEqual(['xmeas_1', 'xmeas_2', 'anomaly']);
      expect(parseSkabCsv(text).header).toEqual(['sample', 'xmeas_1', 'xmeas_2', 'anomaly']);
    }
    // Dates first: that column is the time column, not a data column.
    const dated = await written('Zeitstempel;Druck;anomaly\n03.01.2024 00:00:00;1,25;0\n');
    expect(csvDataColumns(dated)).toEqual(['Druck', 'anomaly']);
  });

  it('reads only the head of the file: a quote left open past 64 KiB is not its business', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i};${i / 10}`).join('\n');
    const text = `time;"Level, m"\n${rows}\n10000;"5`;
    const file = await written(text);
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(csvHeader(file)).toEqual(['time', 'Level, m']);
    expect(refusal(() => parseSkabCsv(text, file))).toBe(`${file}:10002: a quote opened in this row is never closed`);
  });

  it('names the file and line of a header quote never closed', async () => {
    const file = await written('\n"time;Current\n1000;1\n');
    expect(refusal(() => csvHeader(file))).toBe(`${file}:2: a quote opened in this row is never closed`);
  });
});

describe('timesInMs: the times in ms and the sample period, or what to give', () => {
  const table = (times: string[]) =>
    parseSkabCsv(`time;a\n${times.map((t, i) => `${t};${i}`).join('\n')}\n`, 'log.csv');

  it('takes dates and Unix times in ms as they are, the period from their spacing or from a --period-ms near it', () => {
    const dates = table(['2024-01-23 00:00:00', '2024-01-23 00:03:00', '2024-01-23 00:06:00']);
    expect(timesInMs(dates, 'log.csv').periodMs).toBe(180_000);
    expect([...timesInMs(dates, 'log.csv').times]).toEqual([...dates.times]);
    // A given period is taken over dates a poll of it may have spaced (up to 10 % wider), refused further off.
    expect(timesInMs(dates, 'log.csv', 170_000).periodMs).toBe(170_000);
    expect(refusal(() => timesInMs(dates, 'log.csv', 60_000))).toBe(
      'log.csv: its time column gives a sample period of 180000 ms, not the 60000 of --period-ms (which is for times written as plain numbers, files with no time column, and dates polled every --period-ms that the poll spaced up to 10 % wider)',
    );
    expect(refusal(() => timesInMs(dates, 'log.csv', 190_000))).toMatch(
      /^log\.csv: its time column gives a sample period of 180000 ms, not the 190000 /,
    );
    const unixMs = table(['1706000000000', '1706000001000', '1706000002000']);
    expect(timesInMs(unixMs, 'log.csv')).toEqual({ times: unixMs.times, periodMs: 1000 });
  });

  it('refuses plain numbers (seconds since the start, a sample number) without a period, naming the file and the fix', () => {
    expect(refusal(() => timesInMs(table(['0', '3', '6', '9']), 'log.csv'))).toBe(
      "log.csv: the time column holds plain numbers (0, 3, 6, …), not dates or Unix times (ms; s, µs or ns under a time's name), so the sample period is unknown; give --period-ms, or write the times as dates (2024-01-23 00:03:00)",
    );
    // Under a counter's name, numbers of a Unix time's size stay plain: a sample number is never read as a date.
    const counted = parseSkabCsv('sample;a\n1706000000;1\n1706000060;2\n', 'log.csv');
    expect(refusal(() => timesInMs(counted, 'log.csv'))).toMatch(
      /^log\.csv: the time column holds plain numbers \(1706000000, 1706000060, …\), not dates/,
    );
    // Above Unix ns (after 2286 in ns) no unit fits.
    expect(refusal(() => timesInMs(table(['17060000000000000000', '17060000010000000000']), 'log.csv'))).toMatch(
      /^log\.csv: the time column holds plain numbers \(17060000000000000000, 17060000010000000000, …\), not dates/,
    );
  });

  it('refuses a time column that mixes Unix seconds and Unix ms, naming both lines (before, read as ms: the seconds in 1970)', () => {
    expect(refusal(() => table(['1706000000', '1706000001', '1706000002000', '1706000003000']))).toBe(
      'log.csv:2: column time: 1706000000 is not of the size of Unix ms (1973 to 5138), 1706000002000 at line 4 is: the column is neither Unix ms throughout nor plain numbers of one other size (a placeholder such as 0, two units, or a count that grows past 1e11); write every time as a date, or in one unit',
    );
    expect(refusal(() => table(['1706000002000', '1706000003000', '1706000004']))).toBe(
      'log.csv:4: column time: 1706000004 is not of the size of Unix ms (1973 to 5138), 1706000002000 at line 2 is: the column is neither Unix ms throughout nor plain numbers of one other size (a placeholder such as 0, two units, or a count that grows past 1e11); write every time as a date, or in one unit',
    );
  });

  it('refuses a time too large for a number (1e400), naming it', () => {
    expect(refusal(() => table(['0', '1', '1e400']))).toBe(
      'log.csv:4: column time: bad time "1e400"; write dates as 2024-01-03 00:00:00 (ISO 8601) or 03.01.2024 00:00:00 (day first), or Unix times (ms; s, µs or ns under a time\'s name)',
    );
  });

  it('reads signed and exponent numbers as numbers, not as dates (before, "-3" was read as 2001-03-01)', () => {
    const relative = table(['-3', '-2', '-1', '0', '1.5e0', '2.5']);
    expect(relative.numericTimes).toBe(true);
    const read = timesInMs(relative, 'log.csv', 1000);
    expect([...read.times]).toEqual([-3000, -2000, -1000, 0, 1500, 2500]);
    // Unix seconds written with an exponent, under a time's name.
    const unix = table(['1.706e9', '1.70600006e9', '1.70600012e9']);
    expect(unix.unixUnit).toBe('s');
    expect(timesInMs(unix, 'log.csv').periodMs).toBe(60_000);
  });

  it("reads Unix seconds, µs and ns under a time's name as the dates they are, to the whole ms", () => {
    const at = Date.UTC(2024, 0, 23, 8, 53, 20); // 1706000000 s
    for (const [unit, times] of [
      ['s', ['1706000000', '1706000060.5', '1706000121']],
      ['µs', ['1706000000000000', '1706000060500000', '1706000121000000']],
      ['ns', ['1706000000000000000', '1706000060500000000', '1706000121000000000']],
    ] as const) {
      const t = table([...times]);
      expect(t.unixUnit).toBe(unit);
      const read = timesInMs(t, 'log.csv');
      expect(read.periodMs).toBe(60_500);
      expect([...read.times].map((x) => x - at)).toEqual([0, 60_500, 121_000]);
    }
    // ns every 100 ms from an offset a double cannot hold (2^53 < 1.58e18: steps of 256 ns): the period is 100 ms
    // exactly, not 100.000244 (a model's sample_period_ms is a whole number).
    const ns = Array.from({ length: 50 }, (_, i) => String(1583748873000016000n + BigInt(i) * 100_000_000n));
    const read = timesInMs(table(ns), 'log.csv');
    expect(read.periodMs).toBe(100);
    expect(new Set([...read.times].slice(1).map((x, i) => x - read.times[i]))).toEqual(new Set([100]));
  });

  it('scales plain numbers to the period given, keeping a gap as long in rows', () => {
    // Hours since the start at 3 minutes (0.05 h), one row missing after the third.
    const hours = table(['0', '0.05', '0.1', '0.2', '0.25']);
    const { times, periodMs } = timesInMs(hours, 'log.csv', 180_000);
    expect(periodMs).toBe(180_000);
    expect([...times].map((t) => Math.round(t))).toEqual([0, 180_000, 360_000, 720_000, 900_000]);
  });

  it('refuses numbers that hold one value throughout, and one row of numbers (no spacing to scale)', () => {
    expect(refusal(() => timesInMs(table(['5', '5', '5']), 'log.csv', 1000))).toBe(
      'log.csv: the time column holds 5 in all its 3 rows: it says no time; write the times as dates, or leave the ' +
        'column out to have the rows counted as samples --period-ms apart',
    );
    // Before, "the time column's numbers do not increase (median spacing NaN)", or a period asked for (no help).
    expect(refusal(() => timesInMs(table(['5']), 'log.csv', 1000))).toBe(
      'log.csv: one row: a sample period needs at least two rows',
    );
    expect(refusal(() => timesInMs(table(['5']), 'log.csv'))).toBe(
      'log.csv: one row: a sample period needs at least two rows',
    );
  });

  it('reads dates coarser than the rows (whole seconds at 5 rows a second) with --period-ms, and says so without', () => {
    const stamps = ['2024-01-23 00:00:00', '2024-01-23 00:00:01'].flatMap((t) => Array<string>(5).fill(t));
    const whole = table(stamps);
    expect(refusal(() => timesInMs(whole, 'log.csv'))).toBe(
      'log.csv: many rows share their time with the row before (10 rows, 2 distinct times, 2024-01-23T00:00:00.000Z ' +
        'first): the times are coarser than the rows, such as whole seconds at several rows a second; export them ' +
        'with milliseconds, or give --period-ms (the rows that share a time are then read that far apart)',
    );
    const t0 = Date.parse('2024-01-23T00:00:00Z');
    expect(timesInMs(whole, 'log.csv', 200)).toEqual({
      times: Float64Array.from([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800], (d) => t0 + d),
      periodMs: 200,
    });
  });

  it('refuses rows newest first, with or without a period (before, --period-ms was asked for and then ignored)', () => {
    const newestFirst = table(['2024-01-23 00:06:00', '2024-01-23 00:03:00', '2024-01-23 00:00:00']);
    const said =
      'log.csv: its rows run back in time (newest first: the median step from one row to the next is -180000); sort them oldest first';
    expect(refusal(() => timesInMs(newestFirst, 'log.csv'))).toBe(said);
    expect(refusal(() => timesInMs(newestFirst, 'log.csv', 180_000))).toBe(said);
    expect(refusal(() => timesInMs(table(['9', '6', '3', '0']), 'log.csv', 1000))).toMatch(
      /^log\.csv: its rows run back in time \(newest first: the median step from one row to the next is -3\)/,
    );
  });
});
