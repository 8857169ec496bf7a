/**
 * Whether a sink delivers, as /api/status and /readyz show it (the walk: an InfluxDB outage was invisible there), from
 * its real queue: a batch rejected makes it unreachable since then, one accepted reachable again; write errors that
 * grow while nothing is delivered (a broker offline: nothing is even taken) make it unreachable at the next look. Each
 * look exports the queue's points, bytes and oldest age for any queued sink (linewatch_queue_bytes was InfluxDB's only)
 */
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import type { Sink } from '../../src/core/components.js';
import { SinkWatch, WatchedQueue } from '../../src/runtime/sink-watch.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

function watched(name: string) {
  const clock = { now: 1_000_000 };
  const now = () => clock.now;
  const metrics = new GatewayMetrics();
  const queue = new WatchedQueue(new MemoryQueue(1 << 20, now), now);
  const watch = new SinkWatch({ name } as Sink, queue, metrics, now);
  return { clock, metrics, queue, watch };
}

describe('a sink behind a queue', () => {
  it('is unreachable from the batch it could not deliver until one is delivered, with what waits', async () => {
    const { clock, metrics, queue, watch } = watched('influxdb');
    await watch.look();
    expect(watch.status()).toEqual({
      name: 'influxdb',
      reachable: true,
      queued: { points: 0, bytes: 0, oldestAgeS: 0 },
    });
    queue.push([{ priority: 'score', payload: 'score value=1 1', count: 3 }]);
    queue.reject(queue.take(100)!);
    metrics.sinkWriteErrors.inc({ sink: 'influxdb', kind: 'network' });
    const failedAt = clock.now;
    clock.now += 120_000;
    await watch.look();
    expect(watch.status()).toEqual({
      name: 'influxdb',
      reachable: false,
      since: failedAt,
      lastErrorKind: 'network',
      queued: { points: 3, bytes: 15, oldestAgeS: 120 },
    });
    queue.accept(queue.take(100)!);
    await watch.look();
    expect(watch.status()).toEqual({
      name: 'influxdb',
      reachable: true,
      since: clock.now,
      queued: { points: 0, bytes: 0, oldestAgeS: 0 },
    });
  });

  it('is unreachable where its write errors grow and nothing is delivered, and exports its queue bytes', async () => {
    const { clock, metrics, queue, watch } = watched('cloud-mqtt');
    await watch.look();
    queue.push([{ priority: 'alarm', payload: 'x'.repeat(100) }]);
    metrics.sinkWriteErrors.inc({ sink: 'cloud-mqtt', kind: 'network' }); // the broker went offline
    metrics.sinkWriteErrors.inc({ sink: 'influxdb', kind: 'http_503' }); // another sink's: not this one's
    clock.now += 5000;
    await watch.look();
    expect(watch.status()).toMatchObject({ reachable: false, since: clock.now, lastErrorKind: 'network' });
    expect(await metrics.registry.getSingleMetricAsString('linewatch_queue_bytes')).toContain(
      'linewatch_queue_bytes{sink="cloud-mqtt"} 100',
    );
    // Back online: the queue drains.
    queue.accept(queue.take(100)!);
    await watch.look();
    expect(watch.status()).toMatchObject({ reachable: true, since: clock.now });
  });

  it('stays reachable where errors grow but batches are delivered (InfluxDB refusing bad points answers)', async () => {
    const { metrics, queue, watch } = watched('influxdb');
    await watch.look();
    queue.push([{ priority: 'raw', payload: 'bad line' }]);
    metrics.sinkWriteErrors.inc({ sink: 'influxdb', kind: 'http_400' });
    queue.accept(queue.take(100)!);
    await watch.look();
    expect(watch.status()).toMatchObject({ reachable: true });
  });
});
