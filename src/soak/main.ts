/**
 * `npm run soak -- --minutes N [--sample-s S] [--warmup-minutes W] [--rate R] [--out DIR]`: runs
 * the demo line R times (default 10) faster than `linewatch demo`, with a real influxd, a real
 * mosquitto (cloud sync and an mqtt_publish alarm action) and faults injected now and then, in
 * this process; every S seconds it samples memory, open fds, event-loop delay and queue sizes
 * into DIR/samples.csv, and at the end writes DIR/summary.json (RSS and heap slopes after W
 * minutes of warm-up, least squares, MB per hour) and prints it. `--influx-outage-at-min A` stops influxd at
 * minute A for `--influx-outage-min` minutes (default 5), as a real InfluxDB outage, then starts it again.
 */
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config/load.js';
import { startInfluxd } from '../testing/influxd.js';
import { startMosquitto } from '../testing/mosquitto.js';
import { runUntilSignal, startDaemon } from '../daemon/daemon.js';
import { freePort } from '../core/free-port.js';
import { FAULT_TYPES } from '../sim/faults.js';
import { runSimulator } from '../sim/run-simulator.js';
import { createLogger } from '../telemetry/logger.js';
import { demoModelFolders, scaledManifest, soakConfigText } from './soak-config.js';
import { csvHeader, csvRow, summarise, takeSample, type SoakSample } from './soak-sample.js';

/** The demo line's configuration, as `linewatch demo` runs it. */
const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

