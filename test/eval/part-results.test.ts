/**
 * A quality system's table of part results read as a part model's labels: the words such systems write, a 0/1 only
 * where the column's name says what a 1 means, ids in one form, a file column where part counters start again, and
 * every table that cannot be read as such refused, naming the line and the cell.
 */
import { describe, expect, it } from 'vitest';
import {
  isPartResultsHeader,
  parsePartResults,
  partKey,
  partResultsCsv,
  recordingOf,
  resultKey,
} from '../../src/eval/part-results.js';

const read = (text: string, idColumn?: string) =>
  parsePartResults(text, 'qs.csv', idColumn !== undefined ? { idColumn } : {});
const badOf = (text: string, idColumn?: string) => Object.fromEntries(read(text, idColumn).bad);

describe('part results from a quality system', () => {
  it('reads OK/NOK in the words testers write, in any case (i.O./n.i.O., pass/fail, good/bad, NG)', () => {
    const text =
      'Serial Number;Result\nA1;OK\nA2;NOK\nA3;i.O.\nA4;n.i.O.\nA5;Pass\nA6;FAIL\nA7;good\nA8;NG\nA9;scrap\n';
    expect(badOf(text)).toEqual({
      A1: false,
      A2: true,
      A3: false,
      A4: true,
      A5: false,
      A6: true,
      A7: false,
      A8: true,
      A9: true,
    });
    const r = read(text);
    expect([r.idColumn, r.resultColumn, r.files, r.untested]).toEqual(['Serial Number', 'Result', undefined, 0]);
  });

  it('reads a 0/1 where the column says what a 1 means (nok, anomaly: bad; ok: good), and refuses it in "result"', () => {
    expect(badOf('part_id,nok\n1,0\n2,1\n')).toEqual({ '1': false, '2': true });
    expect(badOf('part_id,anomaly\n1,0\n2,1\n')).toEqual({ '1': false, '2': true });
    expect(badOf('part_id,OK\n1,0\n2,1\n')).toEqual({ '1': true, '2': false });
    expect(() => read('part_id,result\n1,OK\n2,1\n')).toThrow(
      new Error(
        'qs.csv:3: column result: "1" is not a result; write OK or NOK (pass/fail, good/bad, i.O./n.i.O.), or name the column ok or nok to say what a 1 means',
      ),
    );
    expect(() => read('part_id,result\n1,maybe\n')).toThrow(
      new Error('qs.csv:2: column result: "maybe" is not a result; write OK or NOK (pass/fail, good/bad, i.O./n.i.O.)'),
    );
  });

  it("names a part as a counter and a barcode both write it, and takes the recording's part id column first", () => {
    expect(['0012', '12.0', '12', ' 12 '].map(partKey)).toEqual(['12', '12', '12', '12']);
    expect(['PRS-0012', '1e3', '12.5', '12,0'].map(partKey)).toEqual(['PRS-0012', '1e3', '12.5', '12']);
    // An id longer than a number holds exactly stays as written.
    expect(partKey('100000000000000001')).toBe('100000000000000001');
    // `part_counter` is not among the usual names; the recording's part id channel names it.
    expect(badOf('part_counter,status\n0007,NOK\n', 'part_counter')).toEqual({ '7': true });
  });

  it('keys results by recording and id where a file column names the recording (counters start again)', () => {
    const r = read(
      partResultsCsv([
        { file: 'press-1.csv', partId: '1', bad: false },
        { file: 'line2\\press-2.csv', partId: '1', bad: true },
      ]),
    );
    expect([...r.files!]).toEqual(['press-1', 'line2/press-2']);
    // A recording is named by its path or the end of it, with or without its folder and extension.
    expect(recordingOf(r, 'data/line2/press-2.csv')).toBe('line2/press-2');
    expect(recordingOf(r, 'press-1.csv')).toBe('press-1');
    expect(recordingOf(r, 'line1/press-2.csv')).toBeUndefined();
    expect(recordingOf(r, 'other/press-1.tsv')).toBe('press-1');
    expect(r.bad.get(resultKey('line2/press-2', '1'))).toBe(true);
    expect(r.bad.get(resultKey('press-1', '001'))).toBe(false);
    expect(r.bad.get(resultKey(undefined, '1'))).toBeUndefined();
    expect(() => read('file,part_id,result\n,1,OK\n')).toThrow(new Error('qs.csv:2: column file: no recording named'));
  });

  it("reads a German MES export: Seriennummer, Ergebnis, i.O. and n.i.O (with or without the last dot), Excel's empty rows", () => {
    const r = read('Datei;Teilenummer;Seriennummer;Ergebnis\nrec.csv;A-7;S1;i.O.\nrec.csv;A-7;S2;n.i.O\n;;;\n');
    expect([r.idColumn, r.resultColumn, [...r.files!]]).toEqual(['Seriennummer', 'Ergebnis', ['rec']]);
    expect(Object.fromEntries(r.bad)).toEqual({ 'rec\u0000S1': false, 'rec\u0000S2': true });
  });

  it('takes the first of the usual names a table has: a serial number over a row id, a result over a status', () => {
    const r = read('ID,Part,Serial Number,Status,Result\n1,A-7,S1,done,NOK\n');
    expect([r.idColumn, r.resultColumn, Object.fromEntries(r.bad)]).toEqual(['Serial Number', 'Result', { S1: true }]);
  });

  it('counts parts without a result (not tested) apart, and keeps a retest that agrees', () => {
    const r = read('part_id,result\n1,OK\n2,\n3,NOK\n3,NOK\n');
    expect(() => read('file,part_id,result\na.csv,3,NOK\na.csv,3,OK\nb.csv,3,OK\n')).toThrow(
      new Error('qs.csv:3: part 3 is OK here and NOK on line 2; keep one result per part (its final one)'),
    );
    expect(Object.fromEntries(r.bad)).toEqual({ '1': false, '3': true });
    expect(r.untested).toBe(1);
  });

  it.each([
    ['part_id,result\n', 'qs.csv: no part results (a header and one row per part: part id, result)'],
    ['when,result\n1,OK\n', 'qs.csv: no column of part ids (part_id, serial, id, …; columns: when, result)'],
    [
      'Serial,serial,result\n1,2,OK\n',
      'qs.csv: more than one column of part ids (part_id, serial, id, …; columns: Serial, serial, result)',
    ],
    [
      'part_id,when\n1,2\n',
      'qs.csv: no column of results (result, status, verdict, ok, nok, …; columns: part_id, when)',
    ],
    [
      'part_id,Result,result\n1,OK,OK\n',
      'qs.csv: more than one column of results (result, status, verdict, ok, nok, …; columns: part_id, Result, result)',
    ],
    ['part_id,result\n,OK\n', 'qs.csv:2: column part_id: no part id'],
    ['part_id,result\n1,\n2,\n', 'qs.csv: no part has a result (column result is empty)'],
    [
      'part_id,result\n7,OK\n8,OK\n7,NOK\n',
      'qs.csv:4: part 7 is NOK here and OK on line 2; keep one result per part (its final one), or, where part ids start again in each recording, add a file column (the recording each part was made in)',
    ],
  ])('refuses %j: "%s"', (text, message) => {
    expect(() => read(text)).toThrow(new Error(message));
  });
});

describe('isPartResultsHeader', () => {
  it("tells a quality system's table from a recording by its header", () => {
    expect(isPartResultsHeader(['file', 'part_id', 'result'])).toBe(true);
    expect(isPartResultsHeader(['Seriennummer', 'Prüfergebnis'])).toBe(true);
    expect(isPartResultsHeader(['timestamp', 'force', 'position', 'cycle_active', 'part_counter'])).toBe(false);
    expect(isPartResultsHeader(['serial', 'force'])).toBe(false);
  });
});
