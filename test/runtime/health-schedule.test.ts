/**
 * Each sink is written the gateway's health points at its own interval (the walk's finding: with
 * cloud.mqtt.health_interval_ms 10000 and storage.influxdb.health_interval_ms 5000, the cloud got health every 5 s,
 * the shortest of all): one timer per interval, one collection per tick for the sinks on it, none for a sink that
 * asks for none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openQueue } from '../../src/buffer/open-queue.js';
import { bufferSchema } from '../../src/buffer/schema.js';
import { influxSchema, localStoreSchema } from '../../src/config/schema.js';
import type { Sink } from '../../src/core/components.js';
import { createSinks } from '../../src/registry/runtime.js';
import { scheduleHealth } from '../../src/runtime/health-schedule.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The sinks' names, once per health report they were given, in order. */
function scheduled(targets: { name: string; intervalMs: number }[]) {
  const reports: string[][] = [];
  const stop = scheduleHealth(
    targets.map(({ name, intervalMs }) => ({ sink: { name } as Sink, intervalMs })),
    (sinks) => reports.push(sinks.map((s) => s.name)),
  );
  return { reports, stop };
}

describe('health points per sink', () => {
  it('reach each sink at its own interval, one collection per tick for the sinks that share it', () => {
    vi.useFakeTimers();
    const { reports, stop } = scheduled([
      { name: 'influxdb', intervalMs: 5000 },
      { name: 'cloud-mqtt', intervalMs: 10_000 },
      { name: 'other', intervalMs: 5000 },
      { name: 'local', intervalMs: 0 },
    ]);
    vi.advanceTimersByTime(20_000);
    stop();
    const count = (name: string) => reports.filter((r) => r.includes(name)).length;
    expect([count('influxdb'), count('cloud-mqtt'), count('other'), count('local')]).toEqual([4, 2, 4, 0]);
    expect(reports.filter((r) => r.includes('influxdb'))).toEqual(Array(4).fill(['influxdb', 'other']));
    vi.advanceTimersByTime(20_000);
    expect(reports).toHaveLength(6);
  });

  it('come at the interval each configured sink asks for', () => {
    const deps = {
      logger: silentLogger(),
      metrics: new GatewayMetrics(),
      tags: { site: 's', line: 'l', gateway: 'g' },
      openQueue: () => openQueue(bufferSchema.parse({ type: 'memory' })),
    };
    const created = createSinks(
      {
        local: localStoreSchema.parse({ path: '/nonexistent/never-opened.db' }),
        influxdb: influxSchema.parse({ url: 'http://127.0.0.1:8086', database: 'line', health_interval_ms: 5000 }),
      },
      deps,
    );
    expect(created.map((c) => [c.sink.name, c.intervalMs])).toEqual([
      ['local', 0],
      ['influxdb', 5000],
    ]);
  });
});
