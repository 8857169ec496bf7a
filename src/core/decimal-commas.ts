/**
 * A comma in a number of a tab-separated file: a decimal comma (a German Excel's `1,25`) or a thousands separator (a
 * US Excel writes cells as it shows them: `1,000`). `;` files are European and read `1,234` as 1.234; a tab file says
 * no locale. A file whose every comma number could be a thousands group (`1,000`, `-12,500`: one to three digits,
 * the first not 0, a comma, three digits) is refused, naming its first such cell; one with any other comma number in
 * any column (`0,125`, `1,25`: a German export that writes one column to three decimals) has decimal commas.
 * (`1,234,567` and `1,234.5` are no number and refused where they stand.)
 */
export const GROUPED = /^[+-]?[1-9]\d{0,2},\d{3}$/;

export class DecimalCommas {
  /** Per column: the record of its first cell that may be grouped (-1: none), and whether one is surely decimal. */
  private readonly grouped: Int32Array;
  private readonly decimal: Uint8Array;
  private readonly cells: string[];

  constructor(columns: number) {
    this.grouped = new Int32Array(columns).fill(-1);
    this.decimal = new Uint8Array(columns);
    this.cells = new Array<string>(columns).fill('');
  }

  /** A cell that holds a comma and was read as a number (a decimal comma). */
  see(column: number, cell: string, record: number): void {
    const trimmed = cell.trim();
    if (!GROUPED.test(trimmed)) this.decimal[column] = 1;
    else if (this.grouped[column] < 0) {
      this.grouped[column] = record;
      this.cells[column] = trimmed;
    }
  }

  /** Refuses the file if its comma numbers could all be thousands groups; `where` names column and line. */
  refuseGrouped(where: (column: number, record: number) => string): void {
    if (this.decimal.includes(1)) return;
    const k = this.grouped.findIndex((record) => record >= 0);
    if (k < 0) return;
    const cell = this.cells[k];
    throw new Error(
      `${where(k, this.grouped[k])}: "${cell}" may be ${cell.replace(',', '')} (a thousands separator) or ` +
        `${cell.replace(',', '.')} (a decimal comma), and no comma number in the file says which; write it ` +
        'without the thousands separator, or with a point for the decimals',
    );
  }
}