function positive(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} ${text}: expected a positive number`);
  return v;
}

const USAGE =
  'usage: npm run soak -- [--minutes 5] [--sample-s 10] [--warmup-minutes W] [--rate 10] [--fault-every-s 60]\n' +
  '                       [--influx-outage-at-min A [--influx-outage-min 5]] [--out DIR]\n' +
  '  the demo line at --rate times its speed for --minutes, with a real influxd and mosquitto and faults injected every\n' +
  '  --fault-every-s seconds; memory, fds, event-loop delay and queues sampled every --sample-s seconds into\n' +
  '  DIR/samples.csv, the slopes after the warm-up (default a quarter of the run, at most 10 min) in DIR/summary.json;\n' +
  '  with --influx-outage-at-min, influxd is stopped at minute A for --influx-outage-min minutes, then started again\n';

export async function soakMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args: [...argv],
    options: {
      minutes: { type: 'string', default: '5' },
      'sample-s': { type: 'string', default: '10' },
      'warmup-minutes': { type: 'string' },
      rate: { type: 'string', default: '10' },
      'fault-every-s': { type: 'string', default: '60' },
      'influx-outage-at-min': { type: 'string' },
      'influx-outage-min': { type: 'string', default: '5' },
      out: { type: 'string', default: `soak-out/${new Date().toISOString().replace(/[:.]/g, '-')}` },
    },
  });
  const minutes = positive('minutes', values.minutes!);
  const sampleS = positive('sample-s', values['sample-s']!);
  const warmupS = 60 * (values['warmup-minutes'] ? Number(values['warmup-minutes']) : Math.min(10, minutes / 4));
  const rate = positive('rate', values.rate!);
  const faultEveryS = positive('fault-every-s', values['fault-every-s']!);
  const outageAtMin = values['influx-outage-at-min']
    ? positive('influx-outage-at-min', values['influx-outage-at-min'])
    : 0;
  const outageMin = positive('influx-outage-min', values['influx-outage-min']!);
  const out = resolve(values.out!);
  mkdirSync(join(out, 'data'), { recursive: true });
  const logger = createLogger(process.env.LINEWATCH_LOG_LEVEL ?? 'warn', process.stderr);

  const influxd = await startInfluxd();
  const mosquitto = await startMosquitto();
  // The plant steps 100 ms of its time per update at any rate (the simulator's default tick), as at rate 1.
  const sim = await runSimulator({ modbusPort: await freePort(), seed: 42, speed: rate });
  const demoYaml = readFileSync(DEMO_CONFIG, 'utf8');
  const modelDir = join(out, 'models');
  for (const name of demoModelFolders(demoYaml)) {
    const from = join(dirname(DEMO_CONFIG), '..', 'models', name);
    cpSync(from, join(modelDir, name), { recursive: true });
    const manifest = join(modelDir, name, 'manifest.json');
    writeFileSync(manifest, scaledManifest(readFileSync(manifest, 'utf8'), rate));
  }
  const text = soakConfigText(demoYaml, {
    modelDir,
    influxUrl: influxd.url,
    mqttUrl: mosquitto.url,
    dataDir: join(out, 'data'),
    rate,
  });
  writeFileSync(join(out, 'config.yaml'), text);
  const env = { ...process.env, LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort) };
  const daemon = await startDaemon(await parseConfig(text, DEMO_CONFIG, env), logger);
  const counts = { scores: 0, alarms: 0, parts: 0, faults: 0 };
  daemon.gateway.events.subscribe('scores', (s) => (counts.scores += s.length));
  daemon.gateway.events.subscribe('parts', (p) => (counts.parts += p.length));
  daemon.gateway.events.subscribe('alarm', () => counts.alarms++);
  // A fault now and then keeps alarms and their action busy; the old one is cleared first so the
  // simulator's own fault list does not grow.
  const faultTimer = setInterval(() => {
    sim.sim.clearFaults();
    sim.sim.injectFault({
      type: FAULT_TYPES[counts.faults++ % FAULT_TYPES.length]!,
      start_s: 0,
      duration_s: 20 * rate,
      severity: 0.8,
      ramp_s: 2 * rate,
    });
  }, faultEveryS * 1000);

  // --influx-outage-at-min A: influxd is stopped at minute A for --influx-outage-min minutes (its data kept), then
  // started again on the same port, so the InfluxDB sink's queue fills and drains as in a real outage.
  const outageTimers: NodeJS.Timeout[] = [];
  if (outageAtMin > 0) {
    outageTimers.push(
      setTimeout(() => {
        process.stderr.write(`soak: influxd stopped at ${outageAtMin} min\n`);
        void influxd.pause();
      }, outageAtMin * 60_000),
      setTimeout(
        () => {
          process.stderr.write(`soak: influxd started again at ${Number((outageAtMin + outageMin).toFixed(3))} min\n`);
          void influxd.resume();
        },
        (outageAtMin + outageMin) * 60_000,
      ),
    );
  }
  const sinks = ['influxdb', 'cloud-mqtt'];
  const csv = join(out, 'samples.csv');
  writeFileSync(csv, `${csvHeader(sinks)}\n`);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const startedAt = Date.now();
  const samples: SoakSample[] = [];
  // With --expose-gc (npm run soak) a full collection runs before memory is read, so the figures are what is
  // retained, not where V8's collector happens to be in its cycle (the heap saws between 30 and 100 MB).
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = async () => {
    const s = await takeSample(startedAt, loop, daemon.metrics, gc);
    samples.push(s);
    appendFileSync(csv, `${csvRow(s, sinks)}\n`);
    process.stderr.write(
      `soak ${(s.t_s / 60).toFixed(1)} min: rss ${s.rss_mb} MB, heap ${s.heap_used_mb} MB, fds ${s.fds}, loop p99 ${s.loop_p99_ms} ms, queued ${JSON.stringify(s.queued)}\n`,
    );
  };
  await sample();
  const sampler = setInterval(() => void sample(), sampleS * 1000);
  let endTimer: NodeJS.Timeout | undefined;
  const end = new Promise<void>((r) => (endTimer = setTimeout(r, minutes * 60_000)));
  try {
    await runUntilSignal(daemon, logger, end.then(sample));
  } finally {
    clearInterval(sampler);
    clearInterval(faultTimer);
    clearTimeout(endTimer);
    for (const t of outageTimers) clearTimeout(t);
    loop.disable();
    await sim.close();
  }
  const written = await influxd.query('linewatch_soak', 'SELECT count(*) FROM /.*/').catch(() => []);
  await influxd.stop();
  await mosquitto.stop();
  const summary = {
    ...summarise(samples, warmupS),
    rate,
    gc_before_sample: gc !== undefined,
    malloc_arena_max: process.env.MALLOC_ARENA_MAX ?? null,
    node: process.version,
    events: counts,
    influx_series: written.length,
    out,
  };
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

process.env.ORT_DISABLE_TELEMETRY ??= '1';
process.exitCode = await soakMain(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  return 2;
});
