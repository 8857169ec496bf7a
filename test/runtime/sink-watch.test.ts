/**
 * Whether a sink delivers, as /api/status and /readyz show it (the walk: an InfluxDB outage was invisible there), from
 * its real queue: a batch rejected makes it unreachable since then, one accepted reachable again; write errors that
 * grow while nothing is delivered (a broker offline: nothing is even taken) make it unreachable at the next look. Each
 * look exports the queue's points, bytes and oldest age for any queued sink (linewatch_queue_bytes was InfluxDB's only)
 */
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import type { Sink } from '../../src/core/components.js';
import { createApiHandler, type GatewayApi } from '../../src/api/handlers.js';
import { freePort } from '../../src/core/free-port.js';
import { SinkWatch, WatchedQueue, type SinkStatus } from '../../src/runtime/sink-watch.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { influxSinkUnderTest } from '../sinks/influx/influx-sink-fixture.js';

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

/**
 * /readyz's grace (the finding: one failed batch made a sink unreachable and /readyz 503 at once, so a readiness probe
 * flapped on one InfluxDB hiccup). A real InfluxDB sink on a port nobody listens on, its clock the test's: /api/status
 * says the failure at once; /readyz counts it only once it has lasted `graceRetries` of the sink's retry cycles.
 */
describe("a sink's grace for /readyz", () => {
  async function failedInflux(graceRetries: number) {
    const { s, metrics, clock } = influxSinkUnderTest({
      url: `http://127.0.0.1:${await freePort()}`, // nobody listens there
      database: 'lw_grace',
    });
    const watch = new SinkWatch(s, undefined, metrics, () => clock.now, graceRetries);
    await s.flush(); // nothing queued yet: no try, no failure
    expect(watch.status()).toEqual({ name: 'influxdb', reachable: true });
    s.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { ts: clock.now })] });
    await s.flush();
    return { s, watch, clock, failedAt: clock.now };
  }
  const readyz = (watch: SinkWatch) =>
    createApiHandler(
      { host: '127.0.0.1', port: 0 },
      gatewayWith(watch.status()),
      new GatewayMetrics(),
    )({
      method: 'GET',
      url: '/readyz',
      readBody: async () => '',
    });

  it("lasts the sink's retry cycles from the failure: unreachable in /api/status at once, in /readyz after", async () => {
    const { s, watch, clock, failedAt } = await failedInflux(2);
    try {
      // InfluxDB's cycle with this configuration: 500 ms to the next try + flush_interval_ms 60 s + timeout_ms 2 s
      expect(s.retryCycleMs()).toBe(62_500);
      expect(watch.status()).toMatchObject({ reachable: false, since: failedAt, readyzGraceUntil: failedAt + 125_000 });
      expect(await readyz(watch)).toMatchObject({ status: 200, body: { status: 'ok', unreachable_sinks: [] } });
      clock.now = failedAt + 124_999;
      expect(await readyz(watch)).toMatchObject({ status: 200 });
      clock.now = failedAt + 125_000;
      expect(watch.status()).not.toHaveProperty('readyzGraceUntil');
      expect(watch.status()).toMatchObject({ reachable: false, since: failedAt });
      expect(await readyz(watch)).toMatchObject({
        status: 503,
        body: { status: 'degraded', unreachable_sinks: ['influxdb'] },
      });
    } finally {
      await s.close();
    }
  });

  it('with 0 retries, /readyz counts a sink from its first failed batch, as before', async () => {
    const { s, watch } = await failedInflux(0);
    try {
      expect(watch.status()).not.toHaveProperty('readyzGraceUntil');
      expect(await readyz(watch)).toMatchObject({ status: 503, body: { unreachable_sinks: ['influxdb'] } });
    } finally {
      await s.close();
    }
  });

  it('gives none to a sink without a retry cycle (the local store)', () => {
    const { clock, queue } = watched('cloud-mqtt');
    const watch = new SinkWatch({ name: 'cloud-mqtt' } as Sink, queue, new GatewayMetrics(), () => clock.now, 3);
    queue.push([{ priority: 'alarm', payload: 'x' }]);
    queue.reject(queue.take(100)!);
    expect(watch.status()).toEqual({
      name: 'cloud-mqtt',
      reachable: false,
      since: clock.now,
      queued: { points: 1, bytes: 1, oldestAgeS: 0 },
    });
  });
});

/** The gateway side of the API as the handler reads it for /readyz: running, its one source up, this sink. */
function gatewayWith(sink: SinkStatus): GatewayApi {
  return {
    status: () => ({
      gateway: 'gw',
      site: 's',
      line: 'l',
      state: 'running',
      uptime_s: 1,
      sources: [{ name: 'plc', connected: true }],
      assets: [],
      alarms: [],
      actions: [],
      sinks: [sink],
    }),
    events: { subscribe: () => () => undefined },
    command: () => Promise.reject(new Error('no commands here')),
    rollbackModel: () => Promise.reject(new Error('no rollbacks here')),
  };
}
