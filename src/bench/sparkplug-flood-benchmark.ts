/**
 * sparkplug-flood: does garbage on the Sparkplug edge node's command topics stall the gateway? The node publishes a
 * DDATA every 100 ms (a sample every 20 ms, publish_interval_ms 100) on a real mosquitto while a child process floods
 * NCMD and DCMD; measured here: the event loop's delay (p99, max), and in the child, as a host application sees it, the
 * longest time between two DDATA. Baseline: the same node with no flood. LINEWATCH_BENCH_LOOP_MS sets each
 * measurement's length (default 3000).
 */
import { startMosquitto } from '../testing/mosquitto.js';
import { goodSample } from '../testing/samples.js';
import { SparkplugEdgeNode } from '../sinks/sparkplug/edge-node.js';
import { sparkplugSchema } from '../sinks/sparkplug/schema.js';
import { silentLogger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { benchChild, reply } from './bench-child.js';
import { loopDelay } from './event-loop-benchmark.js';
import type { Benchmark, BenchRow } from './harness.js';
import type { FloodKind } from './sparkplug-flood-child.js';

const GROUP = 'bench';
const NODE = 'gw';
/** Floods: messages a second, of what (junk: bytes; writes: metrics written). */
const FLOODS: readonly { rate: number; kind: FloodKind; size: number }[] = [
  { rate: 200, kind: 'junk', size: 60_000 },
  { rate: 1000, kind: 'junk', size: 4000 },
  { rate: 1000, kind: 'writes', size: 150 },
];

interface FloodDone {
  readonly sent: number;
  readonly bytes: number;
  readonly ddata: number;
  readonly maxGapMs: number;
}

export const sparkplugFloodBenchmark: Benchmark = {
  name: 'sparkplug-flood',
  description: 'event-loop delay and DDATA gaps of the Sparkplug edge node while its command topics are flooded',
  async run() {
    const ms = Number(process.env.LINEWATCH_BENCH_LOOP_MS ?? 3000);
    const broker = await startMosquitto();
    const config = sparkplugSchema.parse({
      url: broker.url,
      group_id: GROUP,
      edge_node_id: NODE,
      publish_interval_ms: 100,
    });
    const node = new SparkplugEdgeNode(
      config,
      { group: GROUP, node: NODE },
      { logger: silentLogger(), metrics: new GatewayMetrics() },
    );
    const child = benchChild('./sparkplug-flood-child.js', [broker.url, GROUP, NODE]);
    let value = 0;
    const sampling = setInterval(() => {
      value++;
      node.write({ samples: [goodSample('flow', Date.now(), value)], scores: [], alarms: [] });
    }, 20);
    try {
      await reply(child, 'ready');
      await node.start();
      const measure = async (rate: number, kind: FloodKind, size: number) => {
        const done = reply<{ done: FloodDone }>(child, 'done', { flood: { rate, kind, size, ms } });
        const cpu = process.cpuUsage();
        const delay = await loopDelay(ms, async (running) => {
          while (running()) await new Promise((r) => setTimeout(r, 50));
          return 0;
        });
        const used = process.cpuUsage(cpu);
        // The gateway's CPU in ms per second of the flood.
        const cpuMsPerS = (used.user + used.system) / ms;
        return { ...delay, cpuMsPerS, ...(await done).done };
      };
      const idle = await measure(0, 'junk', 0);
      const rows: BenchRow[] = [];
      const notes: string[] = [`no flood: ${idle.ddata} DDATA in ${ms} ms, longest gap ${idle.maxGapMs.toFixed(0)} ms`];
      for (const { rate, kind, size } of FLOODS) {
        const f = await measure(rate, kind, size);
        const what = `${rate}/s ${kind === 'junk' ? 'junk' : `${size} writes`} of ${f.bytes.toLocaleString('en-US')} B`;
        rows.push({ label: `p99 loop delay, ${what} (ms)`, baseline: idle.p99, candidate: f.p99 });
        rows.push({ label: `max loop delay, ${what} (ms)`, baseline: idle.max, candidate: f.max });
        rows.push({ label: `longest DDATA gap, ${what} (ms)`, baseline: idle.maxGapMs, candidate: f.maxGapMs });
        rows.push({ label: `gateway CPU, ${what} (ms a second)`, baseline: idle.cpuMsPerS, candidate: f.cpuMsPerS });
        notes.push(`${what}: ${f.sent} garbage commands published, ${f.ddata} DDATA seen in ${ms} ms`);
      }
      return {
        name: 'sparkplug-flood',
        title: `Sparkplug edge node, DDATA every 100 ms, command topics flooded with garbage (${ms} ms each) vs none`,
        unit: 'ms',
        baselineName: 'no flood',
        candidateName: 'flood',
        better: 'lower',
        rows,
        notes: [
          ...notes,
          'commands over 4096 bytes are dropped undecoded; handling commands takes at most 20 ms a second (src/sinks/sparkplug/command-gate.ts)',
        ],
      };
    } finally {
      clearInterval(sampling);
      child.disconnect();
      await node.close();
      await broker.stop();
    }
  },
};
