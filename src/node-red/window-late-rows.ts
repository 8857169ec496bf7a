/**
 * A window node's late rows: rows whose samples all came stamped before the row before them (a server that stalled,
 * then delivered its backlog; a poll answered after a later one), each placed by the gateway's own row assembler at
 * that row's time, so rows never step back (windows/row-assembler.ts). Counted as the gateway counts them in
 * `linewatch_rows_late_total`: on the node's status and on every message it sends (`msg.lateRows`, since the flow
 * started), and said once in the node's log (a warning) with how late the first one came. And its rows of held values
 * overtaken by late rows, dropped (windows/source-rows.ts), as `linewatch_rows_overtaken_total` counts them: on the
 * status, the first said once.
 */
export class WindowLateRows {
  /** Late rows since the flow started. */
  count = 0;
  /** Rows of held values dropped, overtaken by late rows, since the flow started. */
  overtakenCount = 0;
  private told = false;
  private toldOvertaken = false;

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

  /** A row of held values that waited a batch and was overtaken by it (AssetWindows' onOvertakenRow): dropped. */
  overtaken(): void {
    this.overtakenCount++;
    if (this.toldOvertaken) return;
    this.toldOvertaken = true;
    this.warn(
      `window ${this.asset}: samples came stamped before a row of held values (a server that stalled, then sent its ` +
        'backlog): such a row of a source that came late recently waits for the next samples and is dropped where ' +
        'they come stamped before it; counted in the status, said once',
    );
  }

  /** Late rows and dropped ones since the flow started (the status changes with it). */
  get seen(): number {
    return this.count + this.overtakenCount;
  }

  /** The status's count: `, 3 late rows, 1 held row dropped`; '' where none came. */
  get statusPart(): string {
    const n = this.overtakenCount;
    return (
      (this.count === 0 ? '' : `, ${this.count} late row${this.count === 1 ? '' : 's'}`) +
      (n === 0 ? '' : `, ${n} held row${n === 1 ? '' : 's'} dropped`)
    );
  }
}
