/**
 * Export mistakes a newcomer's walk met, each refused with its likely cause and the fix instead of the cell alone:
 * decimal commas in a `,` file (quoted, or splitting every number into two fields), a `|`-separated file and a UTF-16
 * file (Excel's "Unicode Text"), whose NUL bytes a message never prints. Files without these mistakes read as before.
 * A units row under the header is read: csv-units-row.test.ts.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvHeader, parseSkabCsv } from '../../src/core/csv-table.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { csvNormalData } from '../../src/training/csv-dataset.js';
import { plain, refusal } from '../helpers/csv-tables.js';

const HEADER = 'timestamp,air_flow,pressure,temp';
const ROWS = ['2024-01-03 00:00:00,32.48,1.25,21.5', '2024-01-03 00:00:01,32.51,1.26,21.5'];
const csv = (rows: readonly string[], header = HEADER) => `${[header, ...rows].join('\n')}\n`;
/** ROWS with every reading's point written as a decimal comma, quoted or not. */
const commaRows = (quote: string) =>
  ROWS.map((r) => r.split(',').map((c, j) => (j === 0 ? c : `${quote}${c.replace('.', ',')}${quote}`)));

const DECIMAL_FIX = 'export it with ";" as the separator (read with decimal commas) or with a decimal point';

describe('decimal commas in a file whose cells are separated by commas', () => {
  it('names a quoted decimal comma as one, with the fix', () => {
    const text = csv(commaRows('"').map((r) => r.join(',')));
    expect(refusal(() => parseSkabCsv(text, 'bad/comma_quoted_dec.csv'))).toBe(
      'bad/comma_quoted_dec.csv:2: column air_flow: not a number: "32,48": a decimal comma, in a file whose cells ' +
        `are separated by commas; ${DECIMAL_FIX}`,
    );
    // The ;-separated export the message asks for reads.
    const semicolons = csv(
      commaRows('').map((r) => r.join(';')),
      HEADER.replaceAll(',', ';'),
    );
    expect(plain(parseSkabCsv(semicolons, 'good.csv')).columns.air_flow).toEqual([32.48, 32.51]);
  });

  it('names a quoted number that may hold a thousands separator as either', () => {
    expect(refusal(() => parseSkabCsv('time,flow\n1000,"1,250"\n', 'us.csv'))).toBe(
      'us.csv:2: column flow: not a number: "1,250": a thousands separator (1250) or a decimal comma (1.250), in a ' +
        'file whose cells are separated by commas; export the numbers without thousands separators, with a decimal point',
    );
  });

  it('names unquoted decimal commas that split each number into two fields', () => {
    const text = csv(commaRows('').map((r) => r.join(',')));
    expect(refusal(() => parseSkabCsv(text, 'bad/comma_unquoted_dec.csv'))).toBe(
      'bad/comma_unquoted_dec.csv:2: expected 4 fields, found 7: its numbers look written with decimal commas ' +
        `("32,48" read as the two fields "32" and "48"), in a file whose cells are separated by commas; ${DECIMAL_FIX}`,
    );
    // Some numbers whole, one with a decimal comma: one field too many, explained all the same.
    expect(refusal(() => parseSkabCsv('time,a,b\n1000,7,0,5\n', 'x.csv'))).toBe(
      'x.csv:2: expected 3 fields, found 4: its numbers look written with decimal commas ("7,0" read as the two ' +
        `fields "7" and "0"), in a file whose cells are separated by commas; ${DECIMAL_FIX}`,
    );
  });

  it('says only the count where the extra fields are no halves of numbers', () => {
    expect(refusal(() => parseSkabCsv('time,a,b\n1000,7,x,y\n', 'x.csv'))).toBe('x.csv:2: expected 3 fields, found 4');
    expect(refusal(() => parseSkabCsv('time,a\n1000,7,0,5\n', 'x.csv'))).toBe('x.csv:2: expected 2 fields, found 4');
  });
});

describe('a file separated by "|"', () => {
  it('is refused at its header, naming the separators read', () => {
    const text = csv(
      ROWS.map((r) => r.replaceAll(',', '|')),
      HEADER.replaceAll(',', '|'),
    );
    expect(refusal(() => parseSkabCsv(`\n${text}`, 'bad/pipe.csv'))).toBe(
      'bad/pipe.csv:2: "|" separates the header\'s names (timestamp|air_flow|pressure|…), and is no separator ' +
        'linewatch reads; export the file with ",", ";" or a tab as the separator',
    );
  });

  it('leaves a "|" inside a name of a file with a separator read, and reads its tab-separated twin', () => {
    expect(parseSkabCsv('time,a|b\n1000,1\n', 'x.csv').header).toEqual(['time', 'a|b']);
    // One column whose quoted name holds a "|": no separator at all, read as before.
    expect(parseSkabCsv('"Line1|Flow"\n1\n2\n', 'one.csv').header).toEqual(['sample', 'Line1|Flow']);
    const tabs = csv(
      ROWS.map((r) => r.replaceAll(',', '\t')),
      HEADER.replaceAll(',', '\t'),
    );
    expect(plain(parseSkabCsv(tabs, 'tab.csv'))).toEqual(plain(parseSkabCsv(csv(ROWS), 'comma.csv')));
  });
});

describe('a UTF-16 file (Excel\'s "Unicode Text")', () => {
  const UTF16 =
    'bad/utf16.csv: the file is UTF-16 text (Excel\'s "Unicode Text"), which linewatch does not read; save it as ' +
    '"CSV UTF-8" (Excel: Save As, "CSV UTF-8 (Comma delimited)")';
  const tsv = csv(
    ROWS.map((r) => r.replaceAll(',', '\t')),
    HEADER.replaceAll(',', '\t'),
  ).replaceAll('\n', '\r\n');
  const be = (s: string) => Buffer.from(s, 'utf16le').swap16();

  it.each([
    [
      'little-endian, with its byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]),
    ],
    ['big-endian, with its byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), be(tsv)])],
    ['little-endian, without one', Buffer.from(tsv, 'utf16le')],
  ])('%s: is named as such, with the fix, by train, eval and the header reader alike', async (_, bytes) => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-utf16-'));
    const file = join(dir, 'utf16.csv');
    await writeFile(file, bytes);
    const text = bytes.toString('utf8');
    expect(refusal(() => csvNormalData(text, 'bad/utf16.csv', { name: 'm' }))).toBe(UTF16);
    expect(refusal(() => readLabelledCsv(file))).toBe(UTF16.replace('bad/utf16.csv', file));
    expect(refusal(() => csvHeader(file))).toBe(UTF16.replace('bad/utf16.csv', file));
  });

  it('leaves a NUL inside a quoted cell to its cell (a text column left out), as before', () => {
    const text = `time,a,b,note\n${[1000, 2000, 3000].map((t, i) => `${t},${i},${i * 2},"x${i === 1 ? '\0' : ''}"`).join('\n')}\n`;
    expect(parseSkabCsv(text, 'nul.csv', {}).header).toEqual(['time', 'a', 'b']);
  });

  it('names a stray NUL byte in UTF-8 text by its line, never printing it', () => {
    const message = refusal(() => parseSkabCsv(csv([ROWS[0], `${ROWS[1]}\0`]), 'nul.csv'));
    expect(message).toBe(
      'nul.csv:3: a NUL byte, which no CSV text holds: the file is binary or damaged; export it again',
    );
  });
});
