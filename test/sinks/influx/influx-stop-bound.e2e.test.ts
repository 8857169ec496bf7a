/**
 * Regression (review s34): a stop waited for InfluxDB as long as timeout_ms (up to ~24.8 days) when the server
 * accepted the connection and never answered; every remote configuration apply and rollback stops the gateway first.
 * The stop's flush is bounded (stopFlushMs), the write aborted, and its points stay in the disk queue: a real influxd
 * receives them at the next start.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../../src/buffer/sqlite-queue.js';
import { influxSchema } from '../../../src/config/schema.js';
import { InfluxSink, STOP_FLUSH_MAX_MS, stopFlushMs } from '../../../src/sinks/influx/influx-sink.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { logLines } from '../../helpers/log-lines.js';
import { suiteServer } from '../../helpers/suite-server.js';

const influx = suiteServer(startInfluxd);
const tags = { site: 's', line: 'l', gateway: 'g' };

/** A TCP server that reads what it is sent and never answers; its sockets, to end them. */
async function silentServer(): Promise<{ server: Server; url: string; requested: Promise<void>; close(): void }> {
  const sockets: Socket[] = [];
  let requested!: () => void;
  const firstRequest = new Promise<void>((r) => (requested = r));
  const server = createServer((s) => {
    sockets.push(s);
    s.on('data', () => requested());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    requested: firstRequest,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

let silent: Awaited<ReturnType<typeof silentServer>> | undefined;
afterEach(() => silent?.close());

describe('InfluxDB sink stop against a server that never answers', () => {
  it('the stop bound is timeout_ms, at most STOP_FLUSH_MAX_MS', () => {
    expect(stopFlushMs({ timeout_ms: 600_000 })).toBe(STOP_FLUSH_MAX_MS);
    expect(stopFlushMs({ timeout_ms: 1500 })).toBe(1500);
  });

  it('stops within the bound, the write under way aborted, and a real influxd gets its points at the next start', async () => {
    silent = await silentServer();
    const path = join(mkdtempSync(join(tmpdir(), 'lw-stopbound-')), 'q.db');
    const log = logLines();
    const config = (url: string) =>
      influxSchema.parse({
        url,
        database: 'lw_stop_bound',
        batch_size: 5000,
        flush_interval_ms: 60_000,
        timeout_ms: 600_000,
      });
    const first = new InfluxSink(config(silent.url), tags, {
      logger: log.logger,
      metrics: new GatewayMetrics(),
      queue: new SqliteQueue({ path, maxBytes: 1 << 30 }),
    });
    await first.start();
    first.write({ samples: sampleRun(300, Date.now() - 60_000), scores: [], alarms: [] });
    void first.flush(); // a write under way that the server never answers
    await silent.requested;
    const t0 = Date.now();
    await first.close();
    const stoppedMs = Date.now() - t0;
    expect(stoppedMs).toBeLessThan(STOP_FLUSH_MAX_MS + 10_000); // not timeout_ms (600 s)
    expect(log.lines.some((l) => l.msg.includes(`no answer within ${STOP_FLUSH_MAX_MS} ms of the stop`))).toBe(true);
    expect(log.lines.some((l) => l.msg.includes('300 points stay queued for the next start'))).toBe(true);

    const next = new InfluxSink({ ...config(influx().url), timeout_ms: 5000 }, tags, {
      logger: log.logger,
      metrics: new GatewayMetrics(),
      queue: new SqliteQueue({ path, maxBytes: 1 << 30 }),
    });
    await next.start();
    await next.flush();
    expect(next.buffered).toBe(0);
    await next.close();
    const [stats] = await influx().query('lw_stop_bound', 'SELECT COUNT(value) FROM linewatch_sample');
    expect(stats?.values[0]?.[1]).toBe(300);
  }, 60_000);

  it('a write without an answer within timeout_ms is kept and retried, said as timed out (the stop aside)', async () => {
    silent = await silentServer();
    const log = logLines();
    const queue = new SqliteQueue({
      path: join(mkdtempSync(join(tmpdir(), 'lw-stopbound-')), 'q.db'),
      maxBytes: 1 << 30,
    });
    const sink = new InfluxSink(
      influxSchema.parse({
        url: silent.url,
        database: 'd',
        batch_size: 5000,
        flush_interval_ms: 60_000,
        timeout_ms: 300,
      }),
      tags,
      { logger: log.logger, metrics: new GatewayMetrics(), queue },
    );
    await sink.start();
    sink.write({ samples: sampleRun(20, Date.now() - 60_000), scores: [], alarms: [] });
    await sink.flush();
    expect(log.lines.map((l) => l.msg)).toContain(
      `influxdb ${silent.url} unreachable: The operation was aborted due to timeout; points stay queued, retrying`,
    );
    expect(sink.buffered).toBe(20);
    await sink.close();
  });
});
