/**
 * The demo gateway as a Sparkplug edge node through its real wiring (runtime/gateway-sinks.ts hands the sink the
 * configuration's asset outline) on a real mosquitto, read by a decoding host application: each asset's first DBIRTH
 * declares every metric the configuration says it carries (its numeric channels, score and verdict, the anomaly
 * alarm, the part for the press), null until the first value; a start makes one DBIRTH per device, the first score
 * and part coming as DDATA; with primary_host_id, no NBIRTH until the host's retained STATE says online.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load.js';
import { freePort } from '../../../src/core/free-port.js';
import { startDaemon, type Daemon } from '../../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../../src/sim/run-simulator.js';
import { sparkplugSchema } from '../../../src/sinks/sparkplug/schema.js';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { ROOT } from '../../helpers/cli.js';
import { logLines, type LogLines } from '../../helpers/log-lines.js';
import { of } from '../../helpers/sparkplug-edge-node.js';
import { sparkplugHost, type HostMessage, type SparkplugHost } from '../../helpers/sparkplug-host.js';
import { suiteServer } from '../../helpers/suite-server.js';

const broker = suiteServer(() => startMosquitto());
const GROUP = 'demo-plant';

const values = (...channels: string[]) => channels.map((c) => `values/${c}`);
const SCORED = ['anomaly/score', 'anomaly/verdict', 'alarm/anomaly/active', 'alarm/anomaly/state'];
/** What config/demo.yaml says each asset carries (press-1's `serial` is text: not a Sparkplug Double). */
const DECLARED: Record<string, string[]> = {
  'pump-1': [
    ...values('vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow', 'run_hours'),
    ...SCORED,
  ],
  'press-1': [...values('cycle_active', 'part_counter', 'force', 'position'), ...SCORED, 'part/verdict', 'part/id'],
};
const allNull = (names: string[]) => Object.fromEntries(names.map((n) => [n, null]));

interface Run {
  readonly host: SparkplugHost;
  readonly log: LogLines;
  readonly daemon: Daemon;
  /** Starts the simulator where the demo polls (nothing listens there before): records come from then on. */
  startSimulator(): Promise<void>;
}

/**
 * The demo gateway (its store in a temp folder) with storage.sparkplug as edge node `node` of GROUP, its simulator not
 * started yet (so that no record comes before the births), and a host application subscribed to GROUP.
 */
async function withDemoNode(node: string, settings: Record<string, unknown>, run: (r: Run) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'lw-sparkplug-births-'));
  const modbusPort = await freePort();
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  loaded.config.storage.local!.path = join(dir, 'store.db');
  loaded.config.storage.sparkplug = sparkplugSchema.parse({
    url: broker().url,
    group_id: GROUP,
    edge_node_id: node,
    publish_interval_ms: 0,
    ...settings,
  });
  const host = await sparkplugHost(broker().url, GROUP);
  const log = logLines('info');
  const daemon = await startDaemon(loaded, log.logger, { restoreAlarms: false });
  let sim: RunningSimulator | undefined;
  const startSimulator = async () => void (sim = await runSimulator({ modbusPort, httpPort: 0, seed: 3 }));
  try {
    await run({ host, log, daemon, startSimulator });
  } finally {
    await daemon.stop();
    await sim?.close();
    await host.end();
  }
}

/** Each device's first DBIRTH of `node`, from the `from`-th message on. */
const firstBirths = async (host: SparkplugHost, node: string, from = 0) =>
  Object.fromEntries(
    await Promise.all(
      Object.keys(DECLARED).map(async (d) => [d, (await host.next(of(node, 'DBIRTH', d), from)).metrics] as const),
    ),
  );

const hasMetric = (node: string, device: string, metric: string) => (m: HostMessage) =>
  of(node, 'DDATA', device)(m) && m.metrics[metric] !== undefined && m.metrics[metric] !== null;

describe('the demo gateway as a Sparkplug edge node', () => {
  it(
    "declares each asset's metrics in its first DBIRTH, null, and births each device once: the first score and part come as DDATA",
    () =>
      withDemoNode('demo-births', {}, async ({ host, startSimulator }) => {
        // The DBIRTHs follow the NBIRTH at once: records from now on come after them.
        await host.next(of('demo-births', 'NBIRTH'));
        await startSimulator();
        expect(await firstBirths(host, 'demo-births')).toEqual({
          'pump-1': allNull(DECLARED['pump-1']!),
          'press-1': allNull(DECLARED['press-1']!),
        });
        // The first value of each kind has come (as data: the metric was declared).
        await Promise.all([
          host.next(hasMetric('demo-births', 'pump-1', 'values/flow')),
          host.next(hasMetric('demo-births', 'pump-1', 'anomaly/score')),
          host.next(hasMetric('demo-births', 'press-1', 'values/force')),
          host.next(hasMetric('demo-births', 'press-1', 'anomaly/score')),
          host.next(hasMetric('demo-births', 'press-1', 'part/verdict')),
        ]);
        const births = host.messages.filter(of('demo-births', 'DBIRTH')).map((m) => m.device);
        expect(births.sort()).toEqual(['press-1', 'pump-1']);
        expect(host.messages.filter(of('demo-births', 'NBIRTH'))).toHaveLength(1);
      }),
    90_000,
  );

  it(
    "with primary_host_id: no NBIRTH until the host's retained STATE says online, then the births with every metric declared",
    () =>
      withDemoNode('demo-phid', { primary_host_id: 'scada-demo' }, async ({ host, log, daemon, startSimulator }) => {
        // Said once the node subscribed to the host's STATE: nothing was born before.
        await log.next(/^Sparkplug: waiting for primary host scada-demo to be online \(no STATE from it yet/);
        const status = await fetch(`http://127.0.0.1:${daemon.http!.port}/api/status`);
        expect(((await status.json()) as { sinks: unknown[] }).sinks).toContainEqual(
          expect.objectContaining({
            name: 'sparkplug',
            reachable: false,
            lastError:
              'Sparkplug: waiting for primary host scada-demo to be online (no STATE from it yet on spBv1.0/STATE/scada-demo); no NBIRTH until it is',
          }),
        );
        expect(host.messages.filter((m) => m.node === 'demo-phid')).toEqual([]);

        const from = host.messages.length;
        await host.client.publishAsync(
          'spBv1.0/STATE/scada-demo',
          JSON.stringify({ online: true, timestamp: Date.now() }),
          { qos: 1, retain: true },
        );
        const nbirth = await host.next(of('demo-phid', 'NBIRTH'), from);
        expect(nbirth.metrics.bdSeq).toBe(0);
        await startSimulator();
        expect(await firstBirths(host, 'demo-phid', from)).toEqual({
          'pump-1': allNull(DECLARED['pump-1']!),
          'press-1': allNull(DECLARED['press-1']!),
        });
      }),
    60_000,
  );
});
