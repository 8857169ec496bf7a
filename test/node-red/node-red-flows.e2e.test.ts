/**
 * The example flows in flows/ deployed on a real Node-RED 4.1 runtime (child process, its own
 * user directory, 127.0.0.1), with this package and node-red-contrib-modbus 5.23.3 installed into
 * it, against the line simulator over real sockets: a fault is injected and the alarm must come
 * out where the flow sends it (the stack light coil on the simulator; a webhook notification).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { freePort } from '../../src/core/free-port.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { startInfluxd, type Influxd } from '../../src/testing/influxd.js';
import { ROOT } from '../helpers/cli.js';
import { startNodeRed, type NodeRedRuntime } from '../../src/testing/node-red-process.js';
import { expectNodesLoaded, expectStackLightOnFault } from './flow-checks.js';

const flow = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'flows', name), 'utf8')) as { id: string; type: string; name?: string }[];
const TOKEN = 'flows-test-token-0042';

let sim: RunningSimulator;
let red: NodeRedRuntime;
let daemon: Daemon | undefined;
let webhook: Server;
const notifications: { text: string; asset: string; state?: string }[] = [];
let daemonPort: number;
let influx: Influxd;

beforeAll(async () => {
  influx = await startInfluxd();
  await fetch(`${influx.url}/query?q=CREATE+DATABASE+nodered`, { method: 'POST' });
  sim = await runSimulator({
    modbusPort: 0,
    httpPort: 0,
    seed: 11,
    opcua: { port: 0, pkiDir: mkdtempSync(join(tmpdir(), 'lw-nr-opcua-pki-')) },
  });
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      notifications.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  daemonPort = await freePort();
  red = await startNodeRed(
    {
      LINEWATCH_MODBUS_HOST: '127.0.0.1',
      LINEWATCH_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_DAEMON_URL: `http://127.0.0.1:${daemonPort}`,
      LINEWATCH_NOTIFY_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/notify`,
      LINEWATCH_API_TOKEN: TOKEN,
      LINEWATCH_OPCUA_ENDPOINT: sim.opcuaEndpoint!,
      LINEWATCH_INFLUX_URL: influx.url,
      LINEWATCH_INFLUX_DB: 'nodered',
    },
    ['node-red-contrib-modbus', 'node-red-contrib-opcua', 'node-red-contrib-influxdb'],
  );
}, 90_000);

afterAll(async () => {
  await red?.stop();
  await daemon?.stop();
  await sim?.close();
  webhook?.close();
  await influx?.stop();
});

describe('example flows on a real Node-RED runtime', () => {
  it('installs: every linewatch node type is loaded without error', async () => {
    await expectNodesLoaded(red, 'linewatch');
  });

  it('modbus-stack-light: contrib-modbus read → window → score → alarm switches the stack light coil on a fault', async () => {
    await red.deploy(flow('modbus-stack-light.json'));
    await expectStackLightOnFault(sim, red, 100);
  }, 150_000);

  it("daemon-notifications: the daemon's new alarm becomes a webhook notification; the inject node acknowledges it on the daemon", async () => {
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: String(daemonPort),
      LINEWATCH_API_TOKEN: TOKEN,
    });
    loaded.config.storage.local = undefined;
    daemon = await startDaemon(loaded, silentLogger());
    const flows = flow('daemon-notifications.json');
    await red.deploy(flows);
    await expect.poll(() => daemon!.gateway.status().assets[0].windowsScored, { timeout: 20_000 }).toBeGreaterThan(5);
    expect(notifications).toEqual([]);
    sim.sim.injectFault({ type: 'rotor_imbalance', severity: 0.8, ramp_s: 1 });
    await expect
      .poll(() => notifications.length, {
        timeout: 30_000,
        interval: 100,
        message: `no notification; Node-RED log:\n${red.log()}`,
      })
      .toBeGreaterThan(0);
    expect(notifications[0]).toMatchObject({
      asset: 'pump-1',
      state: 'unack_active',
      text: expect.stringMatching(/^pump-1: anomaly score .* above threshold/),
    });
    await red.inject(flows.find((n) => n.type === 'inject')!.id);
    await expect.poll(() => daemon!.gateway.status().assets[0].alarm.state, { timeout: 10_000 }).toBe('ack_active');
    sim.sim.clearFaults();
  }, 90_000);

  it('opcua-influxdb: contrib-opcua subscription → window → score → alarm lands in InfluxDB with the scores', async () => {
    await red.deploy(flow('opcua-influxdb.json'));
    const count = async (q: string) => Number((await influx.query('nodered', q))[0]?.values[0][1] ?? 0);
    await expect
      .poll(() => count('SELECT COUNT(score) FROM linewatch_score'), {
        timeout: 40_000,
        interval: 500,
        message: `no scores in InfluxDB; Node-RED log:\n${red.log()}`,
      })
      .toBeGreaterThan(10);
    expect(await count(`SELECT COUNT(score) FROM linewatch_alarm WHERE "state" = 'unack_active'`)).toBe(0);
    sim.sim.injectFault({ type: 'rotor_imbalance', severity: 0.8, ramp_s: 1 });
    await expect
      .poll(() => count(`SELECT COUNT(score) FROM linewatch_alarm WHERE "state" = 'unack_active'`), {
        timeout: 30_000,
        interval: 500,
        message: `no alarm in InfluxDB; Node-RED log:\n${red.log()}`,
      })
      .toBe(1);
    const [alarm] = await influx.query('nodered', `SELECT * FROM linewatch_alarm WHERE "state" = 'unack_active'`);
    const row = Object.fromEntries(alarm.columns.map((c, i) => [c, alarm.values[0][i]]));
    expect(row).toMatchObject({
      asset: 'pump-1',
      alarm: 'anomaly',
      priority: 'high',
      previous: 'normal',
      cause: 'condition',
      annunciated: 1,
      site: 'site',
      line: 'line',
      gateway: 'node-red',
    });
    expect(String(row.top_channels)).toMatch(/vibration/);
    sim.sim.clearFaults();
  }, 120_000);
});
