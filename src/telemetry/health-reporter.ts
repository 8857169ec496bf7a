/**
 * Turns the gateway's metrics into periodic health points for the sinks (InfluxDB →
 * Grafana's gateway-health dashboard): one gateway-wide point and one per source. Counters are
 * totals since start; dashboards take their non-negative derivative.
 */
import type { HealthPoint } from '../core/types.js';
import type { GatewayMetrics } from './metrics.js';

type Metric = { get(): Promise<{ values: { value: number; labels: Record<string, string | number> }[] }> };

async function byLabel(metric: Metric, label: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const v of (await metric.get()).values) {
    const key = String(v.labels[label] ?? '');
    out.set(key, (out.get(key) ?? 0) + v.value);
  }
  return out;
}

async function total(metric: Metric): Promise<number> {
  let sum = 0;
  for (const v of (await metric.get()).values) sum += v.value;
  return sum;
}

export async function collectHealth(
  metrics: GatewayMetrics,
  sources: readonly string[],
  ts: number,
): Promise<HealthPoint[]> {
  const [connected, polls, errors, reconnects, samples] = await Promise.all([
    byLabel(metrics.sourceConnected, 'source'),
    byLabel(metrics.sourcePolls, 'source'),
    byLabel(metrics.sourceErrors, 'source'),
    byLabel(metrics.sourceReconnects, 'source'),
    byLabel(metrics.samples, 'source'),
  ]);
  const perSource: HealthPoint[] = sources.map((source) => ({
    ts,
    source,
    fields: {
      connected: connected.get(source) ?? 0,
      polls_total: polls.get(source) ?? 0,
      errors_total: errors.get(source) ?? 0,
      reconnects_total: reconnects.get(source) ?? 0,
      samples_total: samples.get(source) ?? 0,
    },
  }));
  const gateway: HealthPoint = {
    ts,
    fields: {
      samples_total: await total(metrics.samples),
      windows_scored_total: await total(metrics.windowsScored),
      windows_incomplete_total: await total(metrics.windowsIncomplete),
      inference_errors_total: await total(metrics.inferenceErrors),
      alarms_raised_total: await total(metrics.alarmsRaised),
      queue_items: await total(metrics.sinkBufferedPoints),
      queue_bytes: await total(metrics.queueBytes),
      queue_oldest_age_s: await total(metrics.queueOldestAge),
      queue_evicted_total: await total(metrics.queueEvicted),
      points_dropped_total: await total(metrics.sinkDroppedPoints),
      sink_write_errors_total: await total(metrics.sinkWriteErrors),
      assets_blind: await total(metrics.assetBlind),
      assets_on_fallback_model: await total(metrics.assetModelFallback),
    },
  };
  return [gateway, ...perSource];
}
