/**
 * opcua-server-start: what storage.opcua_server adds to a gateway's start on a small box. The demo gateway started in a
 * fresh process without it (baseline) and with it (candidate), one start each after a first one that makes the
 * server's certificate (reported in a note): the time from the process's start until the gateway's start resolved
 * (module loading included: node-opcua and its standard nodeset are the cost), and the resident memory then.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchChild, reply } from './bench-child.js';
import type { Benchmark } from './harness.js';

interface Started {
  readonly startMs: number;
  readonly rssMib: number;
}

async function startOnce(dataDir: string, mode: 'plain' | 'server'): Promise<Started> {
  const child = benchChild('./gateway-start-child.js', [dataDir, mode]);
  const started = await reply<Started>(child, 'startMs');
  await new Promise((r) => child.once('exit', r));
  return started;
}

export const opcuaServerStartBenchmark: Benchmark = {
  name: 'opcua-server-start',
  description: "the demo gateway's start time and RSS without and with storage.opcua_server (one start each)",
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'lw-bench-uaserver-'));
    try {
      const first = await startOnce(join(dir, 'server'), 'server');
      const plain = await startOnce(join(dir, 'plain'), 'plain');
      const server = await startOnce(join(dir, 'server'), 'server');
      return {
        name: 'opcua-server-start',
        title: 'demo gateway start, fresh process each',
        unit: 'ms / MiB',
        baselineName: 'without opcua_server',
        candidateName: 'with opcua_server',
        better: 'lower',
        rows: [
          { label: 'start (ms)', baseline: plain.startMs, candidate: server.startMs },
          { label: 'RSS at start (MiB)', baseline: plain.rssMib, candidate: server.rssMib },
        ],
        notes: [
          `the first start with it, which made the server's certificate: ${Math.round(first.startMs)} ms, ${Math.round(first.rssMib)} MiB`,
        ],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
