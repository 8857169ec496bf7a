/**
 * Each sink's health points at its own interval (`storage.influxdb.health_interval_ms`,
 * `cloud.mqtt.health_interval_ms`): one timer per distinct interval, and at each of its ticks one
 * collection for the sinks on it. A sink that asks for none (0) gets none.
 */
import type { Sink } from '../core/components.js';

export interface HealthTarget {
  readonly sink: Sink;
  /** How often it wants the gateway's health points, in ms (0: never). */
  readonly intervalMs: number;
}

/**
 * Starts the timers: `report` collects once and writes to the sinks it is given (it must not reject: the gateway
 * logs its failures). Returns what stops them all.
 */
export function scheduleHealth(targets: readonly HealthTarget[], report: (sinks: readonly Sink[]) => void): () => void {
  const byInterval = new Map<number, Sink[]>();
  for (const { sink, intervalMs } of targets)
    if (intervalMs > 0) byInterval.set(intervalMs, [...(byInterval.get(intervalMs) ?? []), sink]);
  const timers = [...byInterval].map(([ms, sinks]) => {
    const timer = setInterval(() => report(sinks), ms);
    timer.unref();
    return timer;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
