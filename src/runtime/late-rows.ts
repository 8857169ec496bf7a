/**
 * An asset's rows whose samples came late (Row.late: all stamped before the row before it, which a server or device
 * that reports its changes late sends; row-assembler.ts places each at the last row's time, never before it): counted
 * per source (linewatch_rows_late_total), and said once per source in the log, with how late the first one was. And
 * its rows of held values overtaken by late rows, dropped (windows/source-rows.ts): counted per source
 * (linewatch_rows_overtaken_total), the first said once per source.
 */
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

export class LateRows {
  /** The sources already said in the log, for late rows and for overtaken ones. */
  private readonly told = new Set<string>();
  private readonly toldOvertaken = new Set<string>();

  constructor(
    private readonly asset: string,
    private readonly deps: { logger: Logger; metrics: GatewayMetrics },
  ) {}

  /** A row of `source`'s samples that came `lateMs` after a row stamped later. */
  row(source: string, lateMs: number): void {
    this.deps.metrics.rowsLate.inc({ asset: this.asset, source });
    if (this.told.has(source)) return;
    this.told.add(source);
    this.deps.logger.warn(
      { asset: this.asset, source, late_ms: lateMs },
      `asset ${this.asset}: source ${source} sent samples stamped ${lateMs} ms before a row it had sent already (the ` +
        "device or server reports changes late): each such row goes at the last row's time with its values as they " +
        'came, so rows never step back; counted in linewatch_rows_late_total, said once',
    );
  }

  /** A row of `source`'s held values, held back for a batch and overtaken by its rows (stamped before it): dropped. */
  overtaken(source: string): void {
    this.deps.metrics.rowsOvertaken.inc({ asset: this.asset, source });
    if (this.toldOvertaken.has(source)) return;
    this.toldOvertaken.add(source);
    this.deps.logger.warn(
      { asset: this.asset, source },
      `asset ${this.asset}: source ${source} sent rows stamped before a row of held values it had sent (a server that ` +
        'stalled, then sent its backlog): such a row of a source that came late recently waits for the next batch and ' +
        'is dropped where that batch comes stamped before it, so that no part or window takes its stale values; ' +
        'counted in linewatch_rows_overtaken_total, said once',
    );
  }
}
