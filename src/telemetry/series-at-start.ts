/**
 * The series the gateway knows from its configuration, created at 0 when it starts (as Prometheus' client guidance
 * asks): a counter that first appears at 1 is missed by `increase()` and `rate()`, and a panel or an alert on a series
 * that does not exist yet shows No data. Only label values that are a small fixed set are created: InfluxDB's
 * `http_<status>` write errors for the statuses it documents (a proxy's other status appears with its first answer),
 * an action's `unchanged` with its first write not made.
 */
import type { GatewayMetrics } from './metrics.js';

/** The `kind`, `reason` and `class` values a sink counts, each a small fixed set (its type declares them). */
export interface SinkSeries {
  /** `kind`s of linewatch_sink_write_errors_total. */
  readonly writeErrorKinds: readonly string[];
  /** `reason`s of linewatch_sink_dropped_points_total. */
  readonly droppedReasons: readonly string[];
  /** `class`es of linewatch_queue_evicted_total, for a sink that counts its queue's evictions. */
  readonly evictedClasses?: readonly string[];
}

export interface KnownSeries {
  /** Each source, with the `kind`s of linewatch_source_errors_total its type counts. */
  readonly sources?: readonly { readonly name: string; readonly errorKinds: readonly string[] }[];
  readonly sinks?: readonly ({ readonly name: string } & SinkSeries)[];
  /** Each asset's alarms. */
  readonly alarms?: readonly { readonly asset: string; readonly alarm: string }[];
  /** Each alarm and part action, by name: its attempts (ok, retry) and its actions given up (failed). */
  readonly actions?: readonly string[];
}

/**
 * Creates each known counter series at 0 (one that exists already keeps its count) and each alarm's
 * linewatch_alarm_active at 0: call it before the alarms are restored from the journal, which set theirs.
 */
export function createSeriesAtZero(metrics: GatewayMetrics, known: KnownSeries): void {
  for (const { name: source, errorKinds } of known.sources ?? []) {
    metrics.sourceReconnects.inc({ source }, 0);
    for (const kind of errorKinds) metrics.sourceErrors.inc({ source, kind }, 0);
  }
  for (const { name: sink, writeErrorKinds, droppedReasons, evictedClasses = [] } of known.sinks ?? []) {
    for (const kind of writeErrorKinds) metrics.sinkWriteErrors.inc({ sink, kind }, 0);
    for (const reason of droppedReasons) metrics.sinkDroppedPoints.inc({ sink, reason }, 0);
    for (const c of evictedClasses) metrics.queueEvicted.inc({ sink, class: c }, 0);
  }
  for (const labels of known.alarms ?? []) {
    metrics.alarmsRaised.inc(labels, 0);
    metrics.alarmActive.set(labels, 0);
  }
  for (const action of known.actions ?? [])
    for (const outcome of ['ok', 'retry', 'failed']) metrics.actions.inc({ action, outcome }, 0);
}
