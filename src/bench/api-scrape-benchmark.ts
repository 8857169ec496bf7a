/**
 * api-scrape: what a client asking `GET /metrics` (no token needed) back to back does to the gateway's event loop
 * (perf_hooks delay, what a poll timer would see), with the body built for each request (as before 2026-12-07) and
 * shared (api/shared-build.ts), on a registry like a running plant's (the process metrics, 6 sources, 8 assets).
 * api-health: the same client asking `GET /healthz` (no token needed either), whose answer is built for each request
 * from a status like a plant's (6 sources, 8 assets, 2 sinks, built afresh for each call as the gateway's is), beside
 * `/metrics` shared: whether the probes' answers would be worth sharing too.
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

/** What GatewayApi.status() answers for a plant of 6 sources, 8 assets and 2 sinks, built afresh as the gateway does */
function plantStatus() {
  const alarm = (asset: string) => ({ asset, alarm: 'anomaly', state: 'normal', since: Date.now(), score: 0.4 });
  return {
    gateway: 'line-3',
    state: 'running',
    uptime_s: 3600,
    sources: Array.from({ length: 6 }, (_, s) => ({ name: `plc-${s}`, connected: true, since: Date.now() })),
    assets: Array.from({ length: 8 }, (_, a) => ({
      name: `machine-${a}`,
      model: 'pump-hybrid',
      modelVersion: '1.0.0',
      channels: ['flow', 'pressure', 'speed', 'vibration', 'temperature', 'current', 'voltage'],
      windowsScored: 500,
      windowsIncomplete: 0,
      windowsDropped: 0,
      degraded: undefined,
      alarm: alarm(`machine-${a}`),
      latest: { ts: Date.now(), score: 0.4, threshold: 1 },
      maxScore: 0.9,
    })),
    alarms: [],
    actions: [],
    sinks: ['influxdb', 'cloud-mqtt'].map((name) => ({ name, reachable: true, queued: 0 })),
  };
}

/** The loop's delay (p99, max; ms) and the answers a second while the client child asks `path` for `ms`. */
async function hammered(now: () => number, ms: number, path = '/metrics') {
  const api = { status: plantStatus, events: new EventBus<GatewayTopics>(() => undefined) };
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
      const client = benchChild('./scrape-client-child.js', [endpoint.port, path, CONNECTIONS, ms]);
      return (await reply<{ answered: number }>(client, 'answered')).answered;
    });
    return { p99, max, perSecond: answered / (ms / 1000) };
  } finally {
    await endpoint.close();
  }
}

type Hammered = Awaited<ReturnType<typeof hammered>>;

export const apiScrapeBenchmark: Benchmark = {
  name: 'api-scrape',
  description: 'event-loop delay while a client asks GET /metrics back to back: body built per request vs shared',
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_LOOP_MS ?? 3000);
    // Each call a second after the last: no body is ever fresh, each request builds its own (as before).
    let late = 0;
    const eachBuilds = () => (late += 1_000_000);
    const perRequest: Hammered[] = [];
    const shared: Hammered[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      perRequest.push(await hammered(eachBuilds, ms));
      shared.push(await hammered(() => performance.now(), ms));
    }
    return {
      name: 'api-scrape',
      title: `GET /metrics back to back on ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${ms} ms`,
      unit: 'see row',
      baselineName: 'built per request',
      candidateName: 'shared',
      better: 'lower',
      rows: loopRows(perRequest, shared),
      notes: ['the client is another process; both sides share the machine'],
    };
  },
};

/** The rows both benchmarks report, medians of their rounds. */
function loopRows(baseline: readonly Hammered[], candidate: readonly Hammered[]) {
  const row = (label: string, of: (r: Hammered) => number) => ({
    label,
    baseline: median(baseline.map(of)),
    candidate: median(candidate.map(of)),
  });
  return [
    row('event-loop delay p99 (ms)', (r) => r.p99),
    row('event-loop delay max (ms)', (r) => r.max),
    row('answers a second (higher is better)', (r) => r.perSecond),
  ];
}

export const apiHealthBenchmark: Benchmark = {
  name: 'api-health',
  description: 'event-loop delay while a client asks GET /healthz back to back (built per request) vs /metrics shared',
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_LOOP_MS ?? 3000);
    const metrics: Hammered[] = [];
    const health: Hammered[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      metrics.push(await hammered(() => performance.now(), ms));
      health.push(await hammered(() => performance.now(), ms, '/healthz'));
    }
    return {
      name: 'api-health',
      title: `back to back on ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${ms} ms`,
      unit: 'see row',
      baselineName: 'GET /metrics, shared',
      candidateName: 'GET /healthz, per request',
      better: 'lower',
      rows: loopRows(metrics, health),
      notes: ['/healthz answers from a status of 6 sources, 8 assets and 2 sinks built for each request'],
    };
  },
};
