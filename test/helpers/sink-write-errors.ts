/** A sink's write errors of one kind, as linewatch_sink_write_errors_total counts them (0 before the first). */
import type { GatewayMetrics } from '../../src/telemetry/metrics.js';

export async function sinkWriteErrors(metrics: GatewayMetrics, sink: string, kind: string): Promise<number> {
  const values = (await metrics.sinkWriteErrors.get()).values;
  return values.find((v) => v.labels.sink === sink && v.labels.kind === kind)?.value ?? 0;
}
