/** `npm run bench [-- NAME…] [--json]`: runs the named benchmarks (all by default). */
import { formatTable, toJson, type Benchmark } from './harness.js';
import { int8VsFp32, modelLoadBenchmark, scoringPipeline } from './scoring-benchmarks.js';
import { sharedModelBenchmark } from './shared-model-benchmark.js';
import { alarmWritebackBenchmark, influxSinkBenchmark } from './storage-benchmarks.js';
import { modelReloadBenchmark } from './reload-benchmark.js';
import { fleetBenchmark } from './fleet-benchmark.js';
import { modbusIngestBenchmark } from './modbus-ingest-benchmark.js';
import { opcuaIngestBenchmark } from './opcua-ingest-benchmark.js';
import { eventLoopBenchmark } from './event-loop-benchmark.js';
import { detectorBenchmark } from './detector-benchmark.js';
import { journalBenchmark } from './journal-benchmark.js';
import { apiHealthBenchmark, apiScrapeBenchmark } from './api-scrape-benchmark.js';
import { opcuaServerStartBenchmark } from './opcua-server-benchmark.js';
import { sparkplugFloodBenchmark } from './sparkplug-flood-benchmark.js';

export const BENCHMARKS: readonly Benchmark[] = [
  scoringPipeline,
  int8VsFp32,
  modelLoadBenchmark,
  sharedModelBenchmark,
  influxSinkBenchmark,
  alarmWritebackBenchmark,
  journalBenchmark,
  modelReloadBenchmark,
  fleetBenchmark,
  modbusIngestBenchmark,
  opcuaIngestBenchmark,
  eventLoopBenchmark,
  apiScrapeBenchmark,
  apiHealthBenchmark,
  detectorBenchmark,
  opcuaServerStartBenchmark,
  sparkplugFloodBenchmark,
];

const USAGE = (): string =>
  `usage: npm run bench [-- NAME…] [--json]: runs the named benchmarks (all by default), each beside its baseline\n` +
  BENCHMARKS.map((b) => `  ${b.name.padEnd(16)} ${b.description}\n`).join('');

export async function benchMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE());
    return 0;
  }
  const flags = argv.filter((a) => a.startsWith('-') && a !== '--json');
  if (flags.length > 0) {
    process.stderr.write(`unknown option(s): ${flags.join(', ')}\n${USAGE()}`);
    return 2;
  }
  const json = argv.includes('--json');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(', ')}; available: ${BENCHMARKS.map((b) => `${b.name} (${b.description})`).join('; ')}\n`,
    );
    return 2;
  }
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  for (const bench of selected) {
    const result = await bench.run();
    process.stdout.write(json ? `${toJson(result)}\n` : `${formatTable(result)}\n\n`);
  }
  return 0;
}

process.env.ORT_DISABLE_TELEMETRY ??= '1';
process.exitCode = await benchMain(process.argv.slice(2));
