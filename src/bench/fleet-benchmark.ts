/**
 * fleet: N gateway processes (each the demo plant read from one simulator, syncing to the cloud
 * with a health point every second) against one mosquitto on this machine, compared with a
 * single gateway: messages/s arriving at a cloud consumer, the broker's CPU, and each gateway's
 * CPU. LINEWATCH_BENCH_GATEWAYS sets N (default 20), LINEWATCH_BENCH_FLEET_S the measured seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { runSimulator } from '../sim/run-simulator.js';
import type { Benchmark, BenchRow } from './harness.js';
import { startMosquitto } from '../testing/mosquitto.js';
import { cpuSeconds } from './proc-cpu.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function gatewayConfig(dir: string, i: number, modbusPort: number, brokerUrl: string): Promise<string> {
  const demo = await readFile(join(ROOT, 'config/demo.yaml'), 'utf8');
  const text = demo
    .replaceAll('${LINEWATCH_DEMO_MODBUS_PORT:-5020}', String(modbusPort))
    .replaceAll('model: ../models/', `model: ${join(ROOT, 'models')}/`)
    .replace('name: demo-gateway', `name: gw-${i}`)
    .replace(
      /http:\n  host: 127.0.0.1\n  port: \$\{LINEWATCH_HTTP_PORT:-8080\}\n  api_token: .*\n/,
      'http:\n  enabled: false\n',
    )
    .replace(/^data_dir: .*$/m, `data_dir: ${join(dir, `gw-${i}`)}`)
    .replace(
      /storage:\n  local:\n    path: \.\.\/data\/demo\.db\n    retention_hours: 24\n/,
      `cloud:\n  mqtt:\n    url: ${brokerUrl}\n    health_interval_ms: 1000\n`,
    );
  const path = join(dir, `gw-${i}.yaml`);
  await writeFile(path, text.replace('level: info', 'level: warn'));
  return path;
}

async function measure(
  n: number,
  seconds: number,
): Promise<{ messagesPerS: number; brokerCpuPct: number; gatewayCpuPct: number }> {
  const broker = await startMosquitto();
  const sim = await runSimulator({ modbusPort: 0, seed: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'lw-fleet-'));
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const config = await gatewayConfig(dir, i, sim.modbusPort, broker.url);
      children.push(
        spawn(process.execPath, [join(ROOT, 'bin/linewatch.js'), 'run', '--config', config], {
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
        }),
      );
    }
    const consumer = await mqtt.connectAsync(broker.url);
    await consumer.subscribeAsync('linewatch/#', { qos: 1 });
    let count = 0;
    consumer.on('message', () => count++);
    await new Promise((r) => setTimeout(r, 8000)); // all gateways up and publishing
    // A gateway that could not start (a config the demo no longer matches) must fail the benchmark, not measure zero.
    const exited = children.findIndex((c) => c.exitCode !== null);
    if (exited >= 0)
      throw new Error(
        `fleet: gateway ${exited} exited with code ${children[exited].exitCode} before the measurement (its stderr is above)`,
      );
    const c0 = count;
    const b0 = cpuSeconds(broker.pid);
    const g0 = children.reduce((s, c) => s + cpuSeconds(c.pid), 0);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    if (count === c0)
      throw new Error(`fleet: no message reached the cloud consumer in ${seconds} s from ${n} gateway(s)`);
    const result = {
      messagesPerS: (count - c0) / wall,
      brokerCpuPct: (100 * (cpuSeconds(broker.pid) - b0)) / wall,
      gatewayCpuPct: (100 * (children.reduce((s, c) => s + cpuSeconds(c.pid), 0) - g0)) / wall / n,
    };
    await consumer.endAsync();
    return result;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(undefined) : c.once('exit', r)))),
    );
    await sim.close();
    await broker.stop();
  }
}

export const fleetBenchmark: Benchmark = {
  name: 'fleet',
  description: 'N gateway processes against one broker vs one gateway: messages/s, broker CPU, CPU per gateway',
  async run() {
    const n = Number(process.env.LINEWATCH_BENCH_GATEWAYS ?? 20);
    const seconds = Number(process.env.LINEWATCH_BENCH_FLEET_S ?? 20);
    const one = await measure(1, seconds);
    const many = await measure(n, seconds);
    const rows: BenchRow[] = [
      { label: 'messages/s at the cloud consumer', baseline: one.messagesPerS, candidate: many.messagesPerS },
      { label: 'broker CPU (% of one core)', baseline: one.brokerCpuPct, candidate: many.brokerCpuPct },
      { label: 'CPU per gateway (% of one core)', baseline: one.gatewayCpuPct, candidate: many.gatewayCpuPct },
    ];
    return {
      name: this.name,
      title: `1 gateway (baseline) vs ${n} gateway processes (candidate), each polling the demo plant every 200 ms and syncing to one mosquitto, ${seconds} s measured on this 2-core machine`,
      unit: 'see row',
      baselineName: '1 gateway',
      candidateName: `${n} gateways`,
      better: 'higher',
      rows,
      notes: [
        `broker CPU per 1,000 messages: ${((10 * many.brokerCpuPct) / Math.max(1, many.messagesPerS)).toFixed(2)} CPU-s per 1,000 messages (≈ ${((many.brokerCpuPct / Math.max(1, many.messagesPerS)) * 10).toFixed(2)} ms per message)`,
        'the gateways also poll Modbus and score every window: their CPU is mostly detection, not sync',
      ],
    };
  },
};
