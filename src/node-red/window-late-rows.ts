/**
 * A window node's late rows: rows whose samples all came stamped before the row before them (a server that stalled,
 * then delivered its backlog; a poll answered after a later one), each placed by the gateway's own row assembler at
 * that row's time, so rows never step back (windows/row-assembler.ts). Counted as the gateway counts them in
 * `linewatch_rows_late_total`: on the node's status and on every message it sends (`msg.lateRows`, since the flow
 * started), and said once in the node's log (a warning) with how late the first one came.
 */
export class WindowLateRows {
  /** Late rows since the flow started. */
  count = 0;
  private told = false;

  constructor(
    private readonly asset: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** A row whose samples came `lateMs` after a row stamped later (AssetWindows' onLateRow). */
  row(lateMs: number): void {
    this.count++;
    if (this.told) return;
    this.told = true;
    this.warn(
      `window ${this.asset}: samples came stamped ${lateMs} ms before a row made already (the device or server ` +
        "reports changes late): each such row goes at the last row's time with its values as they came, so rows " +
        'never step back; counted in the status and msg.lateRows, said once',
    );
  }

  /** The status's count: `, 3 late rows`; '' where none came. */
  get statusPart(): string {
    return this.count === 0 ? '' : `, ${this.count} late row${this.count === 1 ? '' : 's'}`;
  }
}
