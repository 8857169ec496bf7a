/** An InfluxDB sink as the tests drive it: a memory queue, a clock the test moves, its log lines and metrics. */
import { MemoryQueue } from '../../../src/buffer/memory-queue.js';
import { influxSchema } from '../../../src/config/schema.js';
import { InfluxSink } from '../../../src/sinks/influx/influx-sink.js';
import { withFileToken } from '../../../src/sinks/influx/token-file.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

/**
 * `config` over the defaults: one batch of up to 5000 points, flushed only when the test says, 2 s timeout; a
 * token_file read as the gateway's start reads it.
 */
export function influxSinkUnderTest(config: Record<string, unknown>) {
  const log = logLines();
  const metrics = new GatewayMetrics();
  const clock = { now: Date.now() };
  const s = new InfluxSink(
    withFileToken(
      influxSchema.parse({
        batch_size: 5000,
        flush_interval_ms: 60_000,
        timeout_ms: 2000,
        buffer: { type: 'memory' },
        ...config,
      }),
    ),
    { site: 's', line: 'l', gateway: 'g' },
    { logger: log.logger, metrics, now: () => clock.now, queue: new MemoryQueue(1 << 26) },
  );
  /** The sample lines of one counter family, e.g. linewatch_sink_dropped_points_total. */
  const metric = async (name: string) =>
    (await metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));
  return { s, lines: log.lines, log, metrics, metric, clock };
}
