/**
 * api-scrape: what a client asking `GET /metrics` (no token needed) back to back does to the gateway's event loop
 * (perf_hooks delay, what a poll timer would see), with the body built for each request (as before 2026-12-07) and
 * shared (api/shared-build.ts), on a registry like a running plant's (the process metrics, 6 sources, 8 assets).
 * The client runs in a child process; rounds alternate. LINEWATCH_BENCH_LOOP_MS sets each round's length (default
 * 3000).
 */
import { startHttpEndpoint } from '../api/http-server.js';
import { EventBus } from '../core/event-bus.js';
import type { GatewayApi } from '../api/handlers.js';
import type { GatewayTopics } from '../runtime/gateway.js';
import { silentLogger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { benchChild, reply } from './bench-child.js';
import { loopDelay } from './event-loop-benchmark.js';
import { median, type Benchmark } from './harness.js';

const CONNECTIONS = 4;
const ROUNDS = 3;

/** A registry with the series a plant of 6 sources, 8 assets and 2 sinks has. */
function plantMetrics(): GatewayMetrics {
  const m = new GatewayMetrics({ processMetrics: true });
  for (let s = 0; s < 6; s++) {
    const source = `plc-${s}`;
    m.sourcePolls.inc({ source }, 1000);
    m.sourceConnected.set({ source }, 1);
    m.samples.inc({ source, quality: 'good' }, 60_000);
  }
  for (let a = 0; a < 8; a++) {
    const asset = `machine-${a}`;
    m.windowsScored.inc({ asset }, 500);
    m.inferenceSeconds.observe({ asset }, 0.003);
    m.anomalyScore.set({ asset }, 0.4);
  }
  for (const sink of ['influxdb', 'cloud-mqtt']) m.sinkPointsWritten.inc({ sink }, 10_000);
  return m;
}

/** The loop's delay (p99, max; ms) and the answers a second while the client child asks `/metrics` for `ms`. */
async function hammered(now: () => number, ms: number) {
  const api = {
    status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
    events: new EventBus<GatewayTopics>(() => undefined),
  };
  const endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0 },
    api as unknown as GatewayApi,
    plantMetrics(),
    silentLogger(),
    now,
  );
  try {
    const {
      p99,
      max,
      windows: answered,
    } = await loopDelay(ms, async () => {
      const client = benchChild('./scrape-client-child.js', [endpoint.port, '/metrics', CONNECTIONS, ms]);
      return (await reply<{ answered: number }>(client, 'answered')).answered;
    });
    return { p99, max, perSecond: answered / (ms / 1000) };
  } finally {
    await endpoint.close();
  }
}

export const apiScrapeBenchmark: Benchmark = {
  name: 'api-scrape',
  description: 'event-loop delay while a client asks GET /metrics back to back: body built per request vs shared',
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_LOOP_MS ?? 3000);
    // Each call a second after the last: no body is ever fresh, each request builds its own (as before).
    let late = 0;
    const eachBuilds = () => (late += 1_000_000);
    const perRequest: Awaited<ReturnType<typeof hammered>>[] = [];
    const shared: Awaited<ReturnType<typeof hammered>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      perRequest.push(await hammered(eachBuilds, ms));
      shared.push(await hammered(() => performance.now(), ms));
    }
    const row = (label: string, of: (r: (typeof shared)[number]) => number) => ({
      label,
      baseline: median(perRequest.map(of)),
      candidate: median(shared.map(of)),
    });
    return {
      name: 'api-scrape',
      title: `GET /metrics back to back on ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${ms} ms`,
      unit: 'see row',
      baselineName: 'built per request',
      candidateName: 'shared',
      better: 'lower',
      rows: [
        row('event-loop delay p99 (ms)', (r) => r.p99),
        row('event-loop delay max (ms)', (r) => r.max),
        row('answers a second (higher is better)', (r) => r.perSecond),
      ],
      notes: ['the client is another process; both sides share the machine'],
    };
  },
};
