/**
 * Export mistakes a CSV's cells show the cause of, named with the fix where the reader refuses the file: UTF-16 text
 * (Excel's "Unicode Text"), a separator the reader does not read (`|`), decimal commas in a file whose cells `,`
 * separates (quoted, or splitting each number into two fields) (pure). A units row under the header is read:
 * csv-units-row.ts.
 */
import { DECIMAL_COMMA } from './csv-cells.js';
import { GROUPED } from './decimal-commas.js';

/** The 1-based line of `text` that character `at` is on. */
const lineAt = (text: string, at: number): number => text.slice(0, at).split('\n').length;

/**
 * Refuses a text with a NUL character, which no CSV text holds (and no terminal should be sent): UTF-16 text read as
 * UTF-8 (a byte order mark, FF FE or FE FF, or a NUL beside most characters of its start), else a binary or damaged
 * file. The message never quotes the text.
 */
export function refuseNul(text: string, file: string): void {
  const at = text.indexOf('\0');
  if (at < 0) return;
  const start = text.slice(0, 200);
  const nuls = start.split('\0').length - 1;
  if (start.startsWith('\ufffd\ufffd') || nuls * 3 >= start.length)
    throw new Error(
      `${file}: the file is UTF-16 text (Excel's "Unicode Text"), which linewatch does not read; save it as ` +
        '"CSV UTF-8" (Excel: Save As, "CSV UTF-8 (Comma delimited)")',
    );
  // A NUL inside a quoted cell (a text column's junk) is the cell's: the cell is read or left out as any other.
  if (insideQuotes(text, at)) return;
  throw new Error(
    `${file}:${lineAt(text, at)}: a NUL byte, which no CSV text holds: the file is binary or damaged; export it again`,
  );
}

/** Whether character `at` lies inside a quoted field: an odd number of `"` before it on its record (a fair guess). */
function insideQuotes(text: string, at: number): boolean {
  let quotes = 0;
  for (let i = text.lastIndexOf('\n', at) + 1; i < at; i++) if (text.charCodeAt(i) === 34) quotes++;
  return quotes % 2 === 1;
}

/**
 * Refuses a header (the first line that is not blank) whose names `|` separates, with none of the separators read
 * (`,`, `;`, a tab): it would be read as one column named by the whole line.
 */
export function refusePipes(text: string, file: string): void {
  const first = text.search(/\S/);
  if (first < 0) return;
  const start = text.lastIndexOf('\n', first) + 1;
  const end = text.indexOf('\n', start);
  const header = text.slice(start, end < 0 ? text.length : end).trim();
  // A `|` inside a quoted name ("Line1|Flow") is the name's.
  const unquoted = header.replace(/"(?:[^"]|"")*"/g, '');
  if (!unquoted.includes('|') || /[,;\t]/.test(header)) return;
  const names = header.split('|');
  throw new Error(
    `${file}:${lineAt(text, start)}: "|" separates the header's names (${names.slice(0, 3).join('|')}` +
      `${names.length > 3 ? '|…' : ''}), and is no separator linewatch reads; export the file with ",", ";" or a ` +
      'tab as the separator',
  );
}

const DECIMAL_COMMA_FIX = 'export it with ";" as the separator (read with decimal commas) or with a decimal point';

/** Why a cell of a `,`-separated file is no number, where it holds a comma number (`"32,48"`, quoted); else ''. */
export function commaNumberCause(cell: string, separator: string): string {
  const c = cell.trim();
  if (separator !== ',' || !DECIMAL_COMMA.test(c)) return '';
  if (GROUPED.test(c))
    return (
      `: a thousands separator (${c.replace(',', '')}) or a decimal comma (${c.replace(',', '.')}), in a file whose ` +
      'cells are separated by commas; export the numbers without thousands separators, with a decimal point'
    );
  return `: a decimal comma, in a file whose cells are separated by commas; ${DECIMAL_COMMA_FIX}`;
}

/**
 * Why a row of a `,`-separated file has `extra` fields more than the header, where decimal commas split its numbers:
 * at least `extra` pairs of neighbouring fields that read as the two halves of a number (`32` and `48`); else ''.
 * `cells`: the row's fields after the time.
 */
export function splitNumbersCause(cells: readonly string[], extra: number, separator: string): string {
  if (separator !== ',' || extra <= 0) return '';
  const pairs: number[] = [];
  for (let i = 0; i + 1 < cells.length; i++)
    if (/^[+-]?\d+$/.test(cells[i].trim()) && /^\d+(?:[eE][+-]?\d+)?$/.test(cells[i + 1].trim())) pairs.push(i++);
  if (pairs.length < extra) return '';
  const [a, b] = [cells[pairs[0]].trim(), cells[pairs[0] + 1].trim()];
  return (
    `: its numbers look written with decimal commas ("${a},${b}" read as the two fields "${a}" and "${b}"), in a file ` +
    `whose cells are separated by commas; ${DECIMAL_COMMA_FIX}`
  );
}
