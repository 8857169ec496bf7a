/**
 * A units row under the header (historian exports: `;[kscmh];[degC];…`), read as the channels' units, not refused
 * (walker w2, 2026-12-07: historian_units_row_read); rows it cannot be told from refused, naming the file and line.
 */
import { describe, expect, it } from 'vitest';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import { unitCell, unitsRowText } from '../../src/core/csv-units-row.js';
import { csvCell } from '../../src/training/store-recording.js';
import { csvNormalData } from '../../src/training/csv-dataset.js';
import { plain, refusal } from '../helpers/csv-tables.js';

const HEADER = 'timestamp,air_flow,pressure,temp';
const ROWS = ['2024-01-03 00:00:00,32.48,1.25,21.5', '2024-01-03 00:00:01,32.51,1.26,21.5'];
const csv = (rows: readonly string[], header = HEADER) => `${[header, ...rows].join('\n')}\n`;
const units = (text: string) => {
  const t = parseSkabCsv(text, 'units.csv').unitsRow;
  return t && { line: t.line, units: Object.fromEntries(t.units) };
};

describe('a units row under the header', () => {
  it('is read as the units, the rows below as readings, the same as without it', () => {
    const { unitsRow, ...rest } = parseSkabCsv(csv([',m3/h,bar,degC', ...ROWS]), 'units.csv');
    expect(unitsRow?.line).toBe(2);
    expect(Object.fromEntries(unitsRow!.units)).toEqual({ air_flow: 'm3/h', pressure: 'bar', temp: 'degC' });
    expect(plain(rest)).toEqual(plain(parseSkabCsv(csv(ROWS), 'units.csv')));
  });

  it("reads a historian's: brackets taken off, a blank time cell or a word there, a text column's cell ignored", () => {
    const text =
      'Timestamp;FIC-101 Flow [m3/h];TI-302 Temp [degC];Status\r\n;[m3/h];(degC);\r\n' +
      '2026-11-02T00:00:00+01:00;1,5;60;Running\r\n2026-11-02T00:03:00+01:00;1,6;61;Running\r\n';
    expect(units(text)).toEqual({ line: 2, units: { 'FIC-101 Flow [m3/h]': 'm3/h', 'TI-302 Temp [degC]': 'degC' } });
    expect(units(csv(['UTC,m3/h,,degC', ...ROWS]))).toEqual({ line: 2, units: { air_flow: 'm3/h', temp: 'degC' } });
    expect(units(csv(['Units,m3/h,n/a,degC', ...ROWS]))?.units).toEqual({ air_flow: 'm3/h', temp: 'degC' });
  });

  it('is read in a file with no time column, the first channel included', () => {
    expect(units('flow,pressure\nm3/h,bar\n5,1\n6,1\n')).toEqual({ line: 2, units: { flow: 'm3/h', pressure: 'bar' } });
  });

  it("is no units row where the first row has a time, or nothing but a text column's word", () => {
    expect(refusal(() => parseSkabCsv(csv(['2024-01-03 00:00:00,m3/h,bar,degC', ...ROWS]), 'x.csv'))).toBe(
      'x.csv:2: column air_flow: not a number: "m3/h"',
    );
    const text = parseSkabCsv('flow,state\n,Running\n5,Running\n6,Idle\n', 'x.csv');
    expect(text.textColumns?.map((t) => t.name)).toEqual(['state']);
    expect(text.unitsRow).toBeUndefined();
  });

  it('refuses a row of words and readings, naming the file, line and both cells', () => {
    expect(refusal(() => parseSkabCsv(csv([',m3/h,1.25,degC', ...ROWS]), 'bad/units.csv'))).toBe(
      'bad/units.csv:2: the row under the header has no time, and holds a word ("m3/h" in air_flow) and a reading ' +
        '("1.25" in pressure): neither a units row (a unit, or nothing, over every column of readings) nor a row of ' +
        'readings; complete it or remove it',
    );
  });

  it('refuses two rows of words (units and descriptions), and a word too long for a unit', () => {
    expect(refusal(() => parseSkabCsv(csv([',m3/h,bar,degC', ',Air flow,Pressure,Temp', ...ROWS]), 'two.csv'))).toBe(
      'two.csv:2 and 3: two rows under the header hold words, not readings, and no time; one units row is read, ' +
        'under the header: remove line 3 (descriptions, it seems)',
    );
    const long = 'Air flow into the reactor from the blower';
    expect(refusal(() => parseSkabCsv(csv([`,${long},bar,degC`, ...ROWS]), 'long.csv'))).toBe(
      `long.csv:2: the row under the header has no time and holds words, but "${long.slice(0, 40)}…" in air_flow is ` +
        'no unit (at most 32 characters, none a control character): a row of descriptions, it seems; remove it',
    );
  });

  it("gives train each channel's unit (a model's manifest keeps them), and the note's words", () => {
    const data = csvNormalData(csv([',m3/h,,degC', ...ROWS]), 'units.csv', { name: 'm' });
    expect(data.channels).toEqual(['air_flow', 'pressure', 'temp']);
    expect(data.units).toEqual(['m3/h', '', 'degC']);
    expect(data.rowCount).toBe(2);
    expect(unitsRowText('units.csv', 2, ['kscmh', 'kg/h', 'kg/h', 'kscmh', '%'])).toBe(
      "units.csv:2: a units row under the header (kscmh, kg/h, kg/h, kscmh, …): read as the channels' units, not as " +
        'readings',
    );
  });
});

describe('a unit as export writes it (unitCell)', () => {
  // The configuration's units a units row must read back: one that would pass for a reading, a date, a missing
  // reading or a spreadsheet formula, brackets of its own, a separator, a space at its end.
  const UNITS: [string, string][] = [
    ['m3/h', 'm3/h'],
    ['%', '%'],
    ['°C', '°C'],
    ['1/min', '[1/min]'],
    ['-', '[-]'],
    ['true', '[true]'],
    ['2024', '[2024]'],
    ['n/a', '[n/a]'],
    ['[x]', '[[x]]'],
    ['(abs)', '[(abs)]'],
    ['a,b', 'a,b'],
    ['=1+1', '[=1+1]'],
    ['kg ', '[kg ]'],
  ];

  it.each(UNITS)('writes %j as %j and reads it back as the same unit', (unit, written) => {
    const cell = unitCell(unit);
    expect(cell).toBe(written);
    const text = csv([`,${csvCell(written)},bar,`, ...ROWS]);
    expect(units(text)?.units).toEqual({ air_flow: unit.trim(), pressure: 'bar' });
  });

  it('writes a plain unit as it is, and none for no unit or one the units row cannot hold', () => {
    expect(['m3/h', '%', 'degC', '1/min', '-'].map(unitCell)).toEqual(['m3/h', '%', 'degC', '[1/min]', '[-]']);
    expect(unitCell('')).toBeUndefined();
    expect(unitCell('x'.repeat(33))).toBeUndefined();
  });
});
