/**
 * An asset's rows whose samples came late (Row.late: all stamped before the row before it, which a server or device
 * that reports its changes late sends; row-assembler.ts places each at the last row's time, never before it): counted
 * per source (linewatch_rows_late_total), and said once per source in the log, with how late the first one was.
 */
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

export class LateRows {
  /** The sources already said in the log. */
  private readonly told = new Set<string>();

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
}
